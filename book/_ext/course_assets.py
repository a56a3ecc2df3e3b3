"""What a reader downloads: a diet for the theme's assets, and the whole course offline.

Icons. pydata-sphinx-theme draws about a dozen icons with Font Awesome: a 1.5 MB script
(fontawesome.js) that swaps every <i class="fa-solid fa-NAME"> for an inline <svg> once the
page has loaded, and the solid webfont (156 kB) for the icons its CSS draws (admonition
titles). Here each page is written with those same <svg> elements already in place, their
shapes read at build time from the theme's own fontawesome.js (so they are Font Awesome's
glyphs, not look-alikes), and every CSS rule that drew a glyph from the webfont gets the
same glyph as an SVG mask. Then the script, the webfonts and the Font Awesome part of the
theme's stylesheet (95 kB of `.fa-NAME:before` rules for 2,000 icons) leave the site.
An icon a page asks for that fontawesome.js does not have, or a Font Awesome class that
is not handled here (e.g. an animation), fails the build naming the page.

Other theme assets that leave the site, and why that is safe:
- `_static/scripts/*.map`, `_static/styles/*.map`: source maps, fetched only by a
  browser's developer tools; their `sourceMappingURL` comments are removed too.
- `_static/locales/`: sphinx-book-theme's message catalogues. Sphinx reads them from the
  installed package at build time; no page loads them.
- `_static/webpack-macros.html`, `_static/sbt-webpack-macros.html`: Jinja macro files that
  the themes' static folders happen to contain; never linked.
- `_static/images/logo_*`: the launch-button logos (Binder, Colab, JupyterHub, ...); the
  course has no launch buttons (`launch_buttons` in _config.yml).
- `sphinx-thebe.css` / `sphinx-thebe.js`: course_sphinx already drops thebe's scripts
  (thebe never runs); its stylesheet only styles thebe's own cells and spinner.
- `_static/styles/theme.css` only `@import`s `basic.css`: pages link `basic.css` directly
  (same rules, same place in the cascade, one request and one round trip fewer).
- Per page, and only where the page has nothing they act on: sphinx-design's CSS (no `sd-`
  class) and its tab script (no tab set: dropdowns need no script), sphinx-togglebutton's CSS and
  script (no `.toggle`, dropdown
  admonition or `details.hide`), sphinx-copybutton, clipboard.js and the Pygments stylesheet
  (no highlighted code block), and the course's own table script (no table). Search's scripts
  and index (`searchtools.js`, `language_data.js`, `searchindex.js`) stay on the search page only: pydata loads them
  everywhere for search-as-you-type, which this course leaves off (its search box opens
  search.html). A file that no page links any more is deleted from the site.
A check at the end of the build fails if any page or stylesheet still names a removed file.
Then the themes' stylesheets lose the selectors no page can match (unused_css.py: Bootstrap's
grid and utilities, sphinx-design's utility classes), about 33 KiB compressed per page.

Offline. A service worker at the site root (so its scope is the whole site) precaches every
page, stylesheet, script, image, the search index and the widget runtime; the LMS exports
under downloads/ are fetched only when asked for (and then kept for offline use). Its cache
is named after the build: a hash of every precached file's path and bytes, written into
service-worker.js at build-finished. A new build therefore installs a new cache beside the
old one; `_static/course-offline.js` then shows "A new version of this course is available"
with a Reload button, and the old cache is deleted when the new version takes over. Where
service workers are unavailable (file://, blocked by policy or private browsing) the
registration is skipped or fails quietly and the site works as before, online.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from html import escape as html_escape
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import quote, unquote

import unused_css
from css_reader import css_rules
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC_SOURCE = HERE.parent / "_static"  # book/_static: the offline script and the worker
SW_TEMPLATE = STATIC_SOURCE / "service-worker.js"
SW_NAME = "service-worker.js"
OFFLINE_SCRIPT = "course-offline.js"
TABLES_SCRIPT = "course-tables.js"  # the "scroll sideways" line over a table too wide
MARKER = "/* course_assets:"  # marks a stylesheet already rewritten here

# Font Awesome classes: style prefixes, and the modifiers whose CSS is kept for inline SVG.
FA_STYLES = {
    "fa-solid": "fas",
    "fas": "fas",
    "fa": "fas",
    "fa-regular": "far",
    "far": "far",
    "fa-brands": "fab",
    "fab": "fab",
}
FA_MODIFIER = re.compile(r"fa-(?:[1-9]|10)x$|fa-(?:2xs|xs|sm|lg|xl|2xl|fw)$")

# Files removed from every build (paths relative to the output folder); see the docstring.
REMOVED = (
    "_static/scripts/fontawesome.js",
    "_static/scripts/fontawesome.js.LICENSE.txt",
    "_static/webpack-macros.html",
    "_static/sbt-webpack-macros.html",
    "_static/sphinx-thebe.css",
    "_static/sphinx-thebe.js",
    "_static/styles/theme.css",
    f"_static/{SW_NAME}",
)  # and the themes' own files under static/vendor (the webfonts), locales and images
# Files a page keeps only where its body has something they act on.
PER_PAGE = (
    (("sphinx-design.min.css",), re.compile(r'class="[^"]*\bsd-')),
    (("design-tabs.js",), re.compile(r'class="[^"]*\bsd-tab')),  # it acts on tab sets only
    (
        ("togglebutton.css", "togglebutton.js"),
        # its selector is `.toggle, .admonition.dropdown`; its CSS also styles myst-nb's details.hide
        re.compile(
            r'class="[^"]*(?<![\w-])toggle(?![\w-])|<details class="hide'
            r'|class="(?=[^"]*(?<![\w-])dropdown(?![\w-]))[^"]*(?<![\w-])admonition(?![\w-])'
        ),
    ),
    (("copybutton.css", "copybutton.js", "clipboard.min.js", "pygments.css"), re.compile(r'class="highlight')),
    ((TABLES_SCRIPT,), re.compile(r"<table\b")),
)
ALWAYS_DROPPED = ("sphinx-thebe.css",)
SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>'
)
FA_SCRIPT = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
# Scripts Sphinx and the themes put in <head> without `defer`. Each one holds up the first paint
# for a round trip, yet none needs to run before the page is parsed: every one waits for the
# DOM itself (doctools' and sphinx_highlight's `_ready`; the book theme's, togglebutton's and
# copybutton's DOMContentLoaded helpers; clipboard.js only defines what copybutton then calls).
# Deferred, they still run in document order, before DOMContentLoaded. The search page keeps
# its scripts as they are (its searchtools.js runs straight away and needs doctools' `_ready`).
HEAD_SCRIPTS = re.compile(
    r'<script src="([^"]*_static/(?:documentation_options|doctools|sphinx_highlight|'
    r'scripts/sphinx-book-theme|togglebutton|clipboard\.min|copybutton)\.js[^"]*)"></script>'
)
# The page's own settings for documentation_options.js: an inline classic script would run
# before the deferred file defines DOCUMENTATION_OPTIONS. An inline module script is deferred
# too, and all deferred scripts run in document order, so it runs right after the file.
OPTIONS_SETTING = re.compile(r"<script>(DOCUMENTATION_OPTIONS\.[a-z_]+ = [^<]*;)</script>")
# The theme's first script copies the stored colour mode onto <html> ("" on a first visit); its
# main script then settles it (auto, and light or dark from the system) once the page is parsed.
# That second change restyles the whole page after its first paint, a long task on a phone. The
# script written instead settles it at once, as the theme would: the theme's later setting is then
# the same value and costs nothing.
THEME_MODE = re.compile(
    r'  <script data-cfasync="false">\n'
    r'    document\.documentElement\.dataset\.mode = localStorage\.getItem\("mode"\) \|\| "";\n'
    r'    document\.documentElement\.dataset\.theme = localStorage\.getItem\("theme"\) \|\| "";\n'
    r"  </script>"
)
SETTLED_MODE = """  <script data-cfasync="false">
    (() => {
      let mode = null;
      try {
        mode = localStorage.getItem("mode");
      } catch (blocked) {}
      if (mode !== "light" && mode !== "dark") mode = "auto";
      const dark = matchMedia("(prefers-color-scheme: dark)").matches;
      document.documentElement.dataset.mode = mode;
      document.documentElement.dataset.theme = mode === "auto" ? (dark ? "dark" : "light") : mode;
    })();
  </script>"""
THEME_CSS = re.compile(r'<link href="((?:\.\./)*)_static/styles/theme\.css[^"]*" rel="stylesheet" />')
SOURCE_MAP = re.compile(r"\n?(?://# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$")
# What the service worker leaves out of the precache (downloads come on demand).
NOT_PRECACHED_DIRS = ("downloads/", "_sources/")
NOT_PRECACHED_FILES = {SW_NAME, "objects.inv"}


# --- Font Awesome's glyphs, read from the theme's own script ------------------------------


def _theme_static() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


# One icon in fontawesome.js: name:[width,height,[aliases],"unicode","svg path"]
_FA_ENTRY = re.compile(r'[{,](?:"([^"]+)"|([A-Za-z0-9_$]+)):\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]+)","([^"]+)"\]')
_FA_PACK_END = re.compile(r'd\("(fas|far|fab)",p\)')


@functools.cache
def font_awesome(script: str | None = None) -> dict:
    """{prefix: {"icons": {name: (width, height, path, canonical name)}, "unicode": {codepoint: name}}}.

    Each pack in fontawesome.js is an object literal `var p={...}` handed to d("fas",p);
    an icon belongs to the first pack whose hand-over follows it. Aliases (e.g. "search"
    for magnifying-glass) resolve to the same icon."""
    text = Path(script or _theme_static() / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    ends = [(m.start(), m.group(1)) for m in _FA_PACK_END.finditer(text)]
    if not ends:
        raise ExtensionError(
            f"course_assets: no icon packs found in {script or 'fontawesome.js'}; "
            "has pydata-sphinx-theme changed how it ships Font Awesome?"
        )
    packs: dict = {p: {"icons": {}, "unicode": {}} for _, p in ends}
    end = 0
    for m in _FA_ENTRY.finditer(text):
        while end < len(ends) and ends[end][0] < m.start():
            end += 1
        if end == len(ends):
            break
        pack = packs[ends[end][1]]
        name = m.group(1) or m.group(2)
        icon = (int(m.group(3)), int(m.group(4)), m.group(7), name)
        pack["icons"].setdefault(name, icon)
        pack["unicode"].setdefault(m.group(6), name)
        for alias in re.findall(r'"([^"]+)"', m.group(5)):
            pack["icons"].setdefault(alias, icon)
    return packs


def fa_css_of_script(script: str | None = None) -> str:
    """The stylesheet fontawesome.js injects at run time (sizes and alignment of its SVGs)."""
    text = Path(script or _theme_static() / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    start = text.find("':host,:root{--fa-font-solid")
    stop = text.find("'", start + 1)
    if start < 0 or stop < 0:
        raise ExtensionError("course_assets: the SVG stylesheet was not found in fontawesome.js")
    return text[start + 1 : stop]


def _declarations(body: str) -> dict:
    out = {}
    for part in re.split(r";(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", body):
        if ":" in part:
            key, value = part.split(":", 1)
            out[key.strip()] = value.strip()
    return out


def _is_font_awesome_rule(prelude: str, body: str) -> bool:
    """A rule of Font Awesome's own stylesheet (icons, utilities, fonts, its variables)."""
    if prelude == "@font-face":
        return "Font Awesome" in body
    if prelude.startswith("@keyframes fa-"):
        return True
    if prelude.startswith("@media"):
        return all(_is_font_awesome_rule(p, b) for _, _, p, b in css_rules(body))
    if prelude in (":host,:root", ":root"):
        return all(k.startswith("--fa-") for k in _declarations(body))
    selectors = [s.strip() for s in prelude.split(",")]
    return all(s.startswith(".fa") for s in selectors)


