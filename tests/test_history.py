"""Moving between devices: the learning history exported on the progress page as one file and
imported in another browser (widgets/history.js).

A quiz page, the review page and the progress page are served side by side (same origin, so
they share localStorage as on the site); a second browser context is the other device.
"""

import json
import subprocess
from datetime import datetime, timezone

import pytest
from browser_support import PageWatch, assert_axe_clean, check_phone_and_dark, open_page, wait_for_widgets
from npm_cache import need_node
from widget_page import widget_site

import quizzes
from widgets import storage_keys
from widgets.progress import Progress
from widgets.quiz import Quiz
from widgets.review import Review, replay

QUIZ_ID = "quiz-settings"
DAY, HOUR = 86_400_000, 3_600_000
T0 = int(datetime(2026, 6, 1, 10, 0, tzinfo=timezone.utc).timestamp() * 1000)
QUESTIONS = [q for c in quizzes.payload(QUIZ_ID)["cases"] for q in c["questions"]]
Q1, Q2 = QUESTIONS[0], QUESTIONS[1]
BEST = {q["id"]: max(q["options"], key=lambda o: o["credit"])["id"] for q in (Q1, Q2)}
WRONG = {q["id"]: min(q["options"], key=lambda o: o["credit"])["id"] for q in (Q1, Q2)}
COURSE_KEYS = "() => Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith('crlm-')).map((k) => [k, localStorage.getItem(k)]))"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pages = {QUIZ_ID: Quiz(QUIZ_ID), "review": Review(), "progress": Progress()}
    with widget_site(tmp_path_factory.mktemp("history"), pages) as url:
        yield url


def device(browser, at_ms):
    """A browser context of its own (another device), its clock fixed at `at_ms`."""
    ctx = browser.new_context(timezone_id="UTC", locale="en-US", accept_downloads=True)
    ctx.clock.set_fixed_time(at_ms / 1000)
    return ctx


def counts(page):
    return page.locator(".rv-widget .rv-counts").inner_text()


def history_file(items, version=1):
    return {
        "format": "crlm-learning-history",
        "version": version,
        "exported_at": "2026-06-01T10:00:00.000Z",
        "items": items,
    }


def choose(page, content, name="history.json"):
    """Pick a file in the import control (the browser's file dialog is the one thing a test cannot
    reach by keyboard)."""
    text = content if isinstance(content, str) else json.dumps(content)
    page.locator(".hs-file").set_input_files({"name": name, "mimeType": "application/json", "buffer": text.encode()})
    wait_status(page)


def wait_status(page):
    """The file is read asynchronously: wait for the message this choice produces."""
    page.wait_for_function("() => document.querySelector('.hs-status').textContent !== ''")


def status(page):
    return page.locator(".hs-status[aria-live=polite]").inner_text()


def some_history(page, site):
    """A learner's history made the way a learner makes it: two questions checked on the quiz page
    (one right, one wrong), certainty rating on, a practice test started."""
    quiz = open_page(page.context, f"{site}/{QUIZ_ID}.html")
    for i, q, option in ((0, Q1, BEST), (1, Q2, WRONG)):
        box = quiz.locator(".qz-question").nth(i)
        box.locator(f'.qz-option[data-option="{option[q["id"]]}"] input').check()
        box.locator(".qz-check").click()
    quiz.watch.assert_clean()
    quiz.close()
    review = open_page(page.context, f"{site}/review.html")
    review.get_by_label("Rate how sure I am before each check").check()
    review.get_by_label("Number of questions").fill("2")
    review.get_by_role("button", name="Start the practice test").click()
    review.watch.assert_clean()
    review.close()


