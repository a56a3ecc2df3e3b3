"""The course's figures: the hand-drawn SVG diagrams (book/figures/) and the summary matrix
generated from quizzes.rules.decide.recommend() (widgets/figures.py).

Files: every diagram is well-formed SVG with an accessible name and a text description, draws
its colours from classes that dark mode and print redefine, and a bad file is refused with
its path and line. Chapters: each of the five chapters from the dual blood supply to
which-modality shows one figure, and every number in a caption carries a citation. Matrix:
cell by cell what recommend() says, and nothing it shows is unescaped. Built site (browser):
every figure has an accessible name and description, nothing in a figure overflows a 375 px
screen, diagram text is large enough and contrasts with what lies under it in light, dark and
print, and axe finds nothing serious or critical in the figures in light and dark mode.
"""

from __future__ import annotations

import re
import types
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from browser_support import SITE, axe_results, serious_lines, use_dark_mode

from quizzes import vocab
from quizzes.parsing.bib import load_keys
from quizzes.rules import decide
from widgets import figures
from widgets.figures import FigureError, check_svg, diagram_html, matrix_html

ROOT = Path(__file__).resolve().parents[1]
FIG_DIR = ROOT / "book" / "figures"
CHAPTERS = ROOT / "book" / "chapters"
SVG = "{http://www.w3.org/2000/svg}"
# The chapter each original diagram belongs to (the matrix is generated, not a file).
DIAGRAMS = {"dual-blood-supply": "dual-blood-supply", "haip": "haip", "debiri": "debiri", "tare": "tare"}
FIGURE_CHAPTERS = ("dual-blood-supply", "haip", "debiri", "tare", "which-modality")
SVG_FILES = sorted(FIG_DIR.glob("*.svg"))


# ------------------------------------------------------------------------------ the files


def test_every_diagram_the_course_needs_exists():
    assert {p.stem for p in SVG_FILES} >= set(DIAGRAMS)


@pytest.mark.parametrize("path", SVG_FILES, ids=lambda p: p.name)
def test_figure_file_is_wellformed_svg_with_title_and_desc(path):
    root = ET.parse(path).getroot()  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text and title.text.strip(), "no <title> (accessible name)"
    assert desc is not None and desc.text and len(desc.text.split()) >= 20, "no real <desc> (text description)"
    assert root.get("role") == "img"
    assert title.get("id") in root.get("aria-labelledby", "").split()
    assert desc.get("id") in root.get("aria-describedby", "").split()
    assert root.get("viewBox") and root.get("width") is None, "must scale to the screen"
    assert len(list(root.iter(f"{SVG}text"))) >= 5, "a diagram without labels"
    checked = check_svg(path)  # the rules the build applies before inlining
    assert checked.title == " ".join(title.text.split())


def test_ids_are_unique_across_figures():
    # Figures can share a page, where a repeated id would break aria-labelledby and <use>.
    seen: dict[str, str] = {}
    for path in SVG_FILES:
        for el in ET.parse(path).getroot().iter():
            if el.get("id"):
                assert el.get("id") not in seen, f"{el.get('id')} in {path.name} and {seen[el.get('id')]}"
                seen[el.get("id")] = path.name


def _declarations(css: str, selector: str) -> dict[str, str]:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, f"no {selector} block"
    return dict(re.findall(r"(--fig-[\w-]+)\s*:\s*([^;]+);", match.group(1)))


@pytest.mark.parametrize("path", SVG_FILES, ids=lambda p: p.name)
def test_colours_follow_the_theme_in_dark_mode_and_print(path):
    css = "".join(el.text or "" for el in ET.parse(path).getroot().iter(f"{SVG}style"))
    light = _declarations(css, ".crlm-fig")
    dark = _declarations(css, 'html[data-theme="dark"] .crlm-fig')
    # Text and page colours are the theme's own variables; every fixed colour has a dark twin.
    for name in ("--fig-fg", "--fig-muted", "--fig-bg"):
        assert light[name].startswith("var(--pst-color-"), f"{name} must come from the site theme"
    fixed = {k: v for k, v in light.items() if v.strip().startswith("#")}
    assert fixed, "no palette"
    for name, value in fixed.items():
        assert name in dark and dark[name] != value, f"{name} keeps its light colour in dark mode"
    printed = re.search(r"@media print\s*\{(.*?\})\s*\}", css, flags=re.S)
    assert printed and all(name in printed.group(1) for name in fixed), "print must restore light colours"