def strip_font_awesome(css: str) -> str:
    """pydata-sphinx-theme.css without Font Awesome's section.

    The section runs from Font Awesome's first licence comment to the first rule that is
    not Font Awesome's own. In it, rules that also serve other markup (`.sr-only`, used by
    the theme's icon links) stay, and so do the size modifiers (.fa-lg, ...) that the
    inline SVGs still carry; one licence comment stays with them."""
    start = css.find("/*!\n * Font Awesome Free")
    if start < 0:
        raise ExtensionError(
            "course_assets: Font Awesome's section was not found in pydata-sphinx-theme.css; has the theme changed?"
        )
    licence = css[start : css.find("*/", start) + 2]
    kept, stop = [], len(css)
    for begin, end, prelude, body in css_rules(css[start:]):
        selectors = [s.strip() for s in prelude.split(",")]
        if _is_font_awesome_rule(prelude, body):
            if all(FA_MODIFIER.fullmatch(s.lstrip(".")) for s in selectors):
                kept.append(css[start + begin : start + end])
        elif any(s.startswith(".fa") for s in selectors):
            kept.append(css[start + begin : start + end])  # e.g. .fa-sr-only,...,.sr-only
        else:
            stop = start + begin  # the theme's own rules begin
            break
    return css[:start] + licence + "".join(kept) + css[stop:]


