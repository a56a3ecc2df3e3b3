"""The widget runtime (widgets/static/widget-runtime.js) when a widget or its saved state is broken.

Each test writes a small page that carries widget state the way myst-nb writes it (one widget-state
script in the head, one widget-view script per output) and loads the real runtime, so no course build
is needed. Whatever breaks, the broken widget shows a visible notice that says why ("This interactive
figure could not be loaded: ..."), is never marked mounted, and never stops the other widgets on the
page from mounting. The broken modules are the files in tests/fixtures/runtime/.
"""

from __future__ import annotations

import json
import shutil

import pytest
from browser_support import ROOT, PageWatch, exercise_widgets, serious_axe_violations, serve, wait_for_widgets
from ipywidgets import IntSlider
from ipywidgets.embed import dependency_state, embed_data

RUNTIME = ROOT / "widgets" / "static" / "widget-runtime.js"
FIXTURES = ROOT / "tests" / "fixtures" / "runtime"
STATE_TYPE = "application/vnd.jupyter.widget-state+json"
VIEW_TYPE = "application/vnd.jupyter.widget-view+json"
NOTICE = "This interactive figure could not be loaded: "
KERNEL = "needs a live Jupyter kernel"
LIMIT_S = 5  # the runtime's limit for loading a widget's code, and again for drawing it
RUNTIME_LOG = "widget failed to mount"  # how the runtime's console.error for a broken widget starts

pytestmark = pytest.mark.browser


# ---------------------------------------------------------------- building pages
def anywidget(fixture: str, **traits) -> dict:
    """A saved anywidget model whose front end is one of the fixture modules."""
    state = {"_esm": (FIXTURES / fixture).read_text(encoding="utf-8"), "_css": "", **traits}
    return {"model_name": "AnyModel", "model_module": "anywidget", "model_module_version": "~0.9.*", "state": state}


def saved(widget) -> tuple[dict, str]:
    """A real widget's saved models (the widget and its layout), with every trait, and its model id."""
    # Only this widget's models: by default embed_data saves every live widget, which would put
    # an unbroken copy of another test's widget over a deliberately broken one.
    own = dependency_state(widget, drop_defaults=False)
    return embed_data(views=[widget], state=own, drop_defaults=False)["manager_state"]["state"], widget.model_id


def view(model_id) -> str:
    return json.dumps({"version_major": 2, "version_minor": 0, "model_id": model_id})


def page_html(views: list[str], state: dict | None = None, state_text: str | None = None) -> str:
    """A page as myst-nb builds it; state_text (raw, possibly corrupt) replaces the JSON of `state`."""
    if state is not None:
        state_text = json.dumps({"version_major": 2, "version_minor": 0, "state": state})
    head = ""
    if state_text is not None:
        # The same guard as myst-nb's sanitize_script_content, widened to every "</".
        escaped = state_text.replace("</", "<\\/")
        head = f'<script type="{STATE_TYPE}">{escaped}</script>'
    outputs = "".join(f'<div class="cell_output"><script type="{VIEW_TYPE}">{v}</script></div>' for v in views)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Widget runtime test</title>'
        f'{head}<script type="module" async src="widget-runtime.js"></script></head>'
        f"<body><main><h1>Widget runtime test</h1>{outputs}</main></body></html>"
    )


@pytest.fixture
def site(tmp_path):
    """A folder served over HTTP holding a copy of the runtime; yields a function that opens a page."""
    shutil.copy(RUNTIME, tmp_path / RUNTIME.name)
    with serve(tmp_path) as url:
        opened = []

        def open_page(context, html: str, name: str = "page.html"):
            (tmp_path / name).write_text(html, encoding="utf-8")
            page = context.new_page()
            watch = PageWatch(page, url)
            page.goto(f"{url}/{name}")
            opened.append(page)
            return page, watch

        yield open_page
        for page in opened:
            page.close()


def widgets_on(page) -> list[dict]:
    """Each widget container: its status, its text and its notices (role=status)."""
    return page.evaluate("""() => [...document.querySelectorAll('.course-widget')].map((c) => ({
        status: c.dataset.widgetStatus, text: c.innerText.trim(), nodes: c.childNodes.length,
        notices: [...c.querySelectorAll('[role=status]')].map((n) => n.textContent)}))""")


def root_data(page) -> dict:
    return page.evaluate("({ ...document.documentElement.dataset })")


def runtime_errors(watch) -> list[str]:
    """The console errors the runtime logged for broken widgets; fails on any other page error."""
    own = [e for e in watch.errors if e.startswith(RUNTIME_LOG)]
    others = [e for e in watch.errors if e not in own]
    assert not others, f"page errors besides the deliberate failures: {others}"
    assert not watch.foreign, f"requests outside the site: {watch.foreign}"
    return own


