"""A real course widget on a small page, without building the book.

The page carries the widget's saved state the way myst-nb writes it and loads the real runtime
(widgets/static/widget-runtime.js), so the widget's own JavaScript and CSS run exactly as on the
site. The theme's colour variables (pydata-sphinx-theme 0.17, light and dark) are declared on the
page, so light and dark mode follow the same variables the site's widgets read.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path

from browser_support import ROOT, check_phone_and_dark, serious_axe_violations, serve

RUNTIME = ROOT / "widgets" / "static" / "widget-runtime.js"
STATE_TYPE = "application/vnd.jupyter.widget-state+json"
VIEW_TYPE = "application/vnd.jupyter.widget-view+json"

# The few pydata-sphinx-theme variables the widgets use, with the theme's own values.
THEME = """
:root { --pst-color-text-base: #222832; --pst-color-text-muted: #48566b; --pst-color-surface: #f3f4f5;
        --pst-color-border: #d1d5da; --pst-color-background: #fff; --pst-color-primary: #0a7d91; }
html[data-theme="dark"] { --pst-color-text-base: #ced6dd; --pst-color-text-muted: #9ca4af;
        --pst-color-surface: #29313d; --pst-color-border: #48566b; --pst-color-background: #14181e;
        --pst-color-primary: #3fb1c5; }
*, ::before, ::after { box-sizing: border-box; }   /* the theme's bootstrap reboot */
html { font-size: 100%; }
body { margin: 0; background: var(--pst-color-background); color: var(--pst-color-text-base);
       font: 1rem/1.65 system-ui, sans-serif; }
main { padding: 0 1rem; max-width: 46rem; box-sizing: border-box; }
a { color: var(--pst-color-primary); }
"""


def saved_state(widget) -> tuple[dict, str]:
    """The widget's saved models (the widget and its layout) with every trait, and its model id."""
    from ipywidgets.embed import dependency_state, embed_data

    own = dependency_state(widget, drop_defaults=False)
    return embed_data(views=[widget], state=own, drop_defaults=False)["manager_state"]["state"], widget.model_id


def page_html(widget, title: str = "Widget") -> str:
    state, model_id = saved_state(widget)
    text = json.dumps({"version_major": 2, "version_minor": 0, "state": state}).replace("</", "<\\/")
    view = json.dumps({"version_major": 2, "version_minor": 0, "model_id": model_id})
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title}</title><link rel="icon" href="data:,"><style>{THEME}</style>'
        f'<script type="{STATE_TYPE}">{text}</script>'
        f'<script type="module" async src="widget-runtime.js"></script></head>'
        f'<body><main><h1>{title}</h1><h2>The widget</h2><div class="cell_output">'
        f'<script type="{VIEW_TYPE}">{view}</script></div></main></body></html>'
    )


@contextmanager
def widget_site(folder: Path, widgets: dict):
    """Serve one page per widget ({name: widget}) from `folder`; yields the base URL.

    Pages sit in a chapters/ folder, as on the site, so a widget's relative links
    (../bibliography.html) resolve the same way.
    """
    chapters = folder / "chapters"
    chapters.mkdir(parents=True, exist_ok=True)
    (chapters / RUNTIME.name).write_bytes(RUNTIME.read_bytes())
    (folder / "bibliography.html").write_text("<!DOCTYPE html><title>Bibliography</title>", encoding="utf-8")
    for name, widget in widgets.items():
        (chapters / f"{name}.html").write_text(page_html(widget, name), encoding="utf-8")
    with serve(folder) as url:
        yield f"{url}/chapters"


def bib_key_pattern() -> re.Pattern:
    """Any key of book/references.bib as a whole word: text a reader sees must show none."""
    from widgets.trials import bib_keys

    keys = sorted(bib_keys(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, keys)) + r")(?![\w-])")


def registry_id_pattern() -> re.Pattern:
    """Any registry record id or vocabulary id (rev-..., portal-vein-thrombosis) as a whole word."""
    from quizzes import vocab
    from quizzes.parsing.registry import load_registry

    ids = [*load_registry().records, *vocab.CONTRAINDICATIONS]
    ids = sorted(ids, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")


def wcag22_violations(page, selector: str | None = None) -> list[str]:
    """Serious or critical axe findings under the WCAG 2.2 AA tags (target size included)."""
    return serious_axe_violations(page, selector, wcag22=True)


def check_alone_on_a_phone(browser, url: str, selector: str, before=None, audit: str | None = None):
    """A widget on its own page fits 375 px and follows dark mode (check_phone_and_dark), and the
    part `audit` (the widget by default) has no WCAG 2.2 violation at 375 px, light and dark.
    `before(page)` opens whatever should be open (a list, an entry) before looking."""

    def wcag22(page):
        assert wcag22_violations(page, audit or selector) == []

    check_phone_and_dark(browser, url, selector, before=before, audit=wcag22)


def reader_text(page, selector: str) -> str:
    """Everything a reader can see or hear in the widget: its text with every <details> opened,
    plus the accessible names and descriptions written in attributes."""
    return page.evaluate(
        """(sel) => {
        const w = document.querySelector(sel);
        for (const d of w.querySelectorAll('details')) d.open = true;
        const attrs = [...w.querySelectorAll('[aria-label], [title]')]
            .map((n) => `${n.getAttribute('aria-label') || ''} ${n.getAttribute('title') || ''}`);
        const titles = [...w.querySelectorAll('svg title')].map((t) => t.textContent);
        return [w.innerText, ...attrs, ...titles].join('\\n');
    }""",
        selector,
    )