def svg_stylesheet(used_modifiers: set[str]) -> str:
    """The part of fontawesome.js's injected CSS that styles the SVGs the pages now carry."""
    wanted = {".svg-inline--fa", "svg:not(:host).svg-inline--fa", "svg:not(:root).svg-inline--fa"}
    wanted |= {f".svg-inline--fa.{m}" for m in used_modifiers}
    out = []
    for _, _, prelude, body in css_rules(fa_css_of_script()):
        selectors = [s.strip() for s in prelude.split(",")]
        if not prelude.startswith("@") and all(s in wanted for s in selectors):
            out.append(f"{prelude}{{{body}}}")
    return "".join(out)


# --- Icons drawn by CSS: the same glyph as an SVG mask ------------------------------------


def _custom_properties(*sheets: str) -> dict:
    props: dict[str, str] = {}
    for css in sheets:
        for _, _, prelude, body in css_rules(css):
            if not prelude.startswith("@"):
                for key, value in _declarations(body).items():
                    if key.startswith("--"):
                        props.setdefault(key, value)
    return props


def _resolve(value: str, props: dict, depth: int = 0) -> str:
    found = re.fullmatch(r"var\((--[\w-]+)\)", value.strip())
    if found and depth < 10 and found.group(1) in props:
        return _resolve(props[found.group(1)], props, depth + 1)
    return value.strip()


