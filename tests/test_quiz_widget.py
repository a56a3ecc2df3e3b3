"""The quiz widget: same scores as the engine, kept answers, downloads, safety, exam mode, the page."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import (
    ADAPTERS,
    EXAM_SITE,
    ROOT,
    SITE,
    PageWatch,
    run_module_function,
    serious_axe_violations,
    serve,
    wait_for_widgets,
)

import quizzes
from quizzes.grading import grade
from quizzes.pages.payload import build_payload
from quizzes.parsing.bank import parse_bank
from quizzes.parsing.registry import load_registry
from quizzes.rules import scoring
from widgets.quiz import Quiz

QUIZ_ID = "quiz-settings"
PAGE = f"book/chapters/{QUIZ_ID}.html"
JS = ROOT / "widgets" / "quiz.js"
DATA_JS = ROOT / "widgets" / "quiz-data.js"  # the pure functions quiz.js imports
FIXTURES = ROOT / "tests" / "fixtures" / "quiz"


def fixture_bank(name):
    quiz, issues = parse_bank(FIXTURES / f"{name}.yaml", load_registry())
    assert quiz is not None, issues.errors
    return quiz


# Titles that `check` refuses (plain text with "<"): put back after parsing, as if a bank had
# bypassed the checker, to prove the widget still shows them as text.
HOSTILE_TITLES = {
    "quiz": "<script>window.__pwned = 'title'</script>Hostile <img src=x onerror=\"window.__pwned='title-img'\">",
    "case": "<img src=x onerror=\"window.__pwned='case-title'\"> case title",
}


def fixture_payload(name, exam=False):
    quiz = fixture_bank(name)
    if name == "quiz-hostile":
        first = dataclasses.replace(quiz.cases[0], title=HOSTILE_TITLES["case"])
        quiz = dataclasses.replace(quiz, title=HOSTILE_TITLES["quiz"], cases=(first, *quiz.cases[1:]))
    return build_payload(quiz, load_registry(), exam=exam)


def questions(payload):
    return [q for c in payload["cases"] for q in c["questions"]]


def pct(score):
    """What the widget shows for a score (quiz.js percent())."""
    return f"{round(score, 4) * 100:.2f}".rstrip("0").rstrip(".") + "%"


# ---------------------------------------------------------------- Python side
def test_widget_carries_the_engine_payload_and_scores_with_the_engine(monkeypatch):
    monkeypatch.delenv("COURSE_EXAM", raising=False)
    w = Quiz(QUIZ_ID)
    assert repr(w) == "Quiz(quiz_id='quiz-settings', exam=False)"
    assert w.payload == quizzes.payload(QUIZ_ID)
    first = questions(w.payload)[0]
    w.answers = {first["id"]: [first["options"][0]["id"]], questions(w.payload)[1]["id"]: []}
    w.checked = [first["id"]]
    assert w.result() == quizzes.score_answers(QUIZ_ID, {first["id"]: [first["options"][0]["id"]]})
    monkeypatch.setenv("COURSE_EXAM", "1")
    exam = Quiz(QUIZ_ID)
    assert exam.exam and exam.payload == quizzes.payload(QUIZ_ID, exam=True)
    text = json.dumps(exam.payload)
    for key in ('"credit"', '"feedback_html"', '"follows"', '"contradicts"', '"recommendations"'):
        assert key not in text


def test_javascript_stays_small():
    size = JS.stat().st_size
    assert size < 25_600, f"quiz.js is {size} bytes"
    # innerHTML only ever receives the payload's sanitized *_html fields (one helper, in the
    # feedback module the quiz shares with the review page).
    assert "innerHTML" not in JS.read_text()
    assert (ROOT / "widgets" / "quiz-view.js").read_text().count(
        "innerHTML"
    ) == 2  # the assignment and the comment naming it
    for helper in (
        "quiz-data.js",
        "storage.js",
        "order.js",
        "review-store.js",
        "fsrs.js",
    ):  # the other modules it imports: none
        assert "innerHTML" not in (ROOT / "widgets" / helper).read_text()


# ---------------------------------------------------------------- same score as Python
def answer_vectors(payload, rng, count):
    qs = questions(payload)
    vectors = [
        {},
        {q["id"]: [o["id"] for o in q["options"]] for q in qs},
        {q["id"]: [] for q in qs},
        {q["id"]: [q["options"][-1]["id"], "no-such-option"] for q in qs},
        {"no-such-question": ["x"], qs[0]["id"]: [qs[0]["options"][0]["id"]] * 2},
    ]
    for q in qs:  # every single option alone, everywhere
        for o in q["options"]:
            vectors.append({q["id"]: [o["id"]]})
    for _ in range(count):
        v = {}
        for q in qs:
            if rng.random() < 0.2:
                continue
            ids = [o["id"] for o in q["options"]]
            if q["type"] == "single" and rng.random() < 0.85:
                v[q["id"]] = [rng.choice(ids)]
            else:
                v[q["id"]] = rng.sample(ids, rng.randint(0, len(ids)))
        vectors.append(v)
    return vectors


def is_valid(quiz, answers):
    for qid, ids in answers.items():
        q = quiz.question(qid)
        if q is None or not {o.id for o in q.options} >= set(ids) or (q.type == "single" and len(set(ids)) > 1):
            return False
    return True


@pytest.mark.browser
def test_javascript_scores_bit_for_bit_as_the_engine(browser):
    rng = random.Random(20261126)
    cases = []
    for payload, quiz, banked in (
        (quizzes.payload(QUIZ_ID), quizzes.load_bank(QUIZ_ID), True),
        (fixture_payload("quiz-fixture"), fixture_bank("quiz-fixture"), False),
    ):
        for answers in answer_vectors(payload, rng, 250):
            cases.append((payload, quiz, banked, answers))
    js = run_module_function(browser, ADAPTERS, "scoreInput", [{"payload": p, "answers": a} for p, _, _, a in cases])
    engine_calls = 0
    for (_, quiz, banked, answers), got in zip(cases, js):
        want = scoring.score_quiz(quiz, answers)
        if banked and is_valid(quiz, answers):
            want = quizzes.score_answers(QUIZ_ID, answers)
            engine_calls += 1
        elif banked:
            with pytest.raises(ValueError):
                quizzes.score_answers(QUIZ_ID, answers)
        assert got["score"] == want["score"], (answers, got["score"], want["score"])
        assert got["questions"] == want["questions"], answers
    assert engine_calls > 150  # most vectors go through the public API


@pytest.mark.browser
def test_rounding_and_percentages_match_python(browser):
    values = (
        [i / 32 for i in range(33)]
        + [i / 7 for i in range(8)]
        + [0.3333333, 0.9999999, 0.0238095238, 0.12345, 0.00005, 0.99995]
    )
    values += [random.Random(i).random() for i in range(300)]
    got = run_module_function(browser, DATA_JS, "round4", values)
    assert got == [round(v, 4) for v in values]
    assert run_module_function(browser, DATA_JS, "percent", values) == [pct(v) for v in values]


# ---------------------------------------------------------------- the widget in a blank page
HARNESS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>quiz harness</title>
<link rel="stylesheet" href="theme.css"><link rel="stylesheet" href="quiz.css"></head><body><main><h1>Harness</h1><h2>Quiz</h2><div id="host"></div></main></body></html>"""

