"""Base class of the course's anywidgets.

Each widget is a small Python class beside its own ``.js`` and ``.css`` file.
The JavaScript holds all interaction, so the same widget runs live in Jupyter
and, mounted by ``widgets/static/widget-runtime.js``, on the static site.
"""
from __future__ import annotations

from pathlib import Path

import anywidget

HERE = Path(__file__).parent


class CourseWidget(anywidget.AnyWidget):
    """An anywidget whose front end is ``<name>.js`` and ``<name>.css`` beside it."""

    _front_end = ""  # file stem, set by subclasses
    _repr_traits: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # add_traits() subclasses the widget again at init: leave those alone.
        if "_front_end" in cls.__dict__:
            cls._esm = (HERE / f"{cls._front_end}.js").read_text(encoding="utf-8")
            css = HERE / f"{cls._front_end}.css"
            cls._css = css.read_text(encoding="utf-8") if css.exists() else ""

    def __repr__(self) -> str:
        # Stable across runs (no model ids or addresses), so nbval can compare it.
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._repr_traits)
        return f"{type(self).__name__}({args})"
