"""Issue 10: text from a bank or the registry never runs as script and never breaks a page.

Three layers, each tested on real files:
1. `check` refuses `<` in plain-text fields (titles, labels, locators, quotes, source names) and
   refuses a hostile string in every field that is neither Markdown nor prose.
2. Markdown fields may hold anything: markdown-it (HTML off) + nh3 render it inert.
3. Whatever reaches widget state anyway is serialised script-safe by book/_ext/course_sphinx.py;
   a one-page Jupyter Book built with the course's _config.yml and book/_ext, whose widget
   traits hold the hostile strings unchecked, runs no script in Chromium, keeps its widgets
   working and shows no JSON.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from small_book import course_config, finish_build, start_build

from quizzes.pages import render
from quizzes.pages.payload import build_payload
from quizzes.parsing.bank import parse_bank
from quizzes.parsing.bib import load_keys
from quizzes.parsing.loader import YList, YMap, load_yaml_file
from quizzes.parsing.model import Case, Option, Question, Quiz, Recommendation, Registry, Source
from quizzes.parsing.registry import parse_registry

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "fixtures" / "quizzes" / "hostile"
BANK = HOSTILE / "quiz-hostile.yaml"
REGISTRY = HOSTILE / "registry-hostile.yaml"
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import course_sphinx  # noqa: E402

# Fields that are prose: rendered through Markdown + nh3 (or escaped), so `<` is allowed there.
PROSE_FIELDS = {"description", "vignette", "stem", "text", "feedback", "paraphrase", "certainty_note", "note"}

# What `check` must report for the fixtures as written: (line, field path).
BANK_REFUSALS = {(6, "title"), (13, "cases[0].title")}
REGISTRY_REFUSALS = {
    (9, "sources.review.label"),
    (10, "sources.review.short"),
    (14, "sources.karanicolas2014.label"),
    (15, "sources.karanicolas2014.short"),
    (21, "records[0].label"),
    (26, "records[0].locator"),
    (27, "records[0].quote"),
    (34, "records[1].label"),
    (39, "records[1].locator"),
    (40, "records[1].quote"),
    # the records' sources were refused above, so the records cannot use them
    (20, "records[0].source"),
    (33, "records[1].source"),
}

ATTACKS = [
    "Breakout</SCRIPT><img src=x onerror=window.__pwned=101>",
    "Values</script ><svg onload=window.__pwned=102>",
    "Blank<!--<script>window.__pwned=103</script>",
    "<a href=javascript:window.__pwned=104>link</a>",
    "</script\t><script>window.__pwned=105</script>",
]


def _errors(issues):
    return {(i.line, i.path) for i in issues if i.level == "error"}


def test_check_refuses_plain_fields_of_hostile_bank():
    quiz, issues = parse_bank(BANK, None)
    assert quiz is None
    assert _errors(issues) == BANK_REFUSALS, "\n".join(map(str, issues))
    assert all("contains '<'" in i.message for i in issues)
    assert all(str(i).startswith(f"{i.file}:{i.line}: error: {i.path}: ") for i in issues)


def test_check_refuses_plain_fields_of_hostile_registry():
    registry, issues = parse_registry(REGISTRY, load_keys()[0])
    assert registry is None
    assert _errors(issues) == REGISTRY_REFUSALS, "\n".join(map(str, issues))


def _single_line_fields(path: Path):
    """(line number, key) of every `key: value` line with a value on the same line."""
    pattern = re.compile(r"^\s*(?:- )?([a-z_]+): (?!\|)(\S.*)$")
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = pattern.match(line)
        if match and not line.lstrip().startswith("#"):
            yield n, match.group(1)


def _parse(path: Path):
    if path.name.startswith("registry"):
        return parse_registry(path, load_keys()[0])[1]
    return parse_bank(path, None)[1]


@pytest.mark.parametrize("fixture", [BANK, REGISTRY], ids=["bank", "registry"])
def test_every_field_refuses_or_neutralises_each_attack(fixture, tmp_path):
    """Each attack string in turn replaces the value of each single-line field: ids,
    vocabulary words, numbers, lists and plain text are refused at that line and field;
    prose fields accept it (they are rendered inert, tested below)."""
    lines = fixture.read_text(encoding="utf-8").splitlines()
    attempts = refused = accepted = 0
    for number, key in _single_line_fields(fixture):
        for attack in ATTACKS:
            changed = list(lines)
            indent = re.match(r"^(\s*(?:- )?)", changed[number - 1]).group(1)
            changed[number - 1] = f"{indent}{key}: {json.dumps(attack)}"
            target = tmp_path / fixture.name
            target.write_text("\n".join(changed) + "\n", encoding="utf-8")
            issues = [i for i in _parse(target) if i.level == "error" and i.line == number]
            attempts += 1
            hit = [i for i in issues if re.search(rf"(^|\.){key}(\[\d+\])?$", i.path)]
            if key in PROSE_FIELDS:
                assert not hit, f"line {number} {key}: prose must accept {attack!r}: {hit}"
                accepted += 1
            else:
                assert hit, f"line {number} {key}: {attack!r} was not refused at that line"
                refused += 1
    print(f"{fixture.name}: {attempts} attempts, {refused} refused, {accepted} accepted as prose")
    assert attempts >= 150 and refused >= 120 and accepted >= 20, (attempts, refused, accepted)


# ---------------------------------------------------------------------------------------------
# Markdown fields render inert


def _unchecked_registry(path: Path = REGISTRY) -> Registry:
    """The hostile registry as model objects, skipping `check`: what would reach the page if a
    plain field slipped through."""
    data = load_yaml_file(path)
    sources = {sid: Source(sid, s["label"], s["citation"], s["kind"], s["short"]) for sid, s in data["sources"].items()}
    records = {}
    for r in data["records"]:
        settings = tuple(r["setting"]) if isinstance(r["setting"], list) else (r["setting"],)
        records[r["id"]] = Recommendation(
            r["id"],
            r["source"],
            r["label"],
            r["modality"],
            settings,
            r["stance"],
            r["paraphrase"],
            r["locator"],
            r["quote"],
            tuple(r["evidence"]),
            r["certainty"],
            r["certainty_note"],
            r["verification"],
        )
    return Registry(str(path), sources, records)


def _unchecked_quiz(path: Path = BANK) -> Quiz:
    data = load_yaml_file(path)
    cases = []
    for c in data["cases"]:
        questions = tuple(
            Question(
                q["id"],
                q["type"],
                q["stem"],
                tuple(
                    Option(
                        o["id"],
                        o["text"],
                        float(o["credit"]),
                        o["feedback"],
                        tuple(o["follows"]),
                        tuple(o["contradicts"]),
                    )
                    for o in q["options"]
                ),
                float(q.get("weight", 1)),
                q.get("reveal_after"),
            )
            for q in c["questions"]
        )
        cases.append(Case(c["id"], c["title"], c["vignette"], dict(c["features"]), questions))
    return Quiz(data["id"], data["title"], data["description"], tuple(cases), str(path), hash="0123456789abcdef")


def _prose_values(value, key=None):
    if isinstance(value, YMap):
        for k, v in value.items():
            yield from _prose_values(v, k)
    elif isinstance(value, YList):
        for v in value:
            yield from _prose_values(v, key)
    elif isinstance(value, str) and key in PROSE_FIELDS:
        yield key, value


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, name, value) for name, value in attrs)

    handle_startendtag = handle_starttag


@pytest.fixture
def hostile_citations(monkeypatch):
    """`[#rev-hostile]` in bank text expands to the hostile registry's label."""
    monkeypatch.setattr(render, "_registry", _unchecked_registry)
    render.markdown_html.cache_clear()
    yield
    render.markdown_html.cache_clear()