MOUNT = """async (payload) => {
  class Model {  // the shape of widgets/static/widget-runtime.js LocalModel
    constructor(s) { this.s = { ...s }; this.l = new Map(); }
    get(n) { return this.s[n]; }
    set(n, v) { this.s[n] = v; }
    on() {} off() {} save_changes() { window.__saves = (window.__saves || 0) + 1; } send() {}
  }
  window.__dialogs = window.__dialogs || 0;
  const mod = await import("./quiz.js");
  window.__model = new Model({ payload, answers: {}, checked: [], learner: "" });
  mod.default.render({ model: window.__model, el: document.getElementById("host") });
}"""


@pytest.fixture(scope="module")
def harness_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quiz-harness")
    (folder / "index.html").write_text(HARNESS, encoding="utf-8")
    for name in (
        "quiz.js",
        "quiz-data.js",
        "quiz-view.js",
        "storage.js",
        "quiz.css",
        "theme.css",
        "dom.js",
        "order.js",
        "review-store.js",
        "fsrs.js",
    ):
        (folder / name).write_bytes((ROOT / "widgets" / name).read_bytes())
    with serve(folder) as url:
        yield url


@pytest.fixture
def harness(context, harness_url):
    page = context.new_page()
    page.watch = PageWatch(page, harness_url)
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))

    def mount(payload, storage=None):
        page.goto(f"{harness_url}/")
        if storage is not None:
            page.evaluate(
                "(items) => { localStorage.clear(); for (const [k, v] of items) localStorage.setItem(k, v); }",
                list(storage.items()),
            )
            page.reload()
        page.evaluate(MOUNT, payload)
        return page.locator(".qz-widget")

    page.mount = mount
    yield page
    page.close()


