"""Issue 16: the icon diet. Font Awesome's script and webfonts are gone, the pages carry the same
icons as inline SVG (Font Awesome's own glyphs), unused theme files are gone and nothing names
them, every icon button keeps its accessible name, and the pages look as they did.

The weight targets themselves (300 KiB compressed, 20 requests per first visit; Lighthouse)
are measured by the benchmark (`python3 course.py bench`), not asserted here.
"""

from __future__ import annotations

import base64
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser_support import ROOT, SITE, PageWatch, serious_axe_violations, serve, site_pages
from small_book import finish_build, start_small_book

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import course_assets  # noqa: E402
import unused_css  # noqa: E402


def all_pages() -> list[str]:
    assert (SITE / "index.html").exists(), f"no built site at {SITE}: run  python3 course.py build"
    return site_pages(SITE) + ["search.html", "genindex.html"]


# What pydata-sphinx-theme and sphinx-book-theme draw on the course's pages.
THEME_ICONS = {
    "bars",
    "outdent",
    "list",
    "magnifying-glass",
    "sun",
    "moon",
    "circle-half-stroke",
    "arrow-up",
    "angle-left",
    "angle-right",
}


class Icons(HTMLParser):
    """Every inline Font Awesome SVG of a page: classes, attributes, path, title text."""

    def __init__(self):
        super().__init__()
        self.icons, self.titles, self._open, self._title = [], {}, None, None
        self.leftover = []  # <i>/<span> that still ask for Font Awesome

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag in ("i", "span") and {"fa-solid", "fa-regular", "fa-brands", "fas", "far", "fab"} & set(classes):
            self.leftover.append(a["class"])
        if tag == "svg" and "svg-inline--fa" in classes:
            self._open = {"classes": classes, **a, "path": None}
            self.icons.append(self._open)
        elif tag == "path" and self._open is not None:
            self._open["path"] = a.get("d")
        elif tag == "title" and self._open is not None:
            self._title = a.get("id")
            self.titles[self._title] = ""

    def handle_data(self, data):
        if self._title:
            self.titles[self._title] += data

    def handle_endtag(self, tag):
        if tag == "title":
            self._title = None
        elif tag == "svg":
            self._open = None


def icons_of(path: str) -> Icons:
    parser = Icons()
    parser.feed((SITE / path).read_text(encoding="utf-8"))
    return parser