def test_markdown_fields_render_inert(hostile_citations):
    values = [kv for path in (BANK, REGISTRY) for kv in _prose_values(load_yaml_file(path))]
    values += [("attack", a) for a in ATTACKS]
    assert len(values) >= 25
    for key, text in values:
        for links in (True, False):  # the site, and the LMS exports
            html = render.markdown_html(text, links=links)
            markup = _Markup()
            markup.feed(html)
            assert set(markup.tags) <= render.ALLOWED_TAGS, (key, text, html)
            for tag, name, value in markup.attrs:
                assert (tag, name) in {("a", "href"), ("a", "rel")}, (key, text, html)
                if name == "href":
                    assert re.match(r"^(https?://|\.\./|[\w-]+\.html)", value), (key, html)
            # nothing a browser could take for markup or a script: every `<` is escaped
            assert "<script" not in html.lower() and "<!--" not in html
            assert "javascript:" not in " ".join(v or "" for _, _, v in markup.attrs).lower()
    # a citation of a hostile record shows its label as text
    assert "Abstract&lt;/SCRIPT&gt;&lt;img" in render.markdown_html("[#rev-hostile]")


# ---------------------------------------------------------------------------------------------
# Widget state: the one serialisation point


HOSTILE_STRINGS = ATTACKS + [
    "</SCRIPT >",
    "</sCrIpT/>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&amp;&lt;",
    "\u2028\u2029",
    "\ud800 lone",
    "\x00\x01",
    "é ☃ 𝄞",
    "\\u003c already escaped",
    '"quoted" \\ backslash',
]
# What a kernel can hold (a lone surrogate cannot be sent over Jupyter's UTF-8 messages).
BOOK_STRINGS = [s for s in HOSTILE_STRINGS if not re.search("[\ud800-\udfff]", s)]


