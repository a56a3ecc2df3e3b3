"""Sphinx glue that keeps the built course offline and configurable.

- Maths is rendered to MathML at build time (latex2mathml): no MathJax, no CDN.
- sphinx-thebe (always loaded by Jupyter Book 1) injects an inline script that
  names a CDN URL and is emitted twice under Sphinx 7.4; we never launch thebe,
  so its scripts are dropped from every page.
- After an HTML build the quizzes' Moodle and Canvas exports are written to
  downloads/ (not in exam builds: they contain the answer key).
- Cached execution keys on a notebook's own text, so a change to a widget, a quiz
  bank or book/data would leave stale outputs: when those inputs change, every
  page is re-read and re-executed.
- COURSE_EXECUTE=force|cache|off overrides the execution mode (tests use force,
  so nbval sees every output); COURSE_EXAM=1 builds quiz chapters in exam mode.
- An exam build holds no key: it empties its HTML folder first (nothing of an earlier
  practice build, such as downloads/ with the Moodle and QTI keys, survives), re-reads and
  re-executes every page (no doctree of a practice build is reused), and publishes no
  _sources/ copy of the pages (html_copy_source off: the copy would hold the text of
  {only} not exam blocks).
- Widget state and widget views are JSON inside <script> elements. myst-nb only
  rewrites the exact lowercase "</script>", so "</SCRIPT>", "</script >" or
  "<!--<script>" in any trait (a bank title, a registry label) would end the
  element or swallow the rest of the page. Both are re-serialised here with
  every "<", ">" and "&" written as \u003c, \u003e, \u0026: the one place every
  value passes, whatever its origin. JSON.parse reads them back unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from docutils import nodes
from latex2mathml.converter import convert as latex_to_mathml
from sphinx.errors import ExtensionError

from quizzes import exam_mode

THEBE_MARKERS = ("THEBE_JS_URL", "sphinx-thebe", "thebe")


def _mathml(latex: str, display: str) -> str:
    return latex_to_mathml(latex.strip(), display=display)


def visit_inline_math(self, node):
    self.body.append(_mathml(node.astext(), "inline"))
    raise nodes.SkipNode


def visit_block_math(self, node):
    if node.get("label"):
        self.body.append(f'<div class="math-wrapper" id="equation-{node["docname"]}-{node["label"]}">')
    else:
        self.body.append('<div class="math-wrapper">')
    self.body.append(_mathml(node.astext(), "block"))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def _is_thebe(asset) -> bool:
    text = " ".join(str(v) for v in (getattr(asset, "filename", ""), asset.attributes.get("body", "")))
    return any(marker in text for marker in THEBE_MARKERS)


WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW_TYPE = "application/vnd.jupyter.widget-view+json"
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def script_safe_json(text: str, where: str = "") -> str:
    """Re-serialise JSON text so that it can sit inside <script>...</script> unchanged.

    <, > and & only ever occur inside JSON strings, where \\u003c etc. mean the same
    character, so no byte sequence can close the element (</script in any case or
    spacing) or open a comment (<!--). ensure_ascii keeps the output pure ASCII (U+2028,
    lone surrogates and the like are escapes too). Text that is not JSON fails the build
    rather than being written into the page half-safe."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ExtensionError(f"widget JSON{' on ' + where if where else ''} is not valid JSON: {exc}") from None
    try:
        # NaN/Infinity are not JSON: the browser's JSON.parse would reject the whole state.
        out = json.dumps(data, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:
        raise ExtensionError(f"widget JSON{' on ' + where if where else ''}: {exc}") from None
    for char, escape in _SCRIPT_UNSAFE.items():
        out = out.replace(char, escape)
    return out


def escape_widget_state(app, pagename, templatename, context, doctree):
    # myst-nb adds the state as a body-only script asset of this page (at priority 500).
    scripts = context.get("script_files")
    if not scripts:
        return
    for i, asset in enumerate(scripts):
        attributes = getattr(asset, "attributes", None) or {}
        if attributes.get("type") == WIDGET_STATE_TYPE and "body" in attributes:
            body = script_safe_json(attributes["body"], pagename)
            # Sphinx's asset objects are immutable: put a rebuilt one in its place.
            scripts[i] = type(asset)(asset.filename, priority=asset.priority, **{**attributes, "body": body})


_VIEW_OPEN = f'<script type="{WIDGET_VIEW_TYPE}">'


def escape_widget_views(app, doctree, docname):
    # Each widget output is a raw HTML node written by myst-nb's render_widget_view.
    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if node.get("format") == "html" and text.startswith(_VIEW_OPEN) and text.endswith("</script>"):
            inner = text[len(_VIEW_OPEN) : -len("</script>")]
            safe = _VIEW_OPEN + script_safe_json(inner, docname) + "</script>"
            node.replace_self(nodes.raw(safe, safe, format="html"))


def drop_thebe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        scripts[:] = [s for s in scripts if not _is_thebe(s)]


def fix_citation_list_role(app, pagename, templatename, context, doctree):
    # docutils marks the bibliography <div> role="list" and each entry role="doc-biblioentry".
    # DPUB-ARIA 1.1 deprecates doc-biblioentry and Lighthouse/axe flag it (and a list whose
    # children are not list items), so each entry becomes a plain list item of that list.
    body = context.get("body")
    if body and 'class="citation-list"' in body:
        context["body"] = body.replace(' role="doc-biblioentry"', ' role="listitem"')


def publish_downloads(app, exception):
    # The Moodle XML and Canvas QTI exports hold the answer key: never in exam builds.
    from quizzes.exports.publish import export_all

    if exception is not None or app.builder.format != "html" or exam_mode():
        return
    if not app.config.course_publish_downloads:  # e.g. a test's one-page book
        return
    export_all(os.path.join(app.outdir, "downloads"))


ROOT = Path(__file__).resolve().parents[2]
CODE_INPUTS = ("widgets", "quizzes", "book/data", "book/figures")
# Sphinx copies static files only when some page is rewritten: a CSS-only edit
# must still reach the site, so these make every page outdated (no re-execution).
# This extension too: Sphinx does not notice a changed extension, and a page written
# before a fix to the widget-state escaping would otherwise keep its old HTML.
ASSET_INPUTS = ("book/_static", "widgets/static", "book/_ext")
SOURCE_SUFFIXES = {".py", ".js", ".css", ".yaml", ".yml", ".txt", ".bib", ".svg"}


def inputs_fingerprint(folders=CODE_INPUTS) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in SOURCE_SUFFIXES:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _stamp(app, kind: str = "inputs") -> Path:
    return Path(app.outdir).parent / f".course-{kind}"


def reread_when_inputs_change(app, env, added, changed, removed):
    rebuild = app._course_inputs_changed or app._course_assets_changed or exam_mode()
    return sorted(env.found_docs) if rebuild else []


def empty_folder(folder) -> None:
    """Remove everything inside folder (symbolic links themselves, never what they point to)."""
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)