# ------------------------------------------------------------------ the built site
def test_font_awesome_script_and_webfonts_are_gone():
    static = SITE / "_static"
    assert not (static / "scripts" / "fontawesome.js").exists()
    assert not list(SITE.rglob("*.woff2")) and not list(SITE.rglob("*.ttf")) and not list(SITE.rglob("*.woff"))
    assert not (static / "vendor").exists() and not list(static.rglob("*.map"))
    css = (static / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert "@font-face" not in css and ".fa-stethoscope:before" not in css
    for path in all_pages():
        html = (SITE / path).read_text(encoding="utf-8")
        assert "fontawesome" not in html.lower(), path
        assert icons_of(path).leftover == [], f"{path}: icons still waiting for fontawesome.js"


def test_no_page_or_stylesheet_names_a_removed_or_missing_asset():
    removed = course_assets.removed_assets(SITE)
    assert "_static/scripts/fontawesome.js" in removed
    pages = unused_css.read_pages(SITE)
    assert course_assets.references_to_removed(SITE, removed, pages) == []
    missing = [
        f"{source}: {ref}"
        for source, ref, target in course_assets.local_references(SITE, pages)
        if "_static/" in ref and not target.exists()
    ]
    assert missing == [], missing[:10]


def test_inline_icons_are_font_awesomes_own_glyphs_with_names_or_hidden():
    solid = course_assets.font_awesome()["fas"]["icons"]
    used = set()
    for path in all_pages():
        parsed = icons_of(path)
        assert parsed.icons, path
        for icon in parsed.icons:
            name = next(c[3:] for c in icon["classes"] if c.startswith("fa-") and c[3:] in solid)
            used.add(name)
            width, height, glyph, _ = solid[name]
            assert icon["path"] == glyph and icon["viewbox"] == f"0 0 {width} {height}", f"{path}: fa-{name}"
            if icon.get("aria-hidden") != "true":
                label = icon.get("aria-labelledby")
                assert label and parsed.titles.get(label, "").strip(), f"{path}: fa-{name} has no name"
    assert used == THEME_ICONS, f"icons drawn: {sorted(used)}"


def test_an_icon_that_cannot_be_drawn_fails_the_build_naming_the_page():
    from sphinx.errors import ExtensionError

    for markup, why in (
        ('<i class="fa-solid fa-no-such-icon"></i>', "fa-no-such-icon"),
        ('<span class="fa-solid fa-bars fa-spin"></span>', "fa-spin"),
    ):
        with pytest.raises(ExtensionError, match=rf"book/chapters/x: cannot draw .*{why}"):
            course_assets.inline_icons(f"<p>{markup}</p>", "book/chapters/x")
    # a title is the icon's name, as text: never markup
    svg = course_assets.inline_icons('<i class="fa-solid fa-sun" title="Light &lt;b&gt; <i>"></i>', "p")
    assert '<title id="course-icon-title-1">Light &lt;b&gt; &lt;i&gt;</title>' in svg
    assert 'aria-labelledby="course-icon-title-1"' in svg and "aria-hidden" not in svg
    # other markup is left alone
    assert (
        course_assets.inline_icons("<i>italic</i><span class='x'></span>", "p")
        == "<i>italic</i><span class='x'></span>"
    )


def test_pages_load_only_the_assets_they_use():
    for path in all_pages():
        html = (SITE / path).read_text(encoding="utf-8")
        has_code = 'class="highlight' in html
        for name in ("copybutton.js", "clipboard.min.js", "pygments.css"):
            assert (f"_static/{name}" in html) == has_code, f"{path}: {name}"
        body = html[html.find("<body") :]
        uses = {
            "sphinx-design.min.css": re.search(r'class="[^"]*\bsd-', body),
            "design-tabs.js": re.search(r'class="[^"]*\bsd-tab-', body),
            "togglebutton.js": re.search(r'class="[^"]*(?<![\w-])toggle(?![\w-])|<details class="hide', body)
            or any({"admonition", "dropdown"} <= set(c.split()) for c in re.findall(r'class="([^"]*)"', body)),
            # the course's chapters, not the theme's generated index (its table is a template's)
            "course-tables.js": path.startswith("book/") and re.search(r"<table\b", body),
        }
        for name, used in uses.items():
            assert (f"_static/{name}" in html) == bool(used), f"{path}: {name}"
        for name in ("sphinx-thebe.css", "styles/theme.css"):
            assert f"_static/{name}" not in html, f"{path}: {name}"
        assert "_static/basic.css" in html
        assert ("searchindex.js" in html) == (path == "search.html"), path
        assert "_static/course-offline.js" in html


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_icon_buttons_keep_their_names_and_the_colour_switch_shows_each_state(browser, site_url, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{site_url}/book/chapters/haip.html")
        page.wait_for_load_state("networkidle")
        names = page.evaluate("""() => [...document.querySelectorAll('button, a')]
            .filter((el) => el.querySelector('svg.svg-inline--fa') && el.getClientRects().length)
            .map((el) => [el.className, (el.getAttribute('aria-label') || el.getAttribute('title')
                          || el.innerText || '').trim()])""")
        assert len(names) >= 4
        assert all(label for _, label in names), names
        switch = page.locator("button.theme-switch-button:visible").first
        seen = []
        for _ in range(3):
            switch.click()
            mode = page.evaluate("document.documentElement.dataset.mode")
            shown = switch.locator("svg.theme-switch:visible")
            assert shown.count() == 1 and shown.get_attribute("data-mode") == mode
            seen.append((mode, shown.locator("title").text_content()))
            # the theme fades colours on a switch: axe must read the colours the reader ends up with
            page.wait_for_function("document.getAnimations().every((a) => a.playState !== 'running')")
            assert serious_axe_violations(page) == [], (width, mode)
        assert sorted(seen) == [("auto", "System Settings"), ("dark", "Dark"), ("light", "Light")]
    finally:
        page.close()


# Every change of the colour mode on <html>, with whether the body had been parsed yet.
MODE_CHANGES = """window.modeChanges = [];
new MutationObserver((records) => records.forEach((r) => window.modeChanges.push(
  [r.attributeName, document.documentElement.getAttribute(r.attributeName), document.body !== null]))
).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-mode", "data-theme"]});"""


@pytest.mark.browser
@pytest.mark.parametrize(
    ("scheme", "stored", "mode", "theme"),
    [("light", None, "auto", "light"), ("dark", None, "auto", "dark"), ("light", "dark", "dark", "dark")],
)
def test_the_colour_mode_is_settled_before_the_page_is_drawn(browser, site_url, scheme, stored, mode, theme):
    """The theme's own script would change the mode once the page is parsed, restyling all of it."""
    context = browser.new_context(color_scheme=scheme)
    try:
        if stored:
            context.add_init_script(f"localStorage.getItem('mode') || localStorage.setItem('mode', '{stored}')")
        context.add_init_script(MODE_CHANGES)
        page = context.new_page()
        watch = PageWatch(page, site_url)
        page.goto(f"{site_url}/book/chapters/tare.html")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("[document.documentElement.dataset.mode, document.documentElement.dataset.theme]") == [
            mode,
            theme,
        ]
        # Set before the body is parsed, and never to another value: the theme's own later
        # setting writes the same one, which restyles nothing.
        changes = page.evaluate("window.modeChanges")
        assert {(name, value) for name, value, _ in changes} == {("data-mode", mode), ("data-theme", theme)}, changes
        assert {name for name, _, body_parsed in changes if not body_parsed} == {"data-mode", "data-theme"}, changes
        watch.assert_clean()  # no console error: the theme no longer finds an invalid mode on a first visit
        page.locator("button.theme-switch-button:visible").first.click()  # and the switch still works
        assert page.evaluate("document.documentElement.dataset.mode") != mode
    finally:
        context.close()


@pytest.mark.browser
def test_css_icons_are_svg_masks_and_no_font_is_fetched(browser, site_url):
    page = browser.new_page()
    fonts = []
    page.on("request", lambda r: r.resource_type == "font" and fonts.append(r.url))
    try:
        page.goto(f"{site_url}/book/chapters/dual-blood-supply.html")
        page.wait_for_load_state("networkidle")
        drawn = page.evaluate("""() => [...document.querySelectorAll('.admonition > .admonition-title')].map((t) => {
            const s = getComputedStyle(t, '::after');
            return [s.content, s.maskImage || s.webkitMaskImage, s.backgroundColor, s.color, s.height]; })""")
        assert len(drawn) >= 3
        for content, mask, background, color, height in drawn:
            assert content == '""' and mask.startswith('url("data:image/svg+xml'), (content, mask[:40])
            assert background == color and height != "auto"
        assert page.evaluate("[...document.fonts].filter((f) => /awesome/i.test(f.family)).length") == 0
        assert fonts == []
    finally:
        page.close()


# ------------------------------------------------------------------ the same look, with and without
LOOK = (
    """# Icons

Every admonition the theme draws an icon for.

"""
    + "".join(
        f":::{{{kind}}}\nA {kind}.\n:::\n\n"
        for kind in (
            "note",
            "important",
            "tip",
            "hint",
            "warning",
            "caution",
            "attention",
            "danger",
            "error",
            "seealso",
        )
    )
    + """
:::{admonition} A custom admonition
Its icon is the theme's default.
:::

```python
print("a code block with its copy button")
```
"""
)
NEXT = "# Next\n\nThe page after.\n"

# Compares two PNGs in the browser (no imaging library needed): pixels whose colour differs
# (sum of channel differences above 48 of 765) outside and inside the given boxes.
COMPARE = """async ([a, b, boxes]) => {
  const load = (src) => new Promise((ok) => { const i = new Image(); i.onload = () => ok(i); i.src = src; });
  const [x, y] = [await load(a), await load(b)];
  if (x.width !== y.width || x.height !== y.height) return {size: [x.width, x.height, y.width, y.height]};
  const pixels = (img) => { const c = new OffscreenCanvas(img.width, img.height); const g = c.getContext('2d');
    g.drawImage(img, 0, 0); return g.getImageData(0, 0, img.width, img.height).data; };
  const p = pixels(x), q = pixels(y);
  const inside = boxes.map(() => 0); let outside = 0; const where = [];
  for (let i = 0; i < p.length; i += 4) {
    if (Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]) + Math.abs(p[i + 2] - q[i + 2]) <= 48) continue;
    const px = (i / 4) % x.width, py = Math.floor(i / 4 / x.width);
    const k = boxes.findIndex(([bx, by, bw, bh]) => px >= bx && px < bx + bw && py >= by && py < by + bh);
    if (k >= 0) inside[k]++; else { outside++; if (where.length < 5) where.push([px, py]); }
  }
  return {inside, outside, where};
}"""
ICON_BOXES = """() => [...document.querySelectorAll('.admonition > .admonition-title')].map((t) => {
  const r = t.getBoundingClientRect(), s = getComputedStyle(t, '::after');
  const x = r.left + parseFloat(s.left) + parseFloat(s.marginLeft), y = r.top + scrollY + parseFloat(s.top);
  return [Math.floor(x) - 2, Math.floor(y) - 2, parseFloat(s.width) + 4, parseFloat(s.lineHeight) + 4]; })"""


@pytest.fixture(scope="module")
def both_looks(tmp_path_factory):
    """The same two pages built with and without course_assets (in parallel, about 30 s)."""
    pages = {"look": LOOK, "next": NEXT}
    folders = {kind: tmp_path_factory.mktemp(f"look-{kind}") for kind in ("theme", "diet")}
    procs = {kind: start_small_book(folders[kind], pages, with_assets=(kind == "diet")) for kind in folders}
    return {kind: finish_build(proc, folders[kind]) for kind, proc in procs.items()}


def _shot(browser, site: Path, width: int, mode: str) -> tuple[bytes, list]:
    with serve(site) as url:
        context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
        context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        page = context.new_page()
        try:
            page.goto(f"{url}/book/look.html")
            page.wait_for_load_state("networkidle")
            # with the theme as shipped, wait until fontawesome.js has drawn every icon
            page.wait_for_function("!document.querySelector('i.fa-solid, span.fa-solid')")
            page.evaluate("document.fonts.ready")
            page.wait_for_timeout(700)  # the theme's colour transitions
            return page.screenshot(full_page=True, animations="disabled", caret="hide"), page.evaluate(ICON_BOXES)
        finally:
            context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_pages_look_the_same_as_with_font_awesome(browser, both_looks, width, mode):
    """Pixel for pixel the same, but for anti-aliasing at the edges of the CSS-drawn icons (a
    glyph rendered as text and the same outline as a mask round differently)."""
    # Headless Chromium draws the sidebar title of one and the same build in one of two
    # anti-aliasing states from one load to the next (same geometry, two different shots per
    # build, at 1280 px). So up to four pairs of fresh loads are compared, and one pair must agree:
    # a real difference between the builds would show in every pair.
    data = lambda png: "data:image/png;base64," + base64.b64encode(png).decode()  # noqa: E731
    for _ in range(4):
        theme, boxes = _shot(browser, both_looks["theme"], width, mode)
        diet, diet_boxes = _shot(browser, both_looks["diet"], width, mode)
        assert len(boxes) == 11 and boxes == diet_boxes
        page = browser.new_page()
        try:
            page.goto("about:blank")
            result = page.evaluate(COMPARE, [data(theme), data(diet), boxes])
        finally:
            page.close()
        if "size" in result or result["outside"] == 0:
            break
    assert "size" not in result, f"the page changed size: {result}"
    assert result["outside"] == 0, f"pixels differ outside the admonition icons at {result['where']}"
    for (_, _, w, h), count in zip(boxes, result["inside"]):
        assert count <= 0.15 * w * h, f"an admonition icon differs in {count} of {w * h:.0f} pixels"


def _accessibility_tree(browser, site: Path, width: int) -> str:
    """The page's accessibility tree as a person with a screen reader meets it (roles and names)."""
    with serve(site) as url:
        context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
        page = context.new_page()
        try:
            page.goto(f"{url}/book/look.html")
            page.wait_for_load_state("networkidle")
            page.wait_for_function("!document.querySelector('i.fa-solid, span.fa-solid')")
            # The theme draws admonition icons as webfont glyphs in CSS `content`; the tree then
            # carries them as private-use characters (read out as nothing, or as "unknown").
            # The SVG masks carry no text. Everything else must be equal.
            tree = page.locator("body").aria_snapshot()
            return "\n".join(re.sub(r"[:\s]*$", "", re.sub("[\ue000-\uf8ff]", "", line)) for line in tree.splitlines())
        finally:
            context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_every_icon_keeps_its_accessible_name(browser, both_looks, width):
    """The whole accessibility tree is the same with Font Awesome's script and with inline SVG:
    every button and link keeps its name, and each named icon (the colour-mode states) too."""
    theme = _accessibility_tree(browser, both_looks["theme"], width)
    diet = _accessibility_tree(browser, both_looks["diet"], width)
    assert 'img "System Settings"' in theme and 'button "Color mode"' in theme  # the tree does hold the icons
    assert diet == theme