def test_script_safe_json_round_trips_and_cannot_close_script():
    data = {"state": {"m": {"state": {s: [s, {s: s}] for s in HOSTILE_STRINGS}}}, "n": [1, 2.5, None, True]}
    text = course_sphinx.script_safe_json(json.dumps(data))
    assert json.loads(text) == data
    assert not set(text) & set("<>&") and text.isascii()
    # myst-nb's own output (only "</script>" rewritten as "<\/script>") is read correctly too
    assert json.loads(course_sphinx.script_safe_json(r'{"a": "<\/script>"}')) == {"a": "</script>"}
    with pytest.raises(Exception, match="not valid JSON"):
        course_sphinx.script_safe_json("{'a': 1}")


def test_page_hook_rewrites_the_state_asset_only():
    from sphinx.builders.html._assets import _JavaScript

    state = json.dumps({"version_major": 2, "state": {"id": {"label": ATTACKS[0]}}})
    runtime = _JavaScript("widget-runtime.js", type="module", priority=500)
    assets = [runtime, _JavaScript(None, priority=500, type=course_sphinx.WIDGET_STATE_TYPE, body=state)]
    context = {"script_files": assets}
    course_sphinx.escape_widget_state(None, "page", "page.html", context, None)
    assert context["script_files"][0] is runtime
    body = context["script_files"][1].attributes["body"]
    assert "<" not in body and json.loads(body) == json.loads(state)
    assert context["script_files"][1].attributes["type"] == course_sphinx.WIDGET_STATE_TYPE


def test_doctree_hook_rewrites_widget_views():
    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    doc = new_document("x", get_default_settings(Parser))
    view = json.dumps({"model_id": "</SCRIPT><!--", "version_major": 2})
    text = f'<script type="{course_sphinx.WIDGET_VIEW_TYPE}">{view}</script>'
    doc += nodes.raw(text, text, format="html")
    doc += nodes.raw("<p>other</p>", "<p>other</p>", format="html")
    course_sphinx.escape_widget_views(None, doc, "x")
    raws = [n.astext() for n in doc.findall(nodes.raw)]
    assert raws[1] == "<p>other</p>"
    inner = raws[0][len(f'<script type="{course_sphinx.WIDGET_VIEW_TYPE}">') : -len("</script>")]
    assert "<" not in inner and json.loads(inner)["model_id"] == "</SCRIPT><!--"


@pytest.mark.browser
def test_browser_parses_escaped_json(browser):
    page = browser.new_page()
    try:
        data = {s: s for s in HOSTILE_STRINGS if "\ud800" not in s}
        text = course_sphinx.script_safe_json(json.dumps(data))
        page.set_content(f'<script type="application/json" id="s">{text}</script><p id="after">after</p>')
        assert page.evaluate("JSON.parse(document.getElementById('s').textContent)") == data
        assert page.evaluate("document.getElementById('after').textContent") == "after"
    finally:
        page.close()


# ---------------------------------------------------------------------------------------------
# A real one-page book whose widget state holds the hostile strings unchecked

PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Hostile widget state

```{code-cell} ipython3
:tags: [remove-input]

import json
from pathlib import Path

import anywidget
import traitlets

from widgets.base import CourseWidget
from widgets.quiz import Quiz

payload = json.loads(Path("payload.json").read_text(encoding="utf-8"))
HOSTILE = json.loads(Path("hostile.json").read_text(encoding="utf-8"))


class UncheckedQuiz(Quiz):
    # The course's quiz widget, given a payload that never went through `check`.
    def __init__(self, payload):
        CourseWidget.__init__(self, quiz_id=payload["id"], exam=payload["exam"], payload=payload)


class Counter(anywidget.AnyWidget):
    _esm = '''
    export default { render({ model, el }) {
      const label = document.createElement("p");
      label.className = "hostile-label";
      label.textContent = model.get("label");
      const button = document.createElement("button");
      button.className = "hostile-count";
      const show = () => { button.textContent = "count " + model.get("count"); };
      button.addEventListener("click", () => model.set("count", model.get("count") + 1));
      model.on("change:count", show);
      show();
      el.append(label, button);
    } }
    '''
    label = traitlets.Unicode().tag(sync=True)
    names = traitlets.List().tag(sync=True)
    count = traitlets.Int(0).tag(sync=True)


UncheckedQuiz(payload)
```

```{code-cell} ipython3
:tags: [remove-input]

Counter(label=" ".join(HOSTILE), names=HOSTILE)
```

