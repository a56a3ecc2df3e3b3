"""The course's figures: hand-drawn SVG diagrams (book/figures/) and the summary matrix.

Diagrams are inlined into the page rather than loaded through <img>: an inline SVG inherits
the theme's CSS variables, so its colours follow the light and dark modes of the site (each
file's own <style> switches on html[data-theme="dark"] and falls back to light colours when
the file is opened on its own). Before a file is inlined it is checked (check_svg): a
well-formed SVG with an accessible name (<title>) and a text description (<desc>), only
drawing elements, no script, no event handler, no reference outside the file, colours only
through classes, and ids prefixed by the file's name so that two figures on one page cannot
collide. A bad file stops the build with its path, line and the offending element.

The summary matrix is generated from quizzes.rules.decide.recommend() for a reference patient each
time the chapter is executed, so it cannot disagree with the quizzes, whose keys the same
function checks. Every text it shows (labels, explanations, registry labels) is escaped.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass
from html import escape
from pathlib import Path

from quizzes import vocab
from quizzes.rules import decide

FIGURES_DIR = Path(__file__).resolve().parents[1] / "book" / "figures"
SVG_NS = "http://www.w3.org/2000/svg"

# Drawing elements only: no script, foreignObject, image, a, animation or filter (a filter
# would not follow the theme, and animation is not wanted in a printed figure).
ALLOWED_ELEMENTS = frozenset(
    {
        "svg",
        "title",
        "desc",
        "style",
        "defs",
        "g",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "clipPath",
        "marker",
        "use",
        "symbol",
        "linearGradient",
        "radialGradient",
        "stop",
        "pattern",
    }
)
# Colours belong in the file's <style> (where dark mode can change them), never in attributes.
COLOUR_ATTRIBUTES = ("fill", "stroke", "stop-color", "color", "style")
_COLOUR_VALUE = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl|hsla)\(|\b(?:white|black|red|blue|green|grey|gray)\b"
)
_LOCAL_URL = re.compile(r"url\(\s*#[A-Za-z][\w-]*\s*\)")


class FigureError(ValueError):
    """A figure file that must not reach a page; the message names file, line and problem."""


@dataclass(frozen=True)
class Svg:
    path: Path
    text: str  # the file, without an XML declaration, ready to inline
    title: str
    desc: str
    ids: tuple[str, ...]


def _where(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(FIGURES_DIR.parents[1]))
    except ValueError:
        return str(path)


def check_svg(path: Path) -> Svg:
    """Parse one figure file and enforce the rules in the module docstring."""
    path = Path(path)
    where = _where(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FigureError(f"{where}: cannot read the figure file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FigureError(f"{where}: not UTF-8 (byte {exc.start})") from None

    problems: list[str] = []
    stack: list[str] = []
    ids: list[str] = []
    texts: dict[str, list[str]] = {"title": [], "desc": []}
    root: dict = {}
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def fail(message: str) -> None:
        problems.append(f"{where}:{parser.CurrentLineNumber}: error: {message}")

    def start(name, attrs):
        ns, _, local = name.rpartition(" ")
        if ns != SVG_NS:
            fail(f"<{local}>: element outside the SVG namespace")
        elif local not in ALLOWED_ELEMENTS:
            fail(f"<{local}>: element not allowed in a course figure")
        if not stack:
            root.update(local=local, attrs=attrs)
        if local in texts and len(stack) != 1:
            fail(f"<{local}>: must be a direct child of <svg>")
        for key, value in attrs.items():
            attr = key.rpartition(" ")[2]
            if attr.lower().startswith("on"):
                fail(f"<{local} {attr}>: event handlers are not allowed")
            elif attr == "href":
                if not re.fullmatch(r"#[A-Za-z][\w-]*", value):
                    fail(f"<{local} href={value!r}>: only links inside the file (#id) are allowed")
            elif attr == "id":
                ids.append(value)
                if not value.startswith(path.stem + "-"):
                    fail(f"<{local} id={value!r}>: ids must start with {path.stem + '-'!r} (figures share a page)")
            elif attr in COLOUR_ATTRIBUTES and _COLOUR_VALUE.search(value):
                fail(f"<{local} {attr}={value!r}>: set colours in the <style> block, where dark mode can change them")
            if "url(" in value and not _LOCAL_URL.fullmatch(value.strip()):
                fail(f"<{local} {attr}>: url() must point inside the file")
        stack.append(local)

    def end(name):
        stack.pop()

    def chars(data):
        if stack and stack[-1] in texts and len(stack) == 2:
            texts[stack[-1]].append(data)
        if stack and stack[-1] == "style" and ("@import" in data or re.search(r"url\(\s*(?!#)", data)):
            fail("<style>: no @import and no url() outside the file")

    def doctype(*_args):
        fail("DOCTYPE declarations are not allowed (entities could pull in other files)")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = lambda *a: fail("entity declarations are not allowed")
    try:
        parser.Parse(raw, True)
    except xml.parsers.expat.ExpatError as exc:
        raise FigureError(
            f"{where}:{exc.lineno}: error: not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)}"
        ) from None

    attrs = root.get("attrs", {})
    title = " ".join("".join(texts["title"]).split())
    desc = " ".join("".join(texts["desc"]).split())
    if root.get("local") != "svg":
        problems.append(f"{where}:1: error: the root element must be <svg>")
    if not title:
        problems.append(f"{where}: error: <title>: missing or empty (the figure's accessible name)")
    if not desc:
        problems.append(f"{where}: error: <desc>: missing or empty (the figure's text description)")
    if attrs.get("role") != "img":
        problems.append(f'{where}: error: <svg>: needs role="img" (one picture for assistive technology)')
    if not attrs.get("viewBox"):
        problems.append(f"{where}: error: <svg>: needs a viewBox (so that it scales to the screen)")
    for attr in ("width", "height"):
        if attr in attrs:
            problems.append(f"{where}: error: <svg {attr}>: a fixed size would overflow a phone; use the viewBox only")
    named = {f"{path.stem}-title", f"{path.stem}-desc"}
    labelled = set(attrs.get("aria-labelledby", "").split()) | set(attrs.get("aria-describedby", "").split())
    if not named <= set(ids) or not named <= labelled:
        problems.append(
            f'{where}: error: <svg>: <title id="{path.stem}-title"> and <desc '
            f'id="{path.stem}-desc"> must exist and be named by aria-labelledby / '
            "aria-describedby"
        )
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"{where}: error: duplicate id(s): {', '.join(duplicates)}")
    if problems:
        raise FigureError("\n".join(problems))
    body = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", text)
    return Svg(path=path, text=body.strip(), title=title, desc=desc, ids=tuple(ids))


def diagram_html(name: str, folder: Path = FIGURES_DIR) -> str:
    """The inline SVG with its text description in a collapsed <details> below it."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise FigureError(f"figure name {name!r}: lowercase letters, digits and hyphens only")
    svg = check_svg(Path(folder) / f"{name}.svg")
    return (
        f'<div class="crlm-diagram" data-figure="{escape(name)}">{svg.text}'
        '<details class="crlm-figure-text"><summary>Text description of the figure</summary>'
        f"<p>{escape(svg.desc)}</p></details></div>"
    )