def _write(tmp_path, name, body, attrs=None):
    attrs = (
        attrs
        if attrs is not None
        else (f'role="img" viewBox="0 0 10 10" aria-labelledby="{name}-title" aria-describedby="{name}-desc"')
    )
    text = (
        f'<svg xmlns="http://www.w3.org/2000/svg" {attrs}>\n<title id="{name}-title">T</title>\n'
        f'<desc id="{name}-desc">A description.</desc>\n{body}\n</svg>\n'
    )
    path = tmp_path / f"{name}.svg"
    path.write_text(text, encoding="utf-8")
    return path


BAD_FIGURES = {
    "script": ("<script>alert(1)</script>", 4, "<script>: element not allowed"),
    "handler": ('<rect width="1" height="1" onload="alert(1)"/>', 4, "event handlers are not allowed"),
    "external": ('<use href="https://example.org/x.svg#a"/>', 4, "only links inside the file"),
    "foreign": (
        '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>',
        4,
        "<foreignObject>: element not allowed",
    ),
    "colour": ('<rect width="1" height="1" fill="#ff0000"/>', 4, "set colours in the <style> block"),
    "namedcolour": ('<circle r="1" style="fill: white"/>', 4, "set colours in the <style> block"),
    "import": ('<style>@import "https://example.org/a.css";</style>', 4, "no @import"),
    "badid": ('<g id="other-figure-x"/>', 4, "ids must start with 'badid-'"),
    "unclosed": ('<g><rect width="1" height="1"/>', 5, "not well-formed XML"),
}


@pytest.mark.parametrize("case", sorted(BAD_FIGURES))
def test_bad_figure_is_refused_with_file_and_line(tmp_path, case):
    body, line, message = BAD_FIGURES[case]
    path = _write(tmp_path, case, body)
    with pytest.raises(FigureError) as caught:
        diagram_html(case, folder=tmp_path)  # nothing is returned, so nothing half-written
    text = str(caught.value)
    assert f"{path.name}:{line}:" in text and message in text, text


def test_missing_name_or_description_is_refused(tmp_path):
    path = tmp_path / "bare.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" width="400"><g/></svg>')
    with pytest.raises(FigureError) as caught:
        check_svg(path)
    text = str(caught.value)
    for needed in ("<title>: missing", "<desc>: missing", 'role="img"', "<svg width>"):
        assert needed in text, text


def test_entities_cannot_pull_in_files(tmp_path):
    path = tmp_path / "xxe.svg"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>\n'
    )
    with pytest.raises(FigureError, match="DOCTYPE"):
        check_svg(path)


def test_inlined_diagram_keeps_description_visible_on_request():
    html = diagram_html("haip")
    assert html.count("<svg") == 1 and "<?xml" not in html
    desc = check_svg(FIG_DIR / "haip.svg").desc
    assert f"<summary>Text description of the figure</summary><p>{desc}</p>" in html


# --------------------------------------------------------------------------- the chapters


def _figure_cells(chapter: str) -> list[dict]:
    """The figure code cells of a chapter: their YAML options and source."""
    text = (CHAPTERS / f"{chapter}.md").read_text(encoding="utf-8")
    cells = []
    for match in re.finditer(r"```\{code-cell\}[^\n]*\n---\n(.*?)\n---\n(.*?)```", text, flags=re.S):
        options = yaml.safe_load(match.group(1))
        figure = (options.get("mystnb") or {}).get("figure")
        if figure:
            cells.append({"figure": figure, "source": match.group(2)})
    return cells


def _bib_keys() -> set[str]:
    return load_keys()[0]


@pytest.mark.parametrize("chapter", FIGURE_CHAPTERS)
def test_chapter_has_one_captioned_figure(chapter):
    cells = _figure_cells(chapter)
    assert len(cells) == 1, f"{chapter}: expected one figure block, found {len(cells)}"
    figure, source = cells[0]["figure"], cells[0]["source"]
    assert figure.get("name", "").startswith("fig-") and "crlm-figure" in figure.get("classes", "")
    assert "drawn for this course" in figure["caption"] or "generated" in figure["caption"]
    if chapter in DIAGRAMS.values():
        names = re.findall(r'diagram\("([a-z0-9-]+)"\)', source)
        assert names and all((FIG_DIR / f"{n}.svg").exists() for n in names), source
    else:
        assert "summary_matrix()" in source