def _codepoint(content: str) -> str | None:
    """The Private Use Area code point of a CSS `content` value: "\\f105" or the raw character."""
    found = re.fullmatch(r'"\\([0-9a-fA-F]{4,5})\s?"|"([\ue000-\uf8ff])"', content.strip())
    if not found:
        return None
    return found.group(1).lower() if found.group(1) else f"{ord(found.group(2)):x}"


def svg_data_url(width: int, height: int, path: str) -> str:
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'><path d='{path}'/></svg>"
    return 'url("data:image/svg+xml,' + quote(svg, safe=" =:/'(),.-") + '")'


def css_icon_rules(*sheets: str) -> str:
    """Override every theme rule that draws a Font Awesome glyph from the webfont.

    Each such rule gets a twin, one type selector more specific (so it wins over the
    original and over rules of the same weight in later files), that empties `content` and
    paints the same glyph through a mask in the current colour. A glyph box positioned on
    its own (admonition titles) is as tall as a line, the glyph 1em high and centred in it,
    where the font put it; an inline glyph becomes an inline-block 1em high, as wide as the
    glyph, sitting .125em below the baseline as Font Awesome's own SVGs do."""
    props = _custom_properties(*sheets)
    glyphs: dict[str, str] = {}  # each glyph's data URL once, as a custom property
    twins = "".join(_icon_twins(css, props, glyphs) for css in sheets)
    return ":root{" + ";".join(f"{name}:{url}" for name, url in glyphs.items()) + "}" + twins