def diagram(name: str):
    """For a chapter's code cell: display book/figures/NAME.svg inline."""
    from IPython.display import HTML

    return HTML(diagram_html(name) + _DIAGRAM_CSS)


_DIAGRAM_CSS = """<style>
/* The theme pads figures by 8 px a side; on a phone the diagram needs that width for its text. */
@media (max-width: 40rem) { figure.crlm-figure { padding-left: 0; padding-right: 0; } }
.crlm-diagram svg { display: block; width: 100%; max-width: 30rem; height: auto; margin: 0 auto; }
.crlm-figure-text { max-width: 36rem; margin: 0.5rem auto 0; font-size: 0.9rem; text-align: left; }
.crlm-figure-text summary { cursor: pointer; }
</style>"""


# ------------------------------------------------------------------------- summary matrix

# The reference patient: disease only in the liver, nothing that rules a therapy out.
REFERENCE_PATIENT = {"disease": "liver-limited", "contraindications": []}
# The goal each row uses: the goal of the review's statement about that setting (survival
# after resection; conversion in first line; response and regional control after progression).
ROW_GOALS = {"adjuvant": "survival", "first-line": "conversion", "after-progression": "regional-control"}

SETTING_SHORT = {
    "adjuvant": "After resection (adjuvant)",
    "first-line": "First line, unresectable disease",
    "after-progression": "After progression on chemotherapy",
}
GOAL_SHORT = {
    "conversion": "conversion to resection",
    "regional-control": "response and liver control",
    "survival": "longer survival",
    "quality-of-life": "quality of life",
    "avoid-procedures": "avoid procedures",
}
STANCE_SHORT = {
    "option": "Option",
    "caution": "Caution",
    "not-supported": "Not supported",
    "contraindicated": "Contraindicated",
}
STANCE_MEANING = {
    "option": "the sources support discussing it here",
    "caution": "a named risk, sources that disagree, or silence on a listed factor: the team must weigh it",
    "not-supported": "the sources do not support it here, or say nothing about it",
    "contraindicated": "a listed patient factor rules it out",
}
STANCE_MARK = {"option": "\u2713", "caution": "!", "not-supported": "\u2013", "contraindicated": "\u2715"}