@pytest.mark.parametrize("chapter", FIGURE_CHAPTERS)
def test_every_number_in_a_caption_is_cited(chapter):
    caption = _figure_cells(chapter)[0]["figure"]["caption"]
    keys = _bib_keys()
    cited = [k for group in re.findall(r"\{cite:[pt]\}`([^`]+)`", caption) for k in group.split(",")]
    assert cited and set(cited) <= keys, f"unknown keys: {set(cited) - keys}"
    # A sentence ends at ". " followed by a capital; each one that states a number cites.
    for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", caption):
        if re.search(r"\d", re.sub(r"\{cite:[pt]\}`[^`]+`", "", sentence)):
            assert "{cite:" in sentence, f"{chapter}: a number without a citation: {sentence!r}"


# ----------------------------------------------------------------------------- the matrix


class _Cells(HTMLParser):
    """Collect the matrix's cells with their table, column header and row-group header."""

    def __init__(self):
        super().__init__()
        self.cells, self.tables, self.stack = [], [], []
        self._text, self._in = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"classes": attrs.get("class", ""), "cols": [], "group": None})
        elif tag in ("th", "td"):
            self._in, self._attrs, self._text = tag, attrs, []

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag not in ("th", "td") or not self._in:
            return
        text, table = " ".join(" ".join(self._text).split()), self.tables[-1]
        if tag == "th" and self._attrs.get("scope") == "col":
            table["cols"].append(text)
        elif tag == "th" and self._attrs.get("scope") == "rowgroup":
            table["group"], table["column"] = text, 0
        elif tag == "td":
            self.cells.append(
                {
                    "table": table["classes"],
                    "col": table["cols"][table["column"]],
                    "group": table["group"],
                    "text": text,
                    **self._attrs,
                }
            )
            table["column"] += 1
        self._in = None


def _parse(html: str) -> _Cells:
    parser = _Cells()
    parser.feed(html)
    return parser


def test_matrix_agrees_with_recommend_cell_by_cell():
    cells = _parse(matrix_html()).cells
    main = [c for c in cells if "crlm-matrix-main" in c["table"]]
    goals = [c for c in cells if "crlm-matrix-goals" in c["table"]]
    assert len(main) == len(vocab.MODALITIES) * len(vocab.SETTINGS)
    assert len(goals) == len(vocab.MODALITIES) * len(vocab.SETTINGS) * len(vocab.GOALS)
    seen = set()
    for cell in main + goals:
        in_main = "crlm-matrix-main" in cell["table"]
        m, setting, goal = cell["data-modality"], cell["data-setting"], cell["data-goal"]
        case = {"setting": setting, "disease": "liver-limited", "goal": goal, "contraindications": []}
        stance = decide.recommend(case)[m]["stance"]
        assert cell["data-stance"] == stance, (m, setting, goal)
        assert cell["text"].endswith(figures.STANCE_SHORT[stance]), cell["text"]
        # The cell sits under the right therapy and inside the right setting or goal.
        assert cell["col"] == vocab.MODALITY_NAMES[m]
        if in_main:  # each setting states the goal used for it
            assert goal == figures.ROW_GOALS[setting]
            assert cell["group"] == f"{figures.SETTING_SHORT[setting]} goal: {figures.GOAL_SHORT[goal]}"
        else:
            assert cell["group"] == f"goal: {figures.GOAL_SHORT[goal]}"
        seen.add((in_main, m, setting, goal))
    assert len(seen) == len(main) + len(goals), "a cell is shown twice"


def test_matrix_row_goals_make_the_review_statement_an_option():
    # Each row's goal is the goal of the review's statement for that setting, so HAIP (the one
    # therapy the review speaks of in all three settings) is an option in every row.
    for setting, goal in figures.ROW_GOALS.items():
        assert decide.recommend(figures.reference_case(setting, goal))["haip"]["stance"] == "option"


def test_matrix_follows_whatever_recommend_says():
    order = vocab.STANCES

    def rotated(case):
        real = decide.recommend(case)
        return {m: {**r, "stance": order[(order.index(r["stance"]) + 1) % len(order)]} for m, r in real.items()}

    cells = _parse(matrix_html(recommend=rotated)).cells
    assert {c["data-stance"] for c in cells} >= {"caution", "contraindicated"}
    for cell in cells:
        case = figures.reference_case(cell["data-setting"], cell["data-goal"])
        assert cell["data-stance"] == rotated(case)[cell["data-modality"]]["stance"]
    with pytest.raises(ValueError, match="unknown stance"):
        matrix_html(
            recommend=lambda case: {m: {"stance": "maybe", "because": [], "explanation": ""} for m in vocab.MODALITIES}
        )