def shown_ids(box):
    """Option ids in the order the reader sees them (the widget shuffles per learner)."""
    return [row.get_attribute("data-option") for row in box.locator(".qz-option").all()]


def answer(page, index, option_indexes, payload=None):
    """Tick options of question `index` and check it. With a payload the indexes are bank
    positions (ticked by id wherever the shuffle put them); without, display positions.
    Returns the ids ticked."""
    box = page.locator(".qz-question").nth(index)
    if payload is not None:
        q = questions(payload)[index]
        ids = [q["options"][i]["id"] for i in option_indexes]
    else:
        shown = shown_ids(box)
        ids = [shown[i] for i in option_indexes]
    for oid in ids:
        box.locator(f'.qz-option[data-option="{oid}"] input').check()
    box.locator(".qz-check").click()
    return ids


def storage_items(page):
    return page.evaluate("Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)]))")


def dom_is_inert(page):
    """No event-handler attribute, no javascript: URL, no script/iframe/object inside the widget."""
    return page.evaluate("""() => {
        const bad = [];
        for (const n of document.querySelectorAll('.qz-widget *')) {
            for (const a of n.attributes) {
                if (/^on/i.test(a.name)) bad.push(`${n.tagName} ${a.name}`);
                if (/^\\s*(javascript|data|vbscript):/i.test(a.value)) bad.push(`${n.tagName} ${a.name}=${a.value}`);
            }
            if (/^(SCRIPT|IFRAME|OBJECT|EMBED|IMG|SVG|STYLE|FORM|MATH|DETAILS)$/i.test(n.tagName)) bad.push(n.tagName);
        }
        return bad;
    }""")


@pytest.mark.browser
def test_hostile_bank_renders_as_inert_text(harness):
    payload = fixture_payload("quiz-hostile")
    widget = harness.mount(payload)
    answer(harness, 0, [1], payload)
    answer(harness, 1, [0, 1], payload)
    harness.locator(".qz-start").click()
    assert harness.locator(".qz-confirm").is_visible()
    assert "<script>" in widget.locator(".qz-vignette").inner_text()  # shown as text, not run
    assert widget.locator(".qz-case h3").inner_text().startswith("<img")
    assert harness.evaluate("window.__pwned") is None
    assert harness.dialogs == []
    assert dom_is_inert(harness) == []
    harness.watch.assert_clean()


@pytest.mark.browser
def test_hostile_local_storage_is_never_markup(harness):
    payload = fixture_payload("quiz-fixture")
    key = f"crlm-quiz:quiz-fixture:{payload['hash']}"
    evil = "<img src=x onerror=\"window.__pwned='storage'\">"
    saved = {
        "v": 1,
        "answers": {
            evil: ["fx-q1-a"],
            "fx-q1": [evil, "fx-q1-c", "fx-q1-a"],
            "__proto__": ["fx-q1-b"],
            "fx-q3": "fx-q3-a",
            "fx-q2": [{"x": evil}, "fx-q2-b"],
        },
        "checked": [evil, "fx-q1", "fx-q3", "constructor"],
        "learner": evil,
    }
    index = json.dumps({"v": 1, "quizzes": {evil: {"title": evil}}})
    widget = harness.mount(
        payload, {key: json.dumps(saved), "crlm-quiz-progress": index, f"crlm-quiz:quiz-fixture:{evil}": evil}
    )
    # fx-q1 keeps one known option (bank order), checked; fx-q3 was not a list: dropped
    q1 = widget.locator(".qz-question").nth(0)
    assert [q1.locator(f'.qz-option[data-option="fx-q1-{x}"] input').is_checked() for x in "abc"] == [
        True,
        False,
        False,
    ]
    assert q1.locator(".qz-verdict").inner_text().startswith("Question 1: ✓ Correct")
    assert widget.locator(".qz-question").nth(1).locator('.qz-option[data-option="fx-q2-b"] input').is_checked()
    assert not widget.locator(".qz-question").nth(1).locator(".qz-verdict").count()
    assert widget.get_by_label("Your name or ID").input_value() == evil
    assert "kept aside" in widget.locator(".qz-notice").first.inner_text()  # the evil-hash key is another version
    assert harness.evaluate("window.__pwned") is None and harness.dialogs == []
    assert dom_is_inert(harness) == []
    assert evil not in widget.inner_html()  # only ever a value or text, escaped
    harness.watch.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize("breakage", ["corrupt", "throwing", "full"])