def reference_case(setting: str, goal: str) -> dict:
    return {
        "setting": setting,
        "goal": goal,
        **REFERENCE_PATIENT,
        "contraindications": list(REFERENCE_PATIENT["contraindications"]),
    }


def matrix_cells(recommend=decide.recommend) -> dict:
    """{(modality, setting, goal): recommend()'s result} for every goal of the reference patient."""
    cells = {}
    for setting in vocab.SETTINGS:
        for goal in vocab.GOALS:
            result = recommend(reference_case(setting, goal))
            for modality in vocab.MODALITIES:
                cells[(modality, setting, goal)] = result[modality]
    return cells


def _stance_html(stance: str) -> str:
    if stance not in STANCE_SHORT:
        raise ValueError(f"recommend() returned an unknown stance {stance!r}")
    return (
        f'<span class="crlm-st crlm-st-{stance}"><span class="crlm-st-mark" aria-hidden="true">'
        f"{STANCE_MARK[stance]}</span> {escape(STANCE_SHORT[stance])}</span>"
    )


def _cell(tag: str, modality: str, setting: str, goal: str, stance: str, extra: str = "") -> str:
    return (
        f'<{tag} data-modality="{modality}" data-setting="{setting}" data-goal="{goal}" '
        f'data-stance="{stance}"{extra}>{_stance_html(stance)}</{tag}>'
    )


def matrix_html(recommend=decide.recommend, registry=None) -> str:
    """The summary matrix: modality by setting for the reference patient (see ROW_GOALS), a
    legend, every goal setting by setting, and why each main cell says what it says.

    Each setting heads its own row group (a header row spanning the three therapies), so the
    three stance columns keep the full width of a phone screen."""
    from quizzes.pages.cite import STATEMENT_URL, record_label

    if registry is None:
        from quizzes.parsing.registry import load_registry

        registry = load_registry()
    cells = matrix_cells(recommend)
    names = vocab.MODALITY_NAMES
    parts = [
        '<div class="crlm-matrix">',
        '<table class="crlm-matrix-table crlm-matrix-main">',
        "<caption>Reference patient: disease only in the liver, no contraindication. Each "
        "setting states the patient's goal used for it.</caption><thead><tr>",
    ]
    parts.extend(f'<th scope="col" id="crlm-matrix-{m}">{escape(names[m])}</th>' for m in vocab.MODALITIES)
    parts.append("</tr></thead>")
    for setting in vocab.SETTINGS:
        goal = ROW_GOALS[setting]
        row_id = f"crlm-matrix-{setting}"
        parts.append(
            f'<tbody><tr><th scope="rowgroup" colspan="{len(vocab.MODALITIES)}" id="{row_id}" '
            f'class="crlm-matrix-setting">{escape(SETTING_SHORT[setting])}'
            f'<span class="crlm-matrix-goal">goal: {escape(GOAL_SHORT[goal])}</span></th></tr><tr>'
        )
        parts.extend(
            _cell("td", m, setting, goal, cells[(m, setting, goal)]["stance"], f' headers="crlm-matrix-{m} {row_id}"')
            for m in vocab.MODALITIES
        )
        parts.append("</tr></tbody>")
    parts.append("</table>")

    used = {c["stance"] for c in cells.values()}
    parts.append('<ul class="crlm-matrix-legend">')
    for stance in vocab.STANCES:
        note = "" if stance in used else " (not here: the reference patient has no contraindication)"
        parts.append(f"<li>{_stance_html(stance)}: {escape(STANCE_MEANING[stance])}{escape(note)}</li>")
    parts.append("</ul>")

    parts.append('<details class="crlm-matrix-more"><summary>Every goal, setting by setting</summary>')
    for setting in vocab.SETTINGS:
        prefix = f"crlm-matrix-{setting}"
        parts.append(
            f'<table class="crlm-matrix-table crlm-matrix-goals"><caption>'
            f"{escape(SETTING_SHORT[setting])}: each goal</caption><thead><tr>"
        )
        parts.extend(f'<th scope="col" id="{prefix}-{m}">{escape(names[m])}</th>' for m in vocab.MODALITIES)
        parts.append("</tr></thead>")
        for goal in vocab.GOALS:
            parts.append(
                f'<tbody><tr><th scope="rowgroup" colspan="{len(vocab.MODALITIES)}" '
                f'id="{prefix}-{goal}">goal: {escape(GOAL_SHORT[goal])}</th></tr><tr>'
            )
            parts.extend(
                _cell(
                    "td",
                    m,
                    setting,
                    goal,
                    cells[(m, setting, goal)]["stance"],
                    f' headers="{prefix}-{m} {prefix}-{goal}"',
                )
                for m in vocab.MODALITIES
            )
            parts.append("</tr></tbody>")
        parts.append("</table>")
    parts.append("</details>")

    parts.append('<details class="crlm-matrix-more"><summary>Why each cell says what it says</summary><dl>')
    for setting in vocab.SETTINGS:
        goal = ROW_GOALS[setting]
        for m in vocab.MODALITIES:
            result = cells[(m, setting, goal)]
            links = []
            for rid in result["because"]:
                if rid not in registry.records:  # never show a reader a raw id
                    raise ValueError(f"recommend() cites {rid!r}, which the registry does not define")
                label = record_label(registry, rid)
                links.append(f'<a href="{escape(STATEMENT_URL.format(id=rid))}">{escape(label)}</a>')
            parts.append(
                f"<dt>{escape(names[m])}, {escape(SETTING_SHORT[setting].lower())}, goal "
                f"{escape(GOAL_SHORT[goal])}: {escape(STANCE_SHORT[result['stance']])}</dt>"
                f'<dd>{escape(result["explanation"])} <span class="crlm-matrix-src">'
                f"Statements: {'; '.join(links)}.</span></dd>"
            )
    parts.append("</dl></details></div>")
    return "".join(parts)