def remember_inputs(app, exception):
    if exception is None:
        _stamp(app).write_text(app._course_inputs_fingerprint)
        _stamp(app, "assets").write_text(app._course_assets_fingerprint)


def apply_environment(app, config):
    fingerprint = inputs_fingerprint()
    stamp = _stamp(app)
    app._course_inputs_fingerprint = fingerprint
    app._course_inputs_changed = not stamp.exists() or stamp.read_text() != fingerprint
    assets, assets_stamp = inputs_fingerprint(ASSET_INPUTS), _stamp(app, "assets")
    app._course_assets_fingerprint = assets
    app._course_assets_changed = not assets_stamp.exists() or assets_stamp.read_text() != assets
    mode = os.environ.get("COURSE_EXECUTE")
    if exam_mode():
        app.tags.add("exam")  # pages can say {only} exam / not exam
        mode = mode or "force"  # never reuse cached outputs that hold answer keys
        config.html_copy_source = False
        config.html_show_sourcelink = False
        if os.path.isdir(app.outdir):
            empty_folder(app.outdir)
    if mode:
        if mode not in {"force", "cache", "off", "auto"}:
            raise ValueError(f"COURSE_EXECUTE must be force, cache, off or auto, not {mode!r}")
        config.nb_execution_mode = mode
    elif app._course_inputs_changed and config.nb_execution_mode == "cache":
        # Empty the execution cache rather than switching to force: a changed
        # execution mode would itself make Sphinx re-read everything next time.
        shutil.rmtree(Path(app.outdir).parent / ".jupyter_cache", ignore_errors=True)


def setup(app):
    app.add_config_value("course_publish_downloads", True, "html")
    app.add_html_math_renderer("mathml", (visit_inline_math, None), (visit_block_math, None))
    app.connect("config-inited", apply_environment)
    # priority > 500 so that thebe has added its scripts before we drop them
    app.connect("html-page-context", drop_thebe_scripts, priority=900)
    app.connect("html-page-context", fix_citation_list_role)
    # after myst-nb (priority 500) has added the page's widget state
    app.connect("html-page-context", escape_widget_state, priority=900)
    app.connect("doctree-resolved", escape_widget_views)
    app.connect("build-finished", publish_downloads)
    app.connect("env-get-outdated", reread_when_inputs_change)
    app.connect("build-finished", remember_inputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