def _icon_twins(css: str, props: dict, glyphs: dict) -> str:
    packs = font_awesome()
    out = []
    for _, _, prelude, body in css_rules(css):
        if prelude.startswith(("@media", "@supports")):
            inner = _icon_twins(body, props, glyphs)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
            continue
        if prelude.startswith("@"):
            continue
        decls = _declarations(body)
        font = decls.get("font", "") + decls.get("font-family", "")
        uses_font = "--fa-font" in font or "Font Awesome" in font
        code = _codepoint(_resolve(decls.get("content", ""), props)) if "content" in decls else None
        pack = next((p for p in ("fas", "fab", "far") if code in packs.get(p, {}).get("unicode", {})), None)
        if not (uses_font or pack):
            continue
        parts = []
        if uses_font:
            if decls.get("position") == "absolute":
                parts.append(
                    "height:1lh;-webkit-mask:var(--course-icon) left center/auto 1em no-repeat content-box;"
                    "mask:var(--course-icon) left center/auto 1em no-repeat content-box"
                )
            else:
                parts.append(
                    "display:inline-block;width:var(--course-icon-width,1em);height:1em;"
                    "vertical-align:-.125em;"
                    "-webkit-mask:var(--course-icon) center/100% 100% no-repeat content-box;"
                    "mask:var(--course-icon) center/100% 100% no-repeat content-box"
                )
            parts.append("background-color:currentColor")
        parts.append('content:""')
        if pack:
            width, height, path, _ = packs[pack]["icons"][packs[pack]["unicode"][code]]
            glyph = f"--course-{pack}-{code}"
            glyphs[glyph] = svg_data_url(width, height, path)
            parts.append(f"--course-icon:var({glyph});--course-icon-width:{width / height:.4g}em")
        twin = ",".join(_more_specific(s.strip()) for s in prelude.split(","))
        out.append(f"{twin}{{{';'.join(parts)}}}")
    return "".join(out)


def _more_specific(selector: str) -> str:
    """The same elements, one type selector heavier: `html X`, or `html:root...` for `html...`."""
    if re.match(r"html(?![\w-])", selector):
        return "html:root" + selector[4:]
    return f"html {selector}"


# --- Pages: inline SVG icons, fewer assets -------------------------------------------------

_ICON_TAG = re.compile(r'<(i|span)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*>\s*</\1>')
_ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')


def inline_icons(html: str, pagename: str) -> str:
    """Replace each Font Awesome <i>/<span> with the <svg> fontawesome.js would have made.

    Classes other than the style and icon name stay on the <svg> (the theme's CSS selects on
    them: theme-switch, fa-lg, fa-arrow-up); so do data- attributes. A `title` becomes the
    SVG's <title> and its accessible name, as Font Awesome does; otherwise the icon is
    decorative (aria-hidden), its button named by its own aria-label."""
    packs = font_awesome()
    counter = [0]

    def replace(match):
        attrs = {k: v for k, v in _ATTR.findall(match.group(2))}
        classes = attrs.get("class", "").split()
        styles = [c for c in classes if c in FA_STYLES]
        if not styles:
            return match.group(0)
        pack = packs[FA_STYLES[styles[0]]]
        names = [c[3:] for c in classes if c.startswith("fa-") and c[3:] in pack["icons"]]
        rest = [c for c in classes if c not in styles and c[3:] not in names]
        unknown = [c for c in rest if c.startswith("fa-") and not FA_MODIFIER.fullmatch(c)]
        if len(names) != 1 or unknown:
            raise ExtensionError(
                f"course_assets: {pagename}: cannot draw Font Awesome icon "
                f"class={attrs.get('class')!r} (no such icon, or an unsupported "
                f"class {unknown}); add it to course_assets.py"
            )
        width, height, path, icon = pack["icons"][names[0]]  # Font Awesome names the SVG canonically
        css_class = " ".join(["svg-inline--fa", f"fa-{icon}", *rest])
        extra = "".join(f' {k}="{v}"' for k, v in attrs.items() if k.startswith("data-"))
        # the attribute's text, unescaped and escaped again as element content
        title = html_escape(html_unescape(attrs.get("title") or ""), quote=False).strip()
        if title:
            counter[0] += 1
            ident = f"course-icon-title-{counter[0]}"
            return (
                f'<svg class="{css_class}"{extra} role="img" aria-labelledby="{ident}" '
                f'viewBox="0 0 {width} {height}"><title id="{ident}">{title}</title>'
                f'<path fill="currentColor" d="{path}"></path></svg>'
            )
        return (
            f'<svg class="{css_class}"{extra} aria-hidden="true" focusable="false" role="img" '
            f'viewBox="0 0 {width} {height}"><path fill="currentColor" d="{path}"></path></svg>'
        )

    return _ICON_TAG.sub(replace, html)


