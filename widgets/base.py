"""Base class of the course's anywidgets.

Each widget is a small Python class beside its own ``.js`` and ``.css`` file.
The JavaScript holds all interaction, so the same widget runs live in Jupyter
and, mounted by ``widgets/static/widget-runtime.js``, on the static site.
"""

from __future__ import annotations

import re
from pathlib import Path

import anywidget
import traitlets

HERE = Path(__file__).parent
# `import { a, b } from "./dom.js";`: shared helpers a widget module may import.
LOCAL_IMPORT = re.compile(r'^import \{[^}]*\} from "\./(?P<name>[\w-]+\.js)";$', re.MULTILINE)
# A top-level declaration (at the start of a line): once bundled, all share one module scope.
TOP_LEVEL = re.compile(r"^(?:export )?(?:async )?(?:function\*?|const|let|var|class) (?P<name>[\w$]+)", re.MULTILINE)


def bundle(source: str, _seen: set[str] | None = None) -> str:
    """Inline the widget's imports of sibling helper modules.

    The front end runs from a Blob URL on the static site (and as a string in
    Jupyter), where "./x.js" cannot be resolved; the helpers are small, so each
    is pasted in once with its `export` keywords removed. A helper may import
    other helpers: they are inlined before it, and a helper imported twice (by
    the widget and by another helper) is pasted only the first time, since one
    module scope cannot declare the same name twice.
    """
    seen = set() if _seen is None else _seen

    def inline(match: re.Match) -> str:
        name = match["name"]
        if name in seen:
            return ""
        seen.add(name)
        helper = bundle((HERE / name).read_text(encoding="utf-8"), seen)
        return re.sub(r"^export ", "", helper, flags=re.MULTILINE)

    out = LOCAL_IMPORT.sub(inline, source)
    if _seen is None:
        names = [m["name"] for m in TOP_LEVEL.finditer(out)]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            # The browser would refuse the whole module; say which name clashes, at build time.
            raise ValueError(
                f"bundled front end declares {', '.join(twice)} more than once "
                f"(a helper's private name clashes with another's or the widget's)"
            )
    return out


class CourseWidget(anywidget.AnyWidget):
    """An anywidget whose front end is ``<name>.js`` and ``<name>.css`` beside it.

    Every widget's CSS is preceded by ``theme.css``, the colour variables they share.
    """

    _front_end = ""  # file stem, set by subclasses
    _repr_traits: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # add_traits() subclasses the widget again at init: leave those alone.
        if "_front_end" in cls.__dict__:
            cls._esm = bundle((HERE / f"{cls._front_end}.js").read_text(encoding="utf-8"))
            css = HERE / f"{cls._front_end}.css"
            own = css.read_text(encoding="utf-8") if css.exists() else ""
            cls._css = (HERE / "theme.css").read_text(encoding="utf-8") + own

    @staticmethod
    def within_limits(limits: dict, proposal) -> float:
        """Validator body for numeric traits: refuse values outside ``limits[name]``."""
        name, value = proposal["trait"].name, proposal["value"]
        low, high = limits[name]
        if not low <= value <= high:
            raise traitlets.TraitError(f"{name} must be between {low} and {high}, got {value!r}")
        return value

    def __repr__(self) -> str:
        # Stable across runs (no model ids or addresses), so nbval can compare it.
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._repr_traits)
        return f"{type(self).__name__}({args})"