The end of the page: hostile-page-end.
"""


def _build_book(folder: Path, exam: bool, hostile_payload: dict) -> subprocess.Popen:
    """Start building a one-page book with the course's configuration and extension."""
    (folder / "book").mkdir(parents=True)
    config = course_config("Hostile widget state", execute="force")  # every course extension
    (folder / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: book/hostile\n", encoding="utf-8")
    (folder / "book" / "hostile.md").write_text(PAGE, encoding="utf-8")
    (folder / "book" / "payload.json").write_text(json.dumps(hostile_payload), encoding="utf-8")
    (folder / "book" / "hostile.json").write_text(json.dumps(BOOK_STRINGS), encoding="utf-8")
    return start_build(folder, exam)


@pytest.fixture(scope="module")
def hostile_sites(tmp_path_factory):
    """The one-page book built twice, practice and exam, in parallel (about 30 s)."""
    mp = pytest.MonkeyPatch()
    mp.setattr(render, "_registry", _unchecked_registry)
    render.markdown_html.cache_clear()
    try:
        quiz, registry = _unchecked_quiz(), _unchecked_registry()
        payloads = {mode: build_payload(quiz, registry, exam=(mode == "exam")) for mode in ("practice", "exam")}
    finally:
        mp.undo()
        render.markdown_html.cache_clear()
    # the plain hostile strings are in the payload exactly as written: nothing upstream helped
    assert payloads["practice"]["cases"][0]["title"] == "Values</script ><svg onload=window.__pwned=7>"
    assert "</SCRIPT>" in payloads["exam"]["title"]
    assert "</script >" in payloads["practice"]["recommendations"]["rev-hostile"]["label"]
    base = tmp_path_factory.mktemp("hostile-book")
    builds = {mode: _build_book(base / mode, mode == "exam", payloads[mode]) for mode in payloads}
    sites = {}
    for mode, proc in builds.items():
        sites[mode] = finish_build(proc, base / mode, timeout=300)
    return sites, payloads


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["practice", "exam"])
def test_hostile_widget_state_runs_nothing_and_the_page_works(mode, hostile_sites, browser):
    from browser_support import PageWatch, serve, wait_for_widgets

    sites, payloads = hostile_sites
    html = (sites[mode] / "book" / "hostile.html").read_text(encoding="utf-8")
    # In the file: one state script, one view per widget, and no `<` inside any of them.
    blocks = re.findall(
        r'<script type="application/vnd\.jupyter\.widget-(state|view)\+json">(.*?)</script>', html, flags=re.S
    )
    assert [k for k, _ in blocks].count("state") == 1 and [k for k, _ in blocks].count("view") == 2
    assert all("<" not in body and ">" not in body for _, body in blocks)
    state = json.loads(next(body for kind, body in blocks if kind == "state"))["state"]
    saved = [m["state"]["payload"] for m in state.values() if "payload" in m["state"]]
    assert saved == [payloads[mode]], "the state must hold the hostile text unchanged"

    with serve(sites[mode]) as url:
        context = browser.new_context()
        page = context.new_page()
        watch = PageWatch(page, url)
        dialogs, requested = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requested.append(r.url))
        try:
            page.goto(f"{url}/book/hostile.html")
            assert wait_for_widgets(page) == 2
            # Nothing ran: no handler, no dialog, no request for the broken image "x".
            assert page.evaluate("window.__pwned") is None
            assert not dialogs
            assert not [u for u in requested if u.rstrip("/").endswith("/x")]
            # No element made from the hostile text, anywhere in the document (a state script
            # broken open in <head> would put its <img> at the start of <body>) ...
            for selector in (
                "[onerror]",
                "[onload]",
                "[onmouseover]",
                "iframe",
                "[href^='javascript' i]",
                "[src^='javascript' i]",
                "[action^='javascript' i]",
            ):
                assert page.locator(selector).count() == 0, selector
            # ... nor inside the widgets' outputs (the theme has its own svg and scripts elsewhere).
            for selector in ("img", "svg", "b", "style", "script:not([type])", "form"):
                assert page.locator(f".cell_output {selector}").count() == 0, selector
            # No JSON spilled onto the page, and the page was not swallowed by "<!--<script>".
            text = page.locator("body").inner_text()
            assert '"model_name"' not in text and "version_major" not in text
            assert "hostile-page-end" in text
            # The quiz shows the hostile title as text, and it still works.
            case = page.locator(".qz-case h3").first
            assert case.text_content() == payloads[mode]["cases"][0]["title"]
            page.locator(".qz-question").first.locator("input").first.check()
            page.locator(".qz-check").first.click()
            feedback = page.locator(".qz-feedback").first
            feedback.wait_for(state="visible")
            assert feedback.inner_text().strip()
            # The plain anywidget shows every hostile string as text and still counts.
            assert page.locator(".hostile-label").text_content() == " ".join(BOOK_STRINGS)
            page.locator(".hostile-count").click()
            assert page.locator(".hostile-count").text_content() == "count 1"
            assert page.evaluate("window.__pwned") is None
            watch.assert_clean()
        finally:
            context.close()