def slim_page(html: str, pagename: str, search_as_you_type: bool, outdir: str) -> str:
    html = FA_SCRIPT.sub("", html)
    if pagename != "search" and not search_as_you_type:
        html = SEARCH_SCRIPTS.sub("", html)
    if _theme_css_only_imports_basic(outdir):
        html = THEME_CSS.sub(r'<link href="\1_static/basic.css" rel="stylesheet" />', html)
    # The theme's stylesheet keeps its name and webpack digest but not its content: a browser
    # holding the old one in its HTTP cache must fetch the new one.
    html = PYDATA_CSS.sub(lambda m: f"{m.group(0)}.{_rewritten_css_tag()}", html)
    html, settled = THEME_MODE.subn(SETTLED_MODE, html)
    if not settled and "<html" in html:
        raise ExtensionError(f"course_assets: {pagename}: the theme's colour-mode script has changed")
    if pagename != "search":
        html = HEAD_SCRIPTS.sub(r'<script defer src="\1"></script>', html)
        html = OPTIONS_SETTING.sub(r'<script type="module">\1</script>', html)
    return inline_icons(html, pagename)


PYDATA_CSS = re.compile(r"_static/styles/pydata-sphinx-theme\.css\?digest=[0-9a-f]+")


@functools.cache
def _rewritten_css_tag() -> str:
    """Names what rewrite_theme_css makes of the theme's stylesheet: its source and this code."""
    source = (_theme_static() / "styles" / "pydata-sphinx-theme.css").read_bytes()
    return hashlib.sha256(source + Path(__file__).read_bytes()).hexdigest()[:8]


@functools.cache
def _theme_css_is(text: str) -> bool:
    body = re.sub(r"/\*.*?\*/", "", text, flags=re.S).strip()
    return body in ('@import "../basic.css";', "@import url(../basic.css);")


def _theme_css_only_imports_basic(outdir: str) -> bool:
    theme = Path(outdir, "_static", "styles", "theme.css")
    if not theme.exists():  # already replaced by an earlier build: the source decides
        theme = _theme_static() / "styles" / "theme.css"
    return _theme_css_is(theme.read_text(encoding="utf-8"))


def drop_unused_assets(app, pagename, templatename, context, doctree):
    """Leave out, on this page, the extensions' files that act on nothing in its body."""
    body = context.get("body") or ""
    drop = set(ALWAYS_DROPPED)
    for files, needed in PER_PAGE:
        if not needed.search(body):
            drop.update(files)

    def keep(asset):
        name = os.path.basename(str(getattr(asset, "filename", "") or "")).split("?")[0]
        return name not in drop

    for key in ("css_files", "script_files"):
        if context.get(key):
            context[key][:] = [a for a in context[key] if keep(a)]
    # sphinx-togglebutton's inline settings are useless without its script
    if "togglebutton.js" in drop and context.get("script_files"):
        context["script_files"][:] = [
            a
            for a in context["script_files"]
            if not re.search(
                r"\btoggle(Hint|OpenOnPrint)|togglebuttonSelector", str(getattr(a, "attributes", {}).get("body", ""))
            )
        ]


def wrap_renderer(app):
    """Rewrite every page as Sphinx writes it (the render call is the last step before disk)."""
    builder = app.builder
    if builder.format != "html" or not hasattr(builder, "templates"):
        return
    render = builder.templates.render
    options = app.config.html_theme_options or {}
    as_you_type = str(options.get("search_as_you_type", False)).lower() == "true"

    def render_slim(template, context):
        return slim_page(render(template, context), context.get("pagename", template), as_you_type, builder.outdir)

    builder.templates.render = render_slim


# --- After the build: stylesheets, removals, the service worker ----------------------------