def test_matrix_escapes_registry_labels_and_explanations():
    hostile = '<img src=x onerror="alert(1)">'
    rec = types.SimpleNamespace(source="src", label=hostile)
    registry = types.SimpleNamespace(records={"rev-x": rec}, sources={"src": types.SimpleNamespace(short="S&P")})

    def fake(case):
        return {
            m: {"stance": "option", "because": ["rev-x"], "explanation": "</dd><script>x()</script>"}
            for m in vocab.MODALITIES
        }

    html = matrix_html(recommend=fake, registry=registry)
    assert "<script" not in html and "<img" not in html and 'onerror="' not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html and "S&amp;P" in html
    assert 'href="which-modality.html#rec-rev-x"' in html


def test_matrix_refuses_a_statement_the_registry_lacks():
    registry = types.SimpleNamespace(records={}, sources={})
    with pytest.raises(ValueError, match="does not define"):
        matrix_html(registry=registry)


def test_matrix_names_its_sources_with_registry_labels():
    from quizzes.pages.cite import record_label
    from quizzes.parsing.registry import load_registry

    registry = load_registry()
    html = matrix_html(registry=registry)
    for setting, goal in figures.ROW_GOALS.items():
        for result in decide.recommend(figures.reference_case(setting, goal)).values():
            for rid in result["because"]:
                assert f'href="which-modality.html#rec-{rid}">' in html
                assert record_label(registry, rid).replace("&", "&amp;").replace("'", "&#x27;") in html


# ------------------------------------------------------------------------- the built site


def _pages_with_figures() -> list[str]:
    if not SITE.exists():
        return []
    return [f"book/chapters/{c}.html" for c in FIGURE_CHAPTERS if (SITE / "book" / "chapters" / f"{c}.html").exists()]