@pytest.mark.browser
def test_export_then_import_on_a_fresh_device_restores_queue_and_answers_exactly(browser, site, tmp_path):
    first = device(browser, T0)
    other = device(browser, T0 + DAY + 2 * HOUR)
    try:
        page = open_page(first, f"{site}/progress.html")
        some_history(page, site)
        page.reload()
        wait_for_widgets(page)
        before = page.evaluate(COURSE_KEYS)
        assert {"crlm-review", "crlm-review-certainty", "crlm-practice", "crlm-quiz-progress", "crlm-quiz-seed"} <= set(
            before
        )
        assert any(k.startswith(f"crlm-quiz:{QUIZ_ID}:") for k in before)
        # Keyboard only: the export button, then Enter.
        page.get_by_role("button", name="Export my learning history").focus()
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename == "crlm-learning-history-2026-06-01.json"
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        doc = json.loads(saved.read_text(encoding="utf-8"))
        assert doc["format"] == "crlm-learning-history" and doc["version"] == 1
        assert doc["items"] == before  # every course key, byte for byte
        assert status(page) == (
            "Saved crlm-learning-history-2026-06-01.json, holding answers to 1 quiz (2 questions checked); "
            "2 review cards with 2 logged reviews; certainty rating turned on; a practice test in progress."
        )
        # What the first device shows tomorrow (the other device's clock).
        first.clock.set_fixed_time((T0 + DAY + 2 * HOUR) / 1000)
        # The practice test resumes first; a day on, its time is up and it has submitted itself.
        review_first = open_page(first, f"{site}/review.html")
        shown_first = review_first.locator(".rv-widget").inner_text()
        quiz_first = open_page(first, f"{site}/{QUIZ_ID}.html")
        score_first = quiz_first.locator(".qz-score").inner_text()

        # The other device holds nothing: the file is imported without a question.
        fresh = open_page(other, f"{site}/progress.html")
        assert fresh.evaluate(COURSE_KEYS) == {}
        fresh.locator(".hs-file").set_input_files(saved)
        wait_status(fresh)
        assert status(fresh).startswith(
            "Imported: this browser now holds answers to 1 quiz (2 questions checked); 2 review cards"
        )
        assert fresh.locator(".hs-confirm").is_hidden()
        assert fresh.evaluate(COURSE_KEYS) == before
        assert (
            fresh.locator(f".pg-widget tr[data-quiz={QUIZ_ID}] .pg-answered").inner_text() == f"2 of {len(QUESTIONS)}"
        )
        fresh.watch.assert_clean()
        review_other = open_page(other, f"{site}/review.html")
        # The practice test comes back too, exactly as on the first device; close it to see the queue.
        assert review_other.locator(".rv-widget").inner_text() == shown_first
        assert review_other.locator(".rv-timer").inner_text() == "Time is up: the test was submitted."
        for page_ in (review_first, review_other):
            page_.get_by_role("button", name="Back to the overview").click()
        assert counts(review_other) == counts(review_first)
        assert counts(review_other).startswith("Due today: 1 question.")  # the wrong answer, due a day later
        queue = json.loads(review_other.evaluate("localStorage.getItem('crlm-review')"))["cards"]
        (want,) = replay(None, T0, [{"rating": 1, "at": T0}])
        assert queue[f"{QUIZ_ID}/{Q2['id']}"]["card"] == want
        quiz_other = open_page(other, f"{site}/{QUIZ_ID}.html")
        assert quiz_other.locator(".qz-score").inner_text() == score_first
        for i in (0, 1):  # the same options ticked, in the same display order (the seed came too)
            box = quiz_other.locator(".qz-question").nth(i)
            assert box.locator(".qz-option").evaluate_all(
                "(rows) => rows.map((r) => r.dataset.option)"
            ) == quiz_first.locator(".qz-question").nth(i).locator(".qz-option").evaluate_all(
                "(rows) => rows.map((r) => r.dataset.option)"
            )
        for p in (review_other, quiz_other):
            p.watch.assert_clean()
    finally:
        first.close()
        other.close()


DAMAGED = [
    (
        '{"format": "crlm-learning-history", "version": 1, "items": {"crlm-review": "{\\"v\\": 1, ',
        "The file is not complete JSON, so it is damaged or cut short",
    ),
    (
        json.dumps({"name": "my-project", "version": "1.0.0", "dependencies": {}}),
        "The file is not a learning history of this course: it has no format name.",
    ),
    (
        json.dumps({"format": "crlm-quiz-answers", "version": 1, "items": {}}),
        'its format is "crlm-quiz-answers", not "crlm-learning-history"',
    ),
    (json.dumps([1, 2, 3]), "it has no format name"),
    (
        json.dumps(history_file({}, version=2)),
        "made by a newer version of the course (format version 2); this page reads version 1",
    ),
    (json.dumps(history_file({}, version="1")), "format version is missing or not a whole number"),
    (json.dumps({**history_file({}), "items": []}), "The file has no history items"),
    (
        json.dumps(history_file({"crlm-review": "{broken"})),
        'The file\'s item "crlm-review" is not a JSON object (damaged).',
    ),
    (
        json.dumps(
            history_file(
                {
                    "crlm-review": json.dumps(
                        {"v": 1, "cards": {"a/b": {"quiz": "a", "question": "b", "card": {}, "log": []}}}
                    )
                }
            )
        ),
        'has a damaged review card "a/b"',
    ),
    (
        json.dumps(history_file({"crlm-quiz-seed": "not hex"})),
        'The file\'s item "crlm-quiz-seed" is not a display-order seed.',
    ),
    (
        json.dumps(history_file({f"crlm-quiz:{QUIZ_ID}:abc": json.dumps({"answers": {"q": "a"}, "checked": []})})),
        "has answers that are not lists of options",
    ),
    (json.dumps(history_file({"theme": "dark"})), 'The file holds an item this course does not use, "theme"'),
]