def rewrite_theme_css(outdir: Path, pages: dict[Path, str]) -> None:
    """Font Awesome's section out of the theme's stylesheet, the SVG rules in (at its end)."""
    styles = outdir / "_static" / "styles"
    pydata = styles / "pydata-sphinx-theme.css"
    if not pydata.exists():
        return
    css = pydata.read_text(encoding="utf-8")
    if MARKER in css:
        return  # static files were not copied again: already rewritten
    css = SOURCE_MAP.sub("", strip_font_awesome(css))
    book = styles / "sphinx-book-theme.css"
    icons = css_icon_rules(css, book.read_text(encoding="utf-8") if book.exists() else "")
    css += (
        f"\n{MARKER} Font Awesome's icons as inline SVG (svg-inline--fa) and, where the "
        "theme's CSS drew them from the webfont, as SVG masks; see book/_ext/course_assets.py */\n"
        + svg_stylesheet(_modifiers_in_pages(pages))
        + icons
        + "\n"
    )
    pydata.write_text(css, encoding="utf-8")


def _modifiers_in_pages(pages: dict[Path, str]) -> set[str]:
    found: set[str] = set()
    for page in pages.values():
        for classes in re.findall(r'<svg class="svg-inline--fa ([^"]*)"', page):
            found.update(c for c in classes.split() if FA_MODIFIER.fullmatch(c))
    return found


def _theme_files(package: str, subdir: str) -> list[str]:
    """Paths under _static/ of the files a theme ships in static/<subdir> (and only those)."""
    module = __import__(package)
    static = Path(str(module.__file__)).parent / "theme" / package / "static"
    return [p.relative_to(static).as_posix() for p in sorted((static / subdir).rglob("*")) if p.is_file()]


def removed_assets(outdir: Path) -> list[str]:
    """Every file (relative to the site) that this extension takes out of the site."""
    files = [
        *REMOVED,
        *(f"_static/{f}" for f in _theme_files("pydata_sphinx_theme", "vendor")),
        *(f"_static/{f}" for f in _theme_files("sphinx_book_theme", "locales")),
        *(f"_static/{f}" for f in _theme_files("sphinx_book_theme", "images")),
    ]
    if not _theme_css_only_imports_basic(str(outdir)):
        files.remove("_static/styles/theme.css")  # pages still link it: keep it
    return files