def test_broken_storage_never_breaks_the_page(context, harness_url, breakage):
    page = context.new_page()
    watch = PageWatch(page, harness_url)
    if breakage == "throwing":
        page.add_init_script("""for (const m of ['getItem', 'setItem', 'removeItem', 'key'])
            Storage.prototype[m] = () => { throw new DOMException('denied', 'SecurityError'); };""")
    elif breakage == "full":
        page.add_init_script("""Storage.prototype.setItem = function () {
            throw new DOMException('full', 'QuotaExceededError'); };""")
    page.goto(f"{harness_url}/")
    payload = fixture_payload("quiz-fixture")
    if breakage == "corrupt":
        page.evaluate(
            """(h) => { localStorage.setItem(`crlm-quiz:quiz-fixture:${h}`, '{"answers": {"fx-q1": [');
                                  localStorage.setItem('crlm-quiz-progress', 'null'); }""",
            payload["hash"],
        )
    page.evaluate(MOUNT, payload)
    answer(page, 0, [0], payload)
    assert page.locator(".qz-verdict").first.inner_text().startswith("Question 1: ✓ Correct")
    notice = page.locator(".qz-notice", has_text="not keeping your answers")
    assert notice.is_visible() == (breakage != "corrupt")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download my answers").click()
    data = json.loads(Path(dl.value.path()).read_text())
    assert data["answers"] == {"fx-q1": ["fx-q1-a"]}
    watch.assert_clean()
    page.close()


@pytest.mark.browser
def test_changed_quiz_keeps_old_answers_aside_and_start_again_clears(harness):
    payload = fixture_payload("quiz-fixture")
    old = "crlm-quiz:quiz-fixture:0123456789abcdef"
    old_value = json.dumps({"v": 1, "answers": {"fx-q1": ["fx-q1-b"]}, "checked": ["fx-q1"]})
    widget = harness.mount(payload, {old: old_value})
    assert widget.locator(
        ".qz-notice", has_text="this quiz changed since you answered; your earlier answers were kept aside".capitalize()
    ).is_visible()
    assert not widget.locator("input:checked").count()
    assert widget.locator(".qz-question").nth(1).is_hidden()  # unfolds after question 1
    answer(harness, 0, [2], payload)
    assert widget.locator(".qz-question").nth(1).is_visible()
    items = storage_items(harness)
    key = f"crlm-quiz:quiz-fixture:{payload['hash']}"
    assert items[old] == old_value
    assert json.loads(items[key])["checked"] == ["fx-q1"]
    index = json.loads(items["crlm-quiz-progress"])["quizzes"][key]
    assert index["quiz"] == "quiz-fixture" and index["checked"] == 1 and index["total"] == 4
    assert index["score"] == round(scoring.score_quiz(fixture_bank("quiz-fixture"), {"fx-q1": ["fx-q1-c"]})["score"], 4)
    # Start again: keyboard only, with a confirmation step
    harness.locator(".qz-start").focus()
    harness.keyboard.press("Enter")
    assert harness.evaluate("document.activeElement.textContent") == "Cancel"
    harness.keyboard.press("Enter")
    assert harness.evaluate("document.activeElement.textContent") == "Start again"
    assert key in storage_items(harness)
    harness.keyboard.press("Enter")
    harness.keyboard.press("Shift+Tab")
    assert harness.evaluate("document.activeElement.textContent") == "Yes, clear my answers"
    harness.keyboard.press("Enter")
    items = storage_items(harness)
    assert key not in items and old in items
    assert key not in json.loads(items["crlm-quiz-progress"])["quizzes"]
    assert not widget.locator("input:checked").count() and widget.locator(".qz-question").nth(1).is_hidden()
    assert "cleared" in widget.locator("[aria-live=polite]").inner_text()
    harness.watch.assert_clean()


@pytest.mark.browser
def test_exam_mode_shows_no_feedback_or_score_and_downloads_for_grading(harness, tmp_path):
    payload = fixture_payload("quiz-fixture", exam=True)
    widget = harness.mount(payload)
    assert "collected for grading" in widget.locator(".qz-intro").inner_text()
    answer(harness, 0, [2], payload)
    answer(harness, 1, [0, 2], payload)
    text = widget.inner_text()
    assert "answer recorded" in widget.locator(".qz-verdict").first.inner_text()
    for word in ("Correct", "Incorrect", "Score", "%", "Summary", "Follows", "Contradicts"):
        assert word not in text, word
    assert widget.locator(".qz-summary").count() == 0
    with harness.expect_download() as dl:
        widget.get_by_role("button", name="Download my answers").click()
    data = json.loads(Path(dl.value.path()).read_text())
    assert data["score_shown"] is None and data["answers"] == {"fx-q1": ["fx-q1-c"], "fx-q2": ["fx-q2-a", "fx-q2-c"]}
    # marked as an exam file, and named so that it is not mistaken for a practice download
    assert data["version"] == 3 and data["mode"] == "exam"
    assert dl.value.suggested_filename == "quiz-fixture-exam-anonymous-answers.json"
    assert json.loads(storage_items(harness)[f"crlm-quiz-exam:quiz-fixture:{payload['hash']}"])["exam"] is True
    harness.watch.assert_clean()