def assert_notice(page, index: int, reason: str) -> str:
    """Widget `index` failed and shows a visible notice that contains `reason`; returns its text."""
    container = page.locator(".course-widget").nth(index)
    assert container.get_attribute("data-widget-status") == "failed"
    notice = container.get_by_role("status")
    assert notice.count() == 1 and notice.is_visible(), "no visible notice"
    assert notice.bounding_box()["height"] > 0
    text = notice.text_content()
    assert text.startswith(NOTICE), text
    assert reason in text, f"{reason!r} not in {text!r}"
    assert len(text) <= len(NOTICE) + 320, "the reason is meant to be short"
    # The notice replaces whatever the widget had drawn before it failed.
    assert container.evaluate("c => c.childElementCount") == 1
    return text


# ---------------------------------------------------------------- the failures
def module_case(fixture: str):
    return lambda: ({"broken": anywidget(fixture)}, view("broken"))


def trial_outcomes_with(**traits):
    """The real trial-outcomes widget with some traits overwritten in its saved state."""
    from widgets.trial_outcomes import TrialOutcomes

    def make():
        state, model_id = saved(TrialOutcomes())
        state[model_id]["state"].update(traits)
        return state, view(model_id)

    return make


def edited_entry(edit):
    """The ok widget's saved model after `edit(entry)` changes it (or returns a replacement)."""

    def make():
        entry = anywidget("ok.js", label="Broken", count=0)
        return {"broken": edit(entry) or entry}, view("broken")

    return make


def without_esm(entry):
    del entry["state"]["_esm"]


def without_name(entry):
    del entry["model_name"]


CASES = {
    # case: (saved models and the view of the broken widget, what its notice must say)
    "module with a syntax error": (module_case("syntax_error.js"), "SyntaxError"),
    "module that throws while importing": (
        module_case("throws_on_import.js"),
        "Error: deliberate failure while importing",
    ),
    "render that throws": (module_case("render_throws.js"), "Error: deliberate failure while drawing"),
    "unresolvable bare import": (module_case("bare_import.js"), 'Failed to resolve module specifier "no-such-package"'),
    "unresolvable relative import": (
        module_case("relative_import.js"),
        'Failed to resolve module specifier "./dom.js"',
    ),
    "module without a default export": (module_case("no_default_export.js"), "no render function"),
    "default export without render": (module_case("default_without_render.js"), "no render function"),
    "render that draws nothing": (module_case("draws_nothing.js"), "drew nothing"),
    "module that never finishes loading": (
        module_case("hangs_loading.js"),
        f"loading its code took longer than {LIMIT_S} s",
    ),
    "render that never finishes": (module_case("hangs_drawing.js"), f"drawing it took longer than {LIMIT_S} s"),
    "payload of the wrong type (text for a list)": (trial_outcomes_with(data="not a list of trials"), "TypeError"),
    "payload of the wrong type (number for a list)": (trial_outcomes_with(data=42), "TypeError"),
    "payload of the wrong type (object for a list)": (trial_outcomes_with(data={"id": "x"}), "TypeError"),
    "module source that is not text": (edited_entry(lambda e: e["state"].update(_esm=42)), "_esm"),
    "module source missing": (edited_entry(without_esm), "_esm"),
    "style sheet that is not text": (edited_entry(lambda e: e["state"].update(_css=["p {}"])), "_css"),
    "model state that is not an object": (edited_entry(lambda e: e.update(state="text")), "wrong shape"),
    "model that is not an object": (edited_entry(lambda e: ["AnyModel"]), "wrong shape"),
    "model without a name": (edited_entry(without_name), "wrong shape"),
    "view naming a model that is not saved": (lambda: ({}, view("not-saved")), "no saved state"),
    "view that is not JSON": (lambda: ({}, '{"model_id": "broken"'), "names no model id"),
    "view without a model id": (lambda: ({}, json.dumps({"version_major": 2})), "no model id"),
}
HANGS = {"module that never finishes loading", "render that never finishes"}


@pytest.fixture(scope="module")
def good_trial():
    """A real course widget, saved with every trait: it must mount beside every broken one."""
    from widgets.trial_outcomes import TrialOutcomes

    return saved(TrialOutcomes())