def test_site_has_the_figure_pages():
    missing = [c for c in FIGURE_CHAPTERS if not (SITE / "book" / "chapters" / f"{c}.html").exists()]
    assert not missing, f"no built page for {missing} under {SITE} (the test command builds it)"
    for chapter in FIGURE_CHAPTERS:
        html = (SITE / "book" / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        assert 'class="crlm-figure' in html, f"{chapter}: no figure on the built page"
    # The matrix's links to the statements behind each cell land on an anchor of that page.
    page = (SITE / "book" / "chapters" / "which-modality.html").read_text(encoding="utf-8")
    matrix = page[page.index('class="crlm-matrix"') :]
    targets = set(re.findall(r'href="which-modality\.html#(rec-[a-z0-9-]+)"', matrix))
    assert targets and all(f'id="{t}"' in page for t in targets), sorted(t for t in targets if f'id="{t}"' not in page)


@pytest.mark.browser
@pytest.mark.parametrize("path", _pages_with_figures())
def test_every_figure_has_accessible_name_and_description(page, site_url, path):
    """Names and descriptions as the browser computes them for assistive technology."""
    from playwright.sync_api import expect

    page.goto(f"{site_url}/{path}")
    for details in page.locator("figure details").all():  # hidden content has no name
        details.evaluate("d => { d.open = true; }")
    named = re.compile(r"\w{3,}")
    described = re.compile(r"(\w+\W+){20,}")
    figs = page.locator(".bd-article figure")
    assert figs.count() >= 1, "no figure on the page"
    for fig in figs.all():
        expect(fig).to_have_accessible_name(named)  # from its caption
        pictures = fig.locator("svg[role=img], img, table")
        assert pictures.count() >= 1, "a figure with nothing in it"
        for picture in pictures.all():
            expect(picture).to_have_accessible_name(named)  # <title>, alt or table caption
            if picture.evaluate("e => e.tagName.toLowerCase()") == "svg":
                expect(picture).to_have_accessible_description(described)  # its <desc>
    # Pictures outside figures (widget charts) still need a name.
    for picture in page.locator(".bd-article svg[role=img], .bd-article img").all():
        expect(picture).to_have_accessible_name(named)


# Every element of every figure stays on a 375 px screen; diagram text is at least 12 px
# (11.9 allows for rounding: 14 units of a 400-unit viewBox drawn 343 px wide).
FIT = """() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  for (const fig of document.querySelectorAll("figure.crlm-figure")) {
    for (const el of [fig, ...fig.querySelectorAll("*")]) {
      const box = el.getBoundingClientRect();
      if (box.width && (box.right > width + 0.5 || box.left < -0.5)) problems.push(`${el.tagName} ${el.className && el.className.baseVal !== undefined ? el.className.baseVal : el.className} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
    for (const el of [fig, ...fig.querySelectorAll("table, div")]) {
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`${el.tagName}.${el.className} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
    }
    for (const t of fig.querySelectorAll("svg text")) {
      const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
      if (px < 11.9) problems.push(`"${t.textContent}" is ${px.toFixed(1)} px`);
    }
  }
  return problems;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("path", _pages_with_figures())
def test_figures_fit_a_phone(browser, site_url, path):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(f"{site_url}/{path}")
        for details in page.locator("figure.crlm-figure details").all():
            details.evaluate("d => { d.open = true; }")
        assert page.locator("figure.crlm-figure").count() >= 1
        assert page.evaluate(FIT) == []
    finally:
        page.close()


# Text in a diagram against what is painted under its centre: shapes (with their opacity)
# over the nearest opaque background. WCAG AA for normal text: 4.5:1.
CONTRAST = """(paper) => {
  const rgba = (s) => { const m = s.match(/[\\d.]+/g); if (!m) return null; const [r, g, b, a = 1] = m.map(Number); return {r, g, b, a}; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const over = (top, a, bottom) => ({r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a)});
  const pageBg = (el) => { for (let n = el; n; n = n.parentElement) { const c = rgba(getComputedStyle(n).backgroundColor); if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255}; };
  const shapes = new Set(["rect", "path", "circle", "ellipse", "polygon", "use"]);
  const out = [];
  for (const svg of document.querySelectorAll("figure.crlm-figure svg")) {
    svg.scrollIntoView({block: "center"});
    for (const t of svg.querySelectorAll("text")) {
      const box = t.getBoundingClientRect();
      const x = box.left + box.width / 2, y = box.top + box.height / 2;
      let bg = paper ? {r: 255, g: 255, b: 255} : pageBg(svg);   // printers leave CSS backgrounds out
      const under = document.elementsFromPoint(x, y).filter((e) => svg.contains(e) && shapes.has(e.tagName)).reverse();
      for (const s of under) {
        const st = getComputedStyle(s); const fill = rgba(st.fill);
        if (st.fill === "none" || !fill) continue;
        bg = over(fill, Number(st.fillOpacity) * Number(st.opacity) * fill.a, bg);
      }
      const fg = rgba(getComputedStyle(t).fill);
      const [a, b] = [lum(fg), lum(bg)].sort((p, q) => q - p);
      out.push({text: t.textContent, ratio: (a + 0.05) / (b + 0.05)});
    }
  }
  return out;
}"""


def _low_contrast(page, paper: bool = False) -> list[str]:
    found = page.evaluate(CONTRAST, paper)
    assert found, "no diagram text measured"
    return [f"{f['text']!r} {f['ratio']:.2f}:1" for f in found if f["ratio"] < 4.5]


@pytest.mark.browser
@pytest.mark.parametrize("path", [p for p in _pages_with_figures() if "which-modality" not in p])
def test_diagram_text_contrasts_in_light_dark_and_print(browser, site_url, path):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(f"{site_url}/{path}")
        assert _low_contrast(page) == [], "light mode"
        artery = page.locator("figure.crlm-figure svg .t-artery, figure.crlm-figure svg .t-head").first
        light = artery.evaluate("e => getComputedStyle(e).fill")
        use_dark_mode(page)
        assert artery.evaluate("e => getComputedStyle(e).fill") != light, "the diagram ignores dark mode"
        assert _low_contrast(page) == [], "dark mode"
        # Printed from dark mode: paper is white, so the figure must return to its light colours.
        page.emulate_media(media="print")
        assert _low_contrast(page, paper=True) == [], "printed from dark mode"
        assert (
            page.locator("figure.crlm-figure svg").first.evaluate(
                "e => getComputedStyle(e).getPropertyValue('--fig-fg').trim()"
            )
            == "#1b1b1b"
        )
    finally:
        page.close()


def _axe_on_figures(page) -> list[str]:
    found = []
    for wcag22 in (False, True):  # axe's defaults, then WCAG 2.2 AA (target size)
        results = axe_results(page, context={"include": [["figure.crlm-figure"]]}, wcag22=wcag22)
        checked = {rule["id"] for rule in results["passes"] + results["violations"]}
        # Proof that axe looked at the figures: their pictures or tables were checked.
        assert checked & {"svg-img-alt", "td-headers-attr", "th-has-data-cells"}, checked
        found += serious_lines(results["violations"])
    return found


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", _pages_with_figures())
def test_axe_finds_nothing_serious_in_figures(browser, site_url, path, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{site_url}/{path}")
        for details in page.locator("figure.crlm-figure details").all():
            details.evaluate("d => { d.open = true; }")
        assert _axe_on_figures(page) == [], "light mode"
        use_dark_mode(page)
        assert _axe_on_figures(page) == [], "dark mode"
    finally:
        page.close()