# ---------------------------------------------------------------- the built chapter
def tab_to(page, js_predicate, limit=200):  # feedback now carries citation links
    """Press Tab until the focused element satisfies js_predicate (keyboard only)."""
    for _ in range(limit):
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({js_predicate}); }})()"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {js_predicate}")


def plan(payload):
    """A deterministic, mixed set of choices: option indexes per question."""
    out = []
    for n, q in enumerate(questions(payload)):
        k = len(q["options"])
        out.append([n % k] if q["type"] == "single" else sorted({0, (n + 1) % k}))
    return out


@pytest.mark.browser
def test_whole_quiz_by_keyboard_scores_like_the_engine_and_is_kept(page, site_url, tmp_path):
    payload = quizzes.payload(QUIZ_ID)
    page.goto(f"{site_url}/{PAGE}")
    assert wait_for_widgets(page) == 1
    widget = page.locator(".qz-widget")
    assert serious_axe_violations(page) == []
    live = widget.locator("[aria-live=polite]")
    chosen, order = {}, {}
    page.locator(".qz-case h3").first.focus()  # where a reader arrives: the first case
    for n, (q, picks) in enumerate(zip(questions(payload), plan(payload))):
        box = widget.locator(".qz-question").nth(n)
        assert box.is_visible(), f"question {n + 1} should be revealed"
        first = f"el.id === {box.locator('input').first.get_attribute('id')!r}"
        tab_to(page, first)
        if q["type"] == "single":
            for _ in range(picks[0]):
                page.keyboard.press("ArrowDown")
            if picks[0] == 0:
                page.keyboard.press("Space")
        else:
            for i in range(len(q["options"])):
                if i in picks:
                    page.keyboard.press("Space")
                page.keyboard.press("Tab")
        order[q["id"]] = shown_ids(box)
        chosen[q["id"]] = [order[q["id"]][i] for i in picks]  # picks are display positions
        tab_to(page, "el.classList.contains('qz-check')")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.classList.contains('qz-verdict')")
        s = quizzes.score_answers(QUIZ_ID, {q["id"]: chosen[q["id"]]})["questions"][q["id"]]
        verdict = "Correct" if s >= 1 - 1e-6 else "Partly correct" if s > 0 else "Incorrect"
        assert live.inner_text().startswith(f"Question {n + 1}: {verdict}, {pct(s)}.")
        assert box.locator(".qz-verdict").inner_text().startswith(f"Question {n + 1}: ")
    want = quizzes.score_answers(QUIZ_ID, chosen)
    score = widget.locator(".qz-score")
    assert float(score.get_attribute("data-score")) == want["score"]
    assert f"Score so far: {pct(want['score'])} of the whole quiz" in score.inner_text()
    summary = widget.locator(".qz-summary")
    assert summary.locator("h3").inner_text() == "Summary"
    assert f"Your score: {pct(want['score'])}" in summary.inner_text()
    assert summary.locator(".qz-sum-recs li").count() == len(payload["recommendations"])
    assert "All questions are answered" in live.inner_text()
    assert serious_axe_violations(page) == []
    # The page keeps everything across a reload.
    page.reload()
    wait_for_widgets(page)
    for n, q in enumerate(questions(payload)):
        box = widget.locator(".qz-question").nth(n)
        assert shown_ids(box) == order[q["id"]]  # the same order after a reload
        states = [box.locator("input").nth(i).is_checked() for i in range(len(q["options"]))]
        assert states == [oid in chosen[q["id"]] for oid in order[q["id"]]]
        assert box.locator(".qz-verdict").is_visible()
    assert float(score.get_attribute("data-score")) == want["score"]
    # Download for the educator, by keyboard, and grade it with the engine.
    tab_to(page, "el.tagName === 'INPUT' && el.type === 'text'")
    page.keyboard.type("Trainee 42")
    tab_to(page, "el.classList.contains('qz-download')")
    with page.expect_download() as dl:
        page.keyboard.press("Enter")
    assert dl.value.suggested_filename == f"{QUIZ_ID}-trainee-42-answers.json"  # unique per learner
    saved = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["learner"] == "Trainee 42" and data["hash"] == payload["hash"]
    assert data["mode"] == "practice"
    assert data["score_shown"] == want["score_display"]
    [row] = grade.grade_files([saved], grade.load_quizzes())
    assert (row.status, row.mismatch, row.score) == ("graded", False, want["score"])
    cli = subprocess.run(
        [sys.executable, "-m", "quizzes", "grade", str(saved)], cwd=ROOT, capture_output=True, text=True
    )
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert f"{want['score_display']:.4f}" in cli.stdout
    page.watch.assert_clean()