def summary_matrix():
    """For the which-modality chapter's code cell."""
    from IPython.display import HTML

    return HTML(matrix_html() + _MATRIX_CSS)


_MATRIX_CSS = """<style>
.crlm-matrix { --crlm-ok: #1e6b30; --crlm-warn: #8a5300; --crlm-no: var(--pst-color-text-muted, #4a4a4a);
  --crlm-bad: #b3261e; max-width: 40rem; margin: 0 auto; text-align: left; }
html[data-theme="dark"] .crlm-matrix { --crlm-ok: #7ee2a0; --crlm-warn: #ffcc66; --crlm-bad: #ff8a80; }
@media print { html[data-theme] .crlm-matrix { --crlm-ok: #1e6b30; --crlm-warn: #8a5300; --crlm-no: #4a4a4a;
  --crlm-bad: #b3261e; color: #1b1b1b; } }
/* The site lets wide tables scroll (display: block); these are built to fit a 320 px screen. */
.bd-article .crlm-matrix table.crlm-matrix-table, .crlm-matrix table.crlm-matrix-table {
  display: table; width: 100%; table-layout: fixed; border-collapse: collapse; margin: 0 0 0.75rem; }
.crlm-matrix caption { caption-side: top; text-align: left; font-size: 0.85rem; padding: 0 0 0.3rem;
  color: var(--pst-color-text-muted, #4a4a4a); }
.crlm-matrix th, .crlm-matrix td { border: 1px solid var(--pst-color-border, #8a8a8a); vertical-align: top;
  text-align: left; }
.crlm-matrix-main th, .crlm-matrix-main td { padding: 0.35rem 0.5rem; }
.crlm-matrix-main th.crlm-matrix-setting { background: var(--pst-color-surface, #f3f4f5); }
.crlm-matrix-goals { font-size: 0.9rem; }
.crlm-matrix-goals th, .crlm-matrix-goals td { padding: 0.2rem 0.5rem; }
.crlm-matrix-goals th[scope="rowgroup"] { font-weight: normal; background: var(--pst-color-surface, #f3f4f5); }
.crlm-matrix thead th { font-weight: 600; }
.crlm-matrix-goal {
  display: block; font-weight: normal; font-size: 0.9em; color: var(--pst-color-text-muted, #4a4a4a);
}
.crlm-st-mark { display: inline-block; min-width: 1em; font-weight: 700; }
.crlm-st-option .crlm-st-mark { color: var(--crlm-ok); }
.crlm-st-caution .crlm-st-mark { color: var(--crlm-warn); }
.crlm-st-not-supported .crlm-st-mark { color: var(--crlm-no); }
.crlm-st-contraindicated .crlm-st-mark { color: var(--crlm-bad); }
.crlm-matrix td[data-stance="option"] { box-shadow: inset 4px 0 0 var(--crlm-ok); font-weight: 600; }
.crlm-matrix td[data-stance="caution"] { box-shadow: inset 4px 0 0 var(--crlm-warn); }
.crlm-matrix td[data-stance="contraindicated"] { box-shadow: inset 4px 0 0 var(--crlm-bad); }
.crlm-matrix td { padding-left: 0.6rem; }
.crlm-matrix-legend { list-style: none; padding: 0; margin: 0 0 0.5rem; font-size: 0.9rem; }
.crlm-matrix-legend li { margin: 0.15rem 0; }
.crlm-matrix-more { margin: 0.4rem 0; }
.crlm-matrix-more summary { cursor: pointer; font-weight: 600; }
.crlm-matrix dd { margin: 0 0 0.6rem 0.8rem; font-size: 0.9rem; }
.crlm-matrix-src { color: var(--pst-color-text-muted, #4a4a4a); }
</style>"""