@pytest.mark.parametrize("case", CASES)
def test_broken_widget_shows_why_and_the_others_mount(site, context, good_trial, case):
    make, reason = CASES[case]
    broken_models, broken_view = make()
    trial_models, trial_id = good_trial
    models = {**trial_models, "counter": anywidget("ok.js", label="Counter", count=0), **broken_models}
    # The broken widget sits between two good ones: the one after it must mount too.
    page, watch = site(context, page_html([view(trial_id), broken_view, view("counter")], models))

    # The good widgets mount right away, while a hanging one is still loading.
    page.wait_for_function(
        "document.querySelectorAll('[data-widget-status=mounted]').length === 2", timeout=(LIMIT_S - 2) * 1000
    )
    assert page.locator(".course-widget").nth(1).get_attribute("data-widget-status") in ("loading", "failed")

    assert wait_for_widgets(page, timeout=(LIMIT_S + 5) * 1000) == 2
    first, broken, last = widgets_on(page)
    assert first["status"] == last["status"] == "mounted"
    text = assert_notice(page, 1, reason)
    assert KERNEL not in page.locator("body").inner_text()
    data = root_data(page)
    assert data["widgetsFailed"] == "1"
    if case in HANGS:  # the notice came when the limit ran out, not before and not much later
        assert LIMIT_S * 1000 <= int(data["widgetsMountMs"]) < (LIMIT_S + 3) * 1000

    # The good widgets work: the counter counts, the trial widget's controls take keyboard input.
    page.get_by_role("button", name="Counter: 0 clicks").click()
    assert page.get_by_role("button", name="Counter: 1 clicks").count() == 1
    assert page.locator(".to-widget").is_visible()
    assert exercise_widgets(page) > 0

    errors = runtime_errors(watch)
    assert len(errors) == 1 and text[len(NOTICE) :].rstrip(".") in errors[0], errors
    assert not watch.failed, f"failed requests: {watch.failed}"


def test_import_of_a_missing_file_names_it(site, context, good_trial):
    """An import that gets a 404 from the site: the only failed request is that one."""
    trial_models, trial_id = good_trial
    models = {**trial_models, "broken": anywidget("missing_file_import.js")}
    page, watch = site(context, page_html([view("broken"), view(trial_id)], models))
    assert wait_for_widgets(page) == 1
    assert_notice(page, 0, "loading its code failed")
    assert widgets_on(page)[1]["status"] == "mounted"
    # PageWatch records that one request twice: its 404 response and the aborted module load.
    assert [f.split(" ")[0].rsplit("/", 1)[1] for f in watch.failed] == ["no-such-module.js"] * 2, watch.failed
    # Chromium logs the 404 itself; besides that, only the runtime's own report.
    chromium_404 = "Failed to load resource: the server responded with a status of 404"
    watch.errors[:] = [e for e in watch.errors if not e.startswith(chromium_404)]
    assert len(runtime_errors(watch)) == 1


def test_notice_shows_an_error_message_as_text_never_as_markup(site, context):
    page, watch = site(
        context,
        page_html(
            [view("broken"), view("counter")],
            {"broken": anywidget("markup_in_error.js"), "counter": anywidget("ok.js", label="Counter", count=0)},
        ),
    )
    assert wait_for_widgets(page) == 1
    text = assert_notice(page, 0, '<img src="x" onerror="window.__pwned = 1"><b class="injected">bold</b>')
    assert page.locator(".course-widget img, .injected").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert text.endswith(".")
    assert len(runtime_errors(watch)) == 1 and not watch.failed


# ---------------------------------------------------------------- the page's own state
PAGE_STATES = {
    # case: (text of the widget-state script, or None for no script; what every notice must say)
    "state cut off halfway": ("half", "the page's widget state is not valid JSON"),
    "state that is not JSON": ("{'state': {}}", "the page's widget state is not valid JSON"),
    "state that is an empty script": ("", "the page's widget state is not valid JSON"),
    "state that is a list": ('{"state": []}', "the page's widget state has the wrong shape"),
    "state that is null": ("null", "the page's widget state has the wrong shape"),
    "state without its models": (
        '{"version_major": 2, "version_minor": 0}',
        "the page's widget state has the wrong shape",
    ),
    "no state script at all": (None, "the page has no saved widget state"),
}