@pytest.mark.browser
def test_readable_at_375px_in_dark_mode_and_prints_cleanly(browser, site_url):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(f"{site_url}/{PAGE}")
        wait_for_widgets(page)
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        for n, picks in enumerate(plan(quizzes.payload(QUIZ_ID))[:3]):
            answer(page, n, picks)
        overflow = page.evaluate(
            "(() => { const w = document.querySelector('.qz-widget');"
            " return [w.scrollWidth - w.clientWidth, w.getBoundingClientRect().right]; })()"
        )
        assert overflow[0] <= 1 and overflow[1] <= 375
        assert serious_axe_violations(page) == []
        page.evaluate("document.documentElement.dataset.theme = 'light'")
        assert serious_axe_violations(page) == []
        widget = page.locator(".qz-widget")
        # The printed key is built only when the page prints: half the quiz's elements, unread on screen.
        assert widget.locator(".qz-print-key").count() == 0
        page.emulate_media(media="print")
        assert widget.locator("button:visible").count() == 0
        assert widget.locator(".qz-question:visible").count() == len(questions(quizzes.payload(QUIZ_ID)))
        assert widget.locator(".qz-print-key:visible").count() == widget.locator(".qz-question").count()
        assert widget.locator(".qz-feedback:visible").count() == 0
    finally:
        page.close()


def test_exam_site_has_no_answer_key_while_the_normal_site_does():
    payload = quizzes.payload(QUIZ_ID)
    normal = (SITE / PAGE).read_text(encoding="utf-8")
    exam_file = EXAM_SITE / PAGE
    assert exam_file.exists(), f"no exam build at {EXAM_SITE}: build with COURSE_EXAM=1 (COURSE_EXAM_SITE)"
    exam = exam_file.read_text(encoding="utf-8")
    feedback = [o["feedback_html"] for q in questions(payload) for o in q["options"]]
    plain = [re.sub(r"<[^>]+>", "", f).split("\n")[0][:60] for f in feedback]
    for html, text in zip(feedback, plain):
        # as written into the page: JSON with <, > and & escaped (book/_ext/course_sphinx.py)
        safe = json.dumps(html)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        forms = (html, json.dumps(html)[1:-1], safe, text, json.dumps(text)[1:-1])
        assert any(f in normal for f in forms), text  # the search can find feedback where it is
        assert not any(f in exam for f in forms), f"exam page leaks feedback: {text}"
    for key in ('"credit"', '"feedback_html"', '"follows"', '"recommendations"'):
        assert key in normal
        assert key not in exam, f"exam page holds {key}"
    assert '"exam": true' in exam or '"exam":true' in exam


@pytest.mark.browser
@pytest.mark.parametrize("quiz_id", quizzes.list_quizzes())
def test_every_bank_renders_and_scores_in_the_widget(harness, quiz_id):
    payload = quizzes.payload(quiz_id)
    widget = harness.mount(payload)
    chosen = {}
    for n, (q, picks) in enumerate(zip(questions(payload), plan(payload))):
        chosen[q["id"]] = answer(harness, n, picks, payload)  # fails if a question is not revealed in time
    want = quizzes.score_answers(quiz_id, chosen)["score"]
    assert float(widget.locator(".qz-score").get_attribute("data-score")) == want
    assert widget.locator(".qz-verdict").count() == len(chosen)
    assert dom_is_inert(harness) == [] and harness.evaluate("window.__pwned") is None
    harness.watch.assert_clean()


# ---------------------------------------------------------------- display order
def test_javascript_display_order_equals_the_python_reference(browser):
    """quiz.js displayOrder() and quizzes/rules/order.py agree on 600 seeds, ids and pins."""
    from quizzes.rules.order import display_order

    rng = random.Random(7)
    cases = []
    for n in range(600):
        k = rng.randint(2, 6)
        options = [{"id": f"o{i}-é{n}", "pin": "last" if rng.random() < 0.15 else None} for i in range(k)]
        cases.append(
            {
                "options": options,
                "seed": f"{rng.getrandbits(64):016x}",
                "quiz": rng.choice(["quiz-haip", "quiz-ü"]),
                "question": f"q-{n}",
            }
        )
    [js] = run_module_function(browser, ADAPTERS, "displayOrders", [cases])
    py = [display_order(c["options"], c["seed"], c["quiz"], c["question"]) for c in cases]
    assert js == py
    # The shuffle really moves things: the first bank option is shown first about 1/k of the time.
    firsts = sum(
        order[0] == c["options"][0]["id"] for order, c in zip(py, cases) if not any(o["pin"] for o in c["options"])
    )
    assert firsts < 0.5 * len(cases)