def remove_unused(outdir: Path, pages: dict[Path, str]) -> list[str]:
    removed = []
    for rel in removed_assets(outdir):
        if (outdir / rel).is_file():
            (outdir / rel).unlink()
            removed.append(rel)
    static = outdir / "_static"
    for folder in sorted((p for p in static.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()  # e.g. vendor/fontawesome/webfonts, locales/de/...
    for source_map in static.rglob("*.map"):
        source_map.unlink()
        removed.append(source_map.relative_to(outdir).as_posix())
    for asset in list(static.rglob("*.js")) + list(static.rglob("*.css")):
        text = asset.read_text(encoding="utf-8", errors="surrogateescape")
        stripped = SOURCE_MAP.sub("", text)
        if stripped != text:
            asset.write_text(stripped, encoding="utf-8", errors="surrogateescape")
    # the per-page assets that no page links any more
    for files, _ in PER_PAGE:
        for name in files:
            if (static / name).exists() and not any(f"_static/{name}" in page for page in pages.values()):
                (static / name).unlink()
                removed.append(f"_static/{name}")
    return removed


def precache_list(outdir: Path) -> list[str]:
    files = []
    for path in sorted(outdir.rglob("*")):
        rel = path.relative_to(outdir)
        name = rel.as_posix()
        if (
            path.is_file()
            and not any(part.startswith(".") for part in rel.parts)
            and not name.startswith(NOT_PRECACHED_DIRS)
            and name not in NOT_PRECACHED_FILES
            and not name.endswith((".map", ".tmp"))
        ):
            files.append(name)
    return files


def build_version(outdir: Path, files: list[str]) -> str:
    """A hash of the worker's own code and of every precached file's path and bytes."""
    digest = hashlib.sha256(SW_TEMPLATE.read_bytes())
    for rel in files:
        digest.update(rel.encode() + b"\0" + hashlib.sha256((outdir / rel).read_bytes()).digest())
    return digest.hexdigest()[:16]


def write_service_worker(outdir: Path) -> tuple[str, list[str]]:
    files = precache_list(outdir)
    version = build_version(outdir, files)
    template = SW_TEMPLATE.read_text(encoding="utf-8")
    if '"__COURSE_VERSION__"' not in template or '["__COURSE_PRECACHE__"]' not in template:
        raise ExtensionError(
            f'course_assets: {SW_TEMPLATE} lacks its "__COURSE_VERSION__" or ["__COURSE_PRECACHE__"] placeholder'
        )
    urls = [quote(rel) for rel in files]
    text = template.replace('"__COURSE_VERSION__"', json.dumps(version)).replace(
        '["__COURSE_PRECACHE__"]', json.dumps(urls, indent=0)
    )
    tmp = outdir / (SW_NAME + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, outdir / SW_NAME)  # never a half-written worker
    return version, files


_REF = re.compile(r'(?:href|src)="([^"#?]*)[^"]*"|url\(\s*["\']?([^"\')?#]*)')


def local_references(outdir: Path, pages: dict[Path, str]):
    """(file that names it, reference, resolved path) for each local file a page (read_pages) or
    stylesheet names."""
    sheets = {sheet: sheet.read_text(encoding="utf-8") for sheet in sorted((outdir / "_static").rglob("*.css"))}
    for source, text in {**pages, **sheets}.items():
        for href, url in _REF.findall(text):
            ref = unquote(html_unescape(href or url)).strip()
            if not ref or re.match(r"^[a-z][a-z0-9+.-]*:|^//", ref, re.I):
                continue
            target = outdir / ref.lstrip("/") if ref.startswith("/") else source.parent / ref
            yield source.relative_to(outdir).as_posix(), ref, target


def references_to_removed(outdir: Path, removed: list[str], pages: dict[Path, str]) -> list[str]:
    gone = {(outdir / rel).resolve() for rel in removed}
    gone_dirs = tuple(f"{(outdir / rel).resolve()}{os.sep}" for rel in ("_static/vendor", "_static/locales"))
    return [
        f"{source}: {ref}"
        for source, ref, target in local_references(outdir, pages)
        if target.resolve() in gone or str(target.resolve()).startswith(gone_dirs)
    ]


def finish_site(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    if not (outdir / "_static" / OFFLINE_SCRIPT).exists():
        raise ExtensionError(
            f"course_assets: {OFFLINE_SCRIPT} was not copied to _static/; html_static_path must include {STATIC_SOURCE}"
        )
    pages = unused_css.read_pages(outdir)  # nothing below changes a page: each is read once
    rewrite_theme_css(outdir, pages)
    removed = remove_unused(outdir, pages)
    purged = unused_css.purge_site(outdir, Path(app.doctreedir) / "course-css-originals", pages)
    still_named = references_to_removed(outdir, removed_assets(outdir) + removed, pages)
    if still_named:
        raise ExtensionError(
            "course_assets: pages or stylesheets still name files removed from "
            "the site:\n  " + "\n  ".join(still_named[:20])
        )
    version, files = write_service_worker(outdir)
    size = sum((outdir / f).stat().st_size for f in files)
    saved = sum(before - after for before, after in purged.values())
    logger.info(
        f"course_assets: {len(removed)} unused theme files removed, {saved / 1024:.0f} KiB of "
        f"selectors no page uses left out of {len(purged)} stylesheets; service worker "
        f"{version} precaches {len(files)} files ({size / 1024:.0f} KiB)"
    )


def setup(app):
    app.add_js_file(OFFLINE_SCRIPT, defer="defer")
    app.add_js_file(TABLES_SCRIPT, defer="defer")  # dropped per page where there is no table
    app.connect("builder-inited", wrap_renderer)
    # after course_sphinx (900) has dropped thebe's scripts and escaped the widget state
    app.connect("html-page-context", drop_unused_assets, priority=950)
    # after course_sphinx has written downloads/ (they are not precached, but must exist)
    app.connect("build-finished", finish_site, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