@pytest.mark.browser
def test_damaged_truncated_foreign_and_newer_files_are_refused_and_change_nothing(browser, site, tmp_path):
    ctx = device(browser, T0)
    try:
        page = open_page(ctx, f"{site}/progress.html")
        some_history(page, site)
        page.reload()
        wait_for_widgets(page)
        before = page.evaluate(COURSE_KEYS)
        for text, reason in DAMAGED:
            choose(page, text)
            said = status(page)
            assert said.startswith("Not imported: ") and reason in said and said.endswith("Nothing was changed."), (
                text,
                said,
            )
            assert page.locator(".hs-confirm").is_hidden()
            assert page.evaluate(COURSE_KEYS) == before
        # A file's text is shown as text, never as markup.
        choose(page, history_file({"crlm-<img src=x onerror=window.hacked=1>": "1"}))
        assert '"crlm-<img src=x onerror=window.hacked=1>"' in status(page)
        assert page.locator(".pg-widget img").count() == 0 and page.evaluate("window.hacked") is None
        assert page.evaluate(COURSE_KEYS) == before
        page.watch.assert_clean()
    finally:
        ctx.close()


@pytest.mark.browser
def test_existing_history_is_replaced_only_after_confirmation_by_keyboard(browser, site):
    ctx = device(browser, T0)
    try:
        page = open_page(ctx, f"{site}/progress.html")
        some_history(page, site)
        page.reload()
        wait_for_widgets(page)
        before = page.evaluate(COURSE_KEYS)
        card = replay(None, T0 - 3 * DAY, [{"rating": 3, "at": T0 - 3 * DAY}])[0]
        queue = {
            "v": 1,
            "cards": {
                f"{QUIZ_ID}/{Q1['id']}": {
                    "quiz": QUIZ_ID,
                    "question": Q1["id"],
                    "card": card,
                    "log": [[T0 - 3 * DAY, 3, 1, None]],
                }
            },
        }
        incoming = {"crlm-review": json.dumps(queue), "crlm-quiz-seed": "00112233aabbccdd"}
        choose(page, history_file(incoming))
        group = page.get_by_role("group", name="Replace the history in this browser?")
        assert group.is_visible()
        assert page.evaluate("document.activeElement.textContent") == "Replace the history in this browser?"
        lists = group.locator("ul").all_inner_texts()
        assert lists == [
            "answers to 1 quiz (2 questions checked)\n2 review cards with 2 logged reviews\n"
            "certainty rating turned on\na practice test in progress",
            "1 review card with 1 logged review",
        ]
        assert "(exported 2026-06-01 10:00)" in group.inner_text()
        assert page.evaluate(COURSE_KEYS) == before  # nothing written before the choice
        # Cancel, by keyboard: Tab from the heading reaches "Replace", then "Cancel".
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Cancel"
        page.keyboard.press("Enter")
        assert status(page) == "Import cancelled. Nothing was changed."
        assert group.count() == 0 or group.is_hidden()
        assert page.evaluate(COURSE_KEYS) == before
        # Again, and this time replace: the browser then holds exactly the file's items.
        choose(page, history_file(incoming))
        group.wait_for()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Replace it with the file"
        page.keyboard.press("Enter")
        assert status(page) == (
            "Imported: this browser now holds 1 review card with 1 logged review. "
            "Review what is due shows the imported queue."
        )
        assert page.evaluate(COURSE_KEYS) == incoming
        assert page.locator(f".pg-widget tr[data-quiz={QUIZ_ID}] .pg-answered").inner_text() == f"0 of {len(QUESTIONS)}"
        review = open_page(ctx, f"{site}/review.html")
        assert counts(review).startswith("Due today: 1 question.")
        page.watch.assert_clean()
        review.watch.assert_clean()
    finally:
        ctx.close()


BLOCKED = """Object.defineProperty(window, 'localStorage', { get() {
    throw new DOMException('The operation is insecure.', 'SecurityError'); } });"""


@pytest.mark.browser
def test_blocked_storage_says_export_and_import_are_not_possible(browser, site):
    ctx = device(browser, T0)
    try:
        page = ctx.new_page()
        page.watch = PageWatch(page, site.split("/chapters")[0])
        page.add_init_script(BLOCKED)
        page.goto(f"{site}/progress.html")
        wait_for_widgets(page)
        assert "does not let the course use its storage" in page.locator(".hs-blocked").inner_text()
        assert page.locator(".hs-export").count() == 0 and page.locator(".hs-file").count() == 0
        page.watch.assert_clean()
    finally:
        ctx.close()