@pytest.mark.browser
def test_order_is_shuffled_per_learner_kept_on_reload_and_recorded(harness, tmp_path):
    from quizzes.rules.order import display_order

    payload = fixture_payload("quiz-fixture")
    seed = "00112233aabbccdd"
    widget = harness.mount(payload, {"crlm-quiz-seed": seed})
    boxes = widget.locator(".qz-question")
    qs = questions(payload)
    want = [display_order(q["options"], seed, payload["id"], q["id"]) for q in qs]
    assert shown_ids(boxes.nth(0)) == want[0]
    ticked = answer(harness, 0, [0])  # the first option *shown*
    assert shown_ids(boxes.nth(1)) == want[1]
    assert shown_ids(boxes.nth(2))[-1] == "fx-q3-c"  # pinned last, whatever the seed
    # A reload keeps the order and the answer (the seed is stored with the answers).
    harness.reload()
    harness.evaluate(MOUNT, payload)
    assert shown_ids(widget.locator(".qz-question").nth(0)) == want[0]
    assert widget.locator(f'.qz-option[data-option="{ticked[0]}"] input').is_checked()
    saved = json.loads(storage_items(harness)[f"crlm-quiz:quiz-fixture:{payload['hash']}"])
    assert saved["seed"] == seed and saved["answers"] == {qs[0]["id"]: ticked}
    # Another learner (another seed) sees another order somewhere in the quiz.
    other = [display_order(q["options"], "ffeeddccbbaa9988", payload["id"], q["id"]) for q in qs]
    assert other != want
    # The answer file records the seed; grading is by id, whatever the order.
    with harness.expect_download() as dl:
        widget.get_by_role("button", name="Download my answers").click()
    data = json.loads(Path(dl.value.path()).read_text())
    assert data["version"] == 3 and data["order_seed"] == seed
    assert data["answers"] == {qs[0]["id"]: ticked}
    want_score = scoring.score_quiz(fixture_bank("quiz-fixture"), data["answers"])["score"]
    assert data["score_shown"] == round(want_score, 4)
    harness.watch.assert_clean()


@pytest.mark.browser
def test_two_tabs_never_lose_each_others_answers(context, harness_url):
    """Answer question 1 in tab A and question 2 in tab B, type a name in A: after reloading
    both, every answer and the name are kept, and each tab showed the other's work live."""
    payload = fixture_payload("quiz-fixture")
    tabs = []
    for _ in range(2):
        page = context.new_page()
        page.watch = PageWatch(page, harness_url)
        page.goto(f"{harness_url}/")
        page.evaluate(MOUNT, payload)
        tabs.append(page)
    a, b = tabs
    a.evaluate("localStorage.clear()")
    ticked_a = answer(a, 0, [2], payload)  # fx-q1-c, checked in A
    b.locator(".qz-question").nth(0).locator(".qz-verdict").wait_for()  # B saw it arrive
    assert b.locator(f'.qz-option[data-option="{ticked_a[0]}"] input').is_checked()
    ticked_b = answer(b, 1, [0, 2], payload)  # fx-q2 in B (revealed by q1)
    a.get_by_label("Your name or ID").fill("Trainee A")
    b.locator(".qz-question").nth(2).locator('.qz-option[data-option="fx-q3-a"] input').check()
    for page in (a, b):
        page.reload()
        page.evaluate(MOUNT, payload)
    for page in (a, b):
        saved = json.loads(storage_items(page)[f"crlm-quiz:quiz-fixture:{payload['hash']}"])
        assert saved["answers"]["fx-q1"] == ticked_a and saved["answers"]["fx-q2"] == ticked_b
        assert saved["answers"]["fx-q3"] == ["fx-q3-a"]
        assert saved["checked"] == ["fx-q1", "fx-q2"] and saved["learner"] == "Trainee A"
        assert page.get_by_label("Your name or ID").input_value() == "Trainee A"
        assert page.locator(".qz-verdict").count() == 2
        page.watch.assert_clean()
        page.close()