@pytest.mark.parametrize("case", PAGE_STATES)
def test_corrupt_or_missing_state_is_reported_and_never_blamed_on_a_kernel(site, context, good_trial, case):
    state_text, reason = PAGE_STATES[case]
    trial_models, trial_id = good_trial
    if state_text == "half":
        whole = json.dumps({"version_major": 2, "version_minor": 0, "state": trial_models})
        state_text = whole[: len(whole) // 2]
    page, watch = site(context, page_html([view(trial_id), view(trial_id)], state_text=state_text))
    assert wait_for_widgets(page) == 0
    assert [w["status"] for w in widgets_on(page)] == ["failed", "failed"]
    for i in range(2):
        assert_notice(page, i, reason)
    assert KERNEL not in page.locator("body").inner_text()
    assert root_data(page)["widgetsFailed"] == "2"
    assert len(runtime_errors(watch)) == 2 and not watch.failed


def test_kernel_notice_stays_for_outputs_that_really_need_a_kernel(site, context, good_trial):
    """An ipywidgets slider needs Python: it gets the kernel notice; the anywidgets beside it mount."""
    slider_models, slider_id = saved(IntSlider(value=3, description="Dose"))
    trial_models, trial_id = good_trial
    models = {**slider_models, **trial_models, "counter": anywidget("ok.js", label="Counter", count=0)}
    page, watch = site(context, page_html([view(slider_id), view(trial_id), view("counter")], models))
    assert wait_for_widgets(page) == 2
    slider, trial, counter = widgets_on(page)
    assert slider["status"] == "fallback" and KERNEL in slider["text"]
    assert trial["status"] == counter["status"] == "mounted"
    assert NOTICE.strip() not in page.locator("body").inner_text()
    assert root_data(page)["widgetsFailed"] == "0"
    watch.assert_clean()  # a kernel-only output is expected, not an error


def test_many_failures_on_one_page_are_each_explained_and_accessible(site, context, good_trial):
    """Every quick failure on one page: each notice names its own reason; axe finds nothing serious."""
    trial_models, trial_id = good_trial
    broken = [name for name, (_, reason) in CASES.items() if name not in HANGS]
    models, views = {**trial_models, "counter": anywidget("ok.js", label="Counter", count=0)}, [view(trial_id)]
    for i, name in enumerate(broken):
        case_models, case_view = CASES[name][0]()
        # Give each hand-made broken model its own id, so they do not overwrite each other.
        renamed = {(f"{k}-{i}" if k == "broken" else k): v for k, v in case_models.items()}
        models.update(renamed)
        views.append(case_view.replace('"broken"', f'"broken-{i}"'))
    views.append(view("counter"))
    page, watch = site(context, page_html(views, models))
    assert wait_for_widgets(page) == 2
    statuses = [w["status"] for w in widgets_on(page)]
    assert statuses == ["mounted"] + ["failed"] * len(broken) + ["mounted"]
    for i, name in enumerate(broken, start=1):
        assert_notice(page, i, CASES[name][1])
    assert root_data(page)["widgetsFailed"] == str(len(broken))
    assert serious_axe_violations(page) == []
    assert len(runtime_errors(watch)) == len(broken) and not watch.failed


# ---------------------------------------------------------------- what works keeps working
def test_every_course_widget_mounts_and_works(site, context):
    """All the course's widgets, saved as the build saves them, mount and can be operated."""
    from quizzes.pages.payload import build_payload
    from quizzes.parsing.bank import parse_bank
    from quizzes.parsing.registry import load_registry
    from widgets.base import CourseWidget
    from widgets.blood_supply import BloodSupply
    from widgets.debiri_sequencing import DebiriSequencing
    from widgets.decision import DecisionExplorer
    from widgets.evidence import EvidenceExplorer
    from widgets.progress import Progress
    from widgets.quiz import Quiz
    from widgets.tare_activity import TareActivity
    from widgets.trial_outcomes import TrialOutcomes

    # The quiz and progress widgets get the quiz test fixture bank instead of the course banks
    # (their own constructors load those), so that this test is only about the runtime.
    registry = load_registry()
    bank, issues = parse_bank(ROOT / "tests" / "fixtures" / "quiz" / "quiz-fixture.yaml", registry)
    assert bank is not None, issues.errors
    quiz, progress = Quiz.__new__(Quiz), Progress.__new__(Progress)
    CourseWidget.__init__(quiz, quiz_id=bank.id, exam=False, payload=build_payload(bank, registry, exam=False))
    CourseWidget.__init__(
        progress,
        quizzes=[
            {
                "id": bank.id,
                "title": bank.title,
                "hash": bank.hash,
                "questions": len(bank.questions()),
                "href": f"{bank.id}.html",
            }
        ],
    )
    made = [
        TrialOutcomes(),
        BloodSupply(),
        DebiriSequencing(),
        DecisionExplorer(),
        EvidenceExplorer(),
        TareActivity(),
        quiz,
        progress,
    ]
    models, views = {}, []
    for widget in made:
        widget_models, model_id = saved(widget)
        models.update(widget_models)
        views.append(view(model_id))
    page, watch = site(context, page_html(views, models))
    assert wait_for_widgets(page) == len(made)
    assert all(w["status"] == "mounted" and w["nodes"] for w in widgets_on(page))
    assert root_data(page)["widgetsFailed"] == "0"
    assert page.get_by_text(bank.title).count() >= 1, "the quiz and progress widgets show the fixture quiz"
    assert exercise_widgets(page) > 0
    watch.assert_clean()


def test_runtime_stays_small():
    """The runtime is sent with every widget page. It was 4.8 KB before it explained failures and
    is about 6.6 KB with them (2.7 KB gzipped); this keeps it from growing unnoticed."""
    assert RUNTIME.stat().st_size < 7 * 1024