@pytest.mark.browser
def test_review_page_links_to_the_history_section(browser, site):
    ctx = device(browser, T0)
    try:
        page = open_page(ctx, f"{site}/review.html")
        page.get_by_role("link", name="Export or import your learning history").click()
        wait_for_widgets(page)
        assert page.url.endswith("/progress.html#crlm-history")
        assert page.get_by_role("heading", name="Moving to another device").is_visible()
        page.watch.assert_clean()
    finally:
        ctx.close()


def _confirmation_open(page):
    page.evaluate("localStorage.setItem('crlm-review-certainty', 'on')")
    page.reload()
    wait_for_widgets(page)
    choose(page, history_file({"crlm-review-certainty": "on"}))
    page.get_by_role("group", name="Replace the history in this browser?").wait_for()


@pytest.mark.browser
def test_history_section_fits_375px_and_is_axe_clean_light_and_dark(browser, site):
    check_phone_and_dark(browser, f"{site}/progress.html", ".pg-widget", before=_confirmation_open)

    def refused(page):
        choose(page, "{cut")
        assert status(page).startswith("Not imported:")

    check_phone_and_dark(browser, f"{site}/progress.html", ".pg-widget", before=refused)
    assert_axe_clean(browser, f"{site}/progress.html")


def test_progress_bundle_carries_the_history_module_once():
    esm = Progress()._esm
    assert 'from "./' not in esm
    assert esm.count("function historySection(") == 1 and esm.count("function cleanQueue(") == 1


# A value each history key may hold, by its name in storage.js; a prefix is followed by a quiz id
# and content hash. A key storage.js gains needs a line here, and history.js must accept it.
QUIZ_ANSWERS = json.dumps({"quiz": QUIZ_ID, "answers": {"q1": ["a"]}, "checked": ["q1"]})
HISTORY_SAMPLES = {
    "PREFIX": (f"{QUIZ_ID}:abc123", QUIZ_ANSWERS),
    "EXAM_PREFIX": (f"{QUIZ_ID}:abc123", QUIZ_ANSWERS),
    "INDEX_KEY": ("", json.dumps({"v": 1, "quizzes": {}})),
    "SEED_KEY": ("", "0123abcd"),
    "REVIEW_KEY": ("", json.dumps({"v": 1, "cards": {}})),
    "CERTAINTY_KEY": ("", "on"),
    "PRACTICE_KEY": ("", json.dumps({"items": [f"{QUIZ_ID}/q1"], "ends": T0})),
}
# Every key written to a store in memory, then exported and read back as a file, in Node.
ROUND_TRIP = """
const [storageUrl, historyUrl, written] = process.argv.slice(1);
const storage = await import(storageUrl);
const history = await import(historyUrl);
const held = new Map(Object.entries(JSON.parse(written)));
storage.useStore({
  getItem: (k) => (held.has(k) ? held.get(k) : null),
  setItem: (k, v) => held.set(k, String(v)),
  removeItem: (k) => held.delete(k),
  key: (i) => [...held.keys()][i] ?? null,
  get length() { return held.size; },
});
const items = history.historyItems();
const read = history.readHistory(JSON.stringify(history.historyFile(items)));
console.log(JSON.stringify({ items, read, excluded: history.NOT_HISTORY }));
"""


def test_every_storage_key_travels_in_the_history_file_or_is_excluded_by_name():
    keys = storage_keys.KEYS
    need_node("the check runs history.js itself", npm=False)
    written = {keys[name] + tail: value for name, (tail, value) in HISTORY_SAMPLES.items()}
    written[keys["PROBE_KEY"]] = "1"  # as if a page had just probed
    done = subprocess.run(
        ["node", "--input-type=module", "-e", ROUND_TRIP]
        + [(storage_keys.STORAGE_JS.parent / f).as_uri() for f in ("storage.js", "history.js")]
        + [json.dumps(written)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    excluded = {name for name, value in keys.items() if value in out["excluded"]}
    assert excluded == {"PROBE_KEY"}
    untested = set(keys) - set(HISTORY_SAMPLES) - excluded
    assert not untested, f"storage.js keys {sorted(untested)}: add each to history.js's lists and HISTORY_SAMPLES"
    history = {k: v for k, v in written.items() if k != keys["PROBE_KEY"]}
    assert out["items"] == history  # exported: every key but the excluded
    assert "error" not in out["read"], out["read"]["error"]  # and read back from the file
    assert out["read"]["items"] == history