# ---------------------------------------------------------------- the case list
@pytest.mark.browser
@pytest.mark.parametrize("width, open_at_start", [(375, False), (1280, False)])
def test_case_list_jumps_to_every_case_and_counts_what_is_checked(harness, width, open_at_start):
    payload = fixture_payload("quiz-fixture")
    harness.set_viewport_size({"width": width, "height": 700})
    widget = harness.mount(payload)
    cases = payload["cases"]
    nav = widget.get_by_role("navigation", name=f"Cases in this quiz ({len(cases)})")
    toggle = nav.get_by_role("button")
    links = nav.get_by_role("link")
    # It comes before the first case, folded to one button until asked for.
    assert nav.evaluate("(n) => !!(n.compareDocumentPosition(document.querySelector('.qz-case')) & 4)")
    assert toggle.get_attribute("aria-expanded") == str(open_at_start).lower()
    assert links.first.is_visible() == open_at_start
    if not open_at_start:
        toggle.focus()
        harness.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true" and links.first.is_visible()
    assert links.all_inner_texts() == [c["title"] for c in cases]
    for i, link in enumerate(links.all()):
        target = link.get_attribute("href")
        heading = widget.locator(f"h3{target}")
        assert heading.inner_text() == cases[i]["title"], "each link leads to its case heading"
        link.focus()
        harness.keyboard.press("Enter")
        assert harness.evaluate("document.activeElement.tagName + '#' + document.activeElement.id") == f"H3{target}"
        box = heading.bounding_box()
        assert 0 <= box["y"] < 700, "the case heading is on screen after the jump"
    # Checking a question shows in its case's entry.
    answer(harness, 0, [0], payload)
    counts = [c.strip() for c in nav.locator(".qz-case-count").all_inner_texts()]
    assert counts == [f"(1 of {len(cases[0]['questions'])} checked)"] + [""] * (len(cases) - 1)
    assert dom_is_inert(harness) == []
    harness.watch.assert_clean()


@pytest.mark.browser
def test_case_list_in_exam_mode_counts_confirmed_answers_and_is_not_printed(harness):
    payload = fixture_payload("quiz-fixture", exam=True)
    widget = harness.mount(payload)
    answer(harness, 0, [2], payload)
    assert (
        widget.locator(".qz-case-count").first.inner_text().strip()
        == f"(1 of {len(payload['cases'][0]['questions'])} confirmed)"
    )
    harness.emulate_media(media="print")
    assert widget.locator(".qz-cases").is_hidden()
    assert widget.locator(".qz-print-key").count() == 0  # the exam prints no answer key
    harness.watch.assert_clean()


@pytest.mark.browser
def test_printing_builds_one_key_per_question_with_every_options_explanation(harness):
    payload = fixture_payload("quiz-fixture")
    widget = harness.mount(payload)
    assert widget.locator(".qz-print-key").count() == 0
    harness.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what a browser fires before printing
    harness.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # a second print adds nothing
    qs = questions(payload)
    keys = widget.locator(".qz-print-key")
    assert keys.count() == len(qs)
    for n, q in enumerate(qs):
        assert keys.nth(n).locator("li").count() == len(q["options"])
    harness.watch.assert_clean()


@pytest.fixture(scope="module")
def themed_quiz_url(tmp_path_factory):
    """The fixture quiz mounted by the real runtime on a page with the theme's light and dark colours."""
    import anywidget
    import traitlets
    from widget_page import widget_site

    class FixtureQuiz(anywidget.AnyWidget):
        _esm = Quiz._esm
        _css = Quiz._css
        payload = traitlets.Dict().tag(sync=True)
        answers = traitlets.Dict().tag(sync=True)
        checked = traitlets.List().tag(sync=True)
        learner = traitlets.Unicode("").tag(sync=True)
        seed = traitlets.Unicode("").tag(sync=True)

    with widget_site(
        tmp_path_factory.mktemp("quiz"), {"quiz": FixtureQuiz(payload=fixture_payload("quiz-fixture"))}
    ) as url:
        yield f"{url}/quiz.html"


@pytest.mark.browser
def test_case_list_fits_375px_and_passes_wcag22_light_and_dark(browser, themed_quiz_url):
    from browser_support import check_phone_and_dark
    from widget_page import wcag22_violations

    def open_list(page):
        page.locator(".qz-cases-toggle").click()

    check_phone_and_dark(browser, themed_quiz_url, ".qz-widget", before=open_list)
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(themed_quiz_url)
        wait_for_widgets(page)
        open_list(page)
        assert wcag22_violations(page, ".qz-cases") == []
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        assert wcag22_violations(page, ".qz-cases") == []
    finally:
        page.close()
