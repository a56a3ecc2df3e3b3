"""Progress page: Python reference vs JavaScript summarize(), and a quiz answered on its page
showing up on the progress page."""

import json

import pytest
from browser_support import ROOT, SITE, PageWatch, check_phone_and_dark, run_module_function, wait_for_widgets
from widget_page import wcag22_violations, widget_site

import quizzes
from quizzes import vocab
from widgets.progress import (
    EXAM_PREFIX,
    INDEX_KEY,
    PREFIX,
    REVISE_BELOW,
    TOPIC_GROUPS,
    Progress,
    quiz_list,
    summarize,
    to_revise,
    topic_credits,
    topic_data,
)

PAGE = "book/chapters/progress.html"
JS = ROOT / "widgets" / "progress.js"
QUIZZES = quiz_list()


def quiz_percent(score):
    """What the quiz shows for a score (quiz-data.js percent(), tested against Python there)."""
    return f"{round(score, 4) * 100:.2f}".rstrip("0").rstrip(".") + "%"


def storages():
    """Storage contents the page may meet, from empty to damaged."""
    a, b = QUIZZES[0], QUIZZES[1]
    key_a = f"{PREFIX}{a['id']}:{a['hash']}"
    saved = json.dumps(
        {
            "v": 1,
            "quiz": a["id"],
            "hash": a["hash"],
            "exam": False,
            "answers": {"x": ["y"]},
            "checked": ["x", "z"],
            "learner": "",
            "saved_at": "2026-01-02T10:00:00Z",
        }
    )
    index = {
        "v": 1,
        "quizzes": {
            key_a: {
                "quiz": a["id"],
                "hash": a["hash"],
                "title": "t",
                "exam": False,
                "checked": 3,
                "total": a["questions"],
                "score": 0.4567,
                "saved_at": "2026-01-03T10:00:00Z",
            }
        },
    }
    return [
        {},
        {key_a: saved},  # no index: count from the key
        {key_a: saved, INDEX_KEY: json.dumps(index)},  # index wins
        {INDEX_KEY: json.dumps(index)},  # index only
        {key_a: "not json", INDEX_KEY: "{broken"},  # damaged: nothing usable
        {
            f"{PREFIX}{a['id']}:0000000000000000": saved,  # an earlier version, kept aside
            f"{EXAM_PREFIX}{a['id']}:0000000000000000": saved,
            f"{EXAM_PREFIX}{b['id']}:{b['hash']}": saved,
        },
        {INDEX_KEY: json.dumps({"v": 1, "quizzes": {key_a: {"checked": 999, "score": "high"}}})},
        {INDEX_KEY: json.dumps({"v": 1, "quizzes": {key_a: {"checked": 2.0, "score": 1}}})},
        {
            INDEX_KEY: json.dumps({"v": 1, "quizzes": {key_a: {"checked": 2.5, "score": None}}}),
            key_a: json.dumps({"checked": "nope"}),
        },
    ]


def test_python_reference_reads_the_quiz_storage_format():
    s = storages()
    first = QUIZZES[0]
    assert summarize(QUIZZES, s[0])[0] == {
        "id": first["id"],
        "total": first["questions"],
        "practice": None,
        "exam": None,
        "older": 0,
    }
    assert summarize(QUIZZES, s[1])[0]["practice"] == {"checked": 2, "score": None, "saved_at": "2026-01-02T10:00:00Z"}
    assert summarize(QUIZZES, s[2])[0]["practice"]["checked"] == 3
    assert summarize(QUIZZES, s[2])[0]["practice"]["score"] == 0.4567
    assert summarize(QUIZZES, s[4])[0]["practice"] is None
    rows = summarize(QUIZZES, s[5])
    assert rows[0]["older"] == 2 and rows[0]["practice"] is None
    assert rows[1]["exam"]["checked"] == 2
    assert summarize(QUIZZES, s[6])[0]["practice"]["checked"] == first["questions"]


def test_widget_lists_every_quiz_with_its_hash_and_link():
    w = Progress()
    assert sorted(w.quiz_ids) == sorted(quizzes.list_quizzes())
    assert w.quiz_ids[:4] == ["quiz-settings", "quiz-haip", "quiz-embolic", "quiz-decisions"]
    for row in w.quizzes:
        quiz = quizzes.load_bank(row["id"])
        assert row == {
            "id": quiz.id,
            "title": quiz.title,
            "hash": quiz.hash,
            "questions": len(quiz.questions()),
            "href": f"{quiz.id}.html",
        }
        assert (ROOT / "book" / "chapters" / f"{quiz.id}.md").exists()


@pytest.mark.browser
def test_javascript_summarize_matches_python(browser):
    cases = storages()
    got = run_module_function(browser, JS, "summarize", [{"quizzes": QUIZZES, "storage": s} for s in cases])
    assert got == [summarize(QUIZZES, s) for s in cases]


@pytest.mark.browser
def test_answering_on_a_quiz_page_shows_on_the_progress_page(page, site_url):
    page.goto(f"{site_url}/{PAGE}")
    assert wait_for_widgets(page) == 1
    row = page.locator(".pg-widget tr[data-quiz=quiz-haip]")
    assert row.locator(".pg-answered").inner_text() == f"0 of {len(quizzes.load_bank('quiz-haip').questions())}"
    assert row.locator(".pg-saved").inner_text() == "not started"

    page.goto(f"{site_url}/book/chapters/quiz-haip.html")
    wait_for_widgets(page)
    quiz = quizzes.load_bank("quiz-haip")
    first_q = quiz.questions()[0]
    first = page.locator(".qz-question").first
    # The bank's first option, wherever this reader's shuffle shows it.
    first.locator(f'.qz-option[data-option="{first_q.options[0].id}"] input').check()
    first.locator(".qz-check").click()
    page.wait_for_function("() => Object.keys(localStorage).some((k) => k.startsWith('crlm-quiz:quiz-haip:'))")

    page.goto(f"{site_url}/{PAGE}")
    wait_for_widgets(page)
    want = quizzes.score_answers("quiz-haip", {first_q.id: [first_q.options[0].id]})["score"]
    assert row.locator(".pg-answered").inner_text() == f"1 of {len(quiz.questions())}"
    assert row.locator(".pg-score").inner_text() == quiz_percent(want)  # as the quiz page shows it
    assert row.locator(".pg-saved").inner_text() != "not started"
    other = page.locator(".pg-widget tr[data-quiz=quiz-embolic] .pg-answered")
    assert other.inner_text().startswith("0 of ")
    # The link leads back to the quiz, which still has the answer.
    row.get_by_role("link").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/quiz-haip.html")
    wait_for_widgets(page)
    assert (
        page.locator(".qz-question")
        .first.locator(f'.qz-option[data-option="{first_q.options[0].id}"] input')
        .is_checked()
    )
    page.watch.assert_clean()


@pytest.mark.browser
def test_progress_is_readable_at_375px_and_in_dark_mode(browser, site_url):
    check_phone_and_dark(browser, f"{site_url}/{PAGE}", ".pg-widget")


# ---------------------------------------------------------------- the page on its own (no build)
@pytest.fixture(scope="module")
def progress_url(tmp_path_factory):
    with widget_site(tmp_path_factory.mktemp("progress"), {"progress": Progress()}) as url:
        yield f"{url}/progress.html"


def _open(context, url, storage=None, init=None):
    page = context.new_page()
    page.watch = PageWatch(page, url.split("/chapters")[0])
    if init:
        page.add_init_script(init)
    page.goto(url)
    if storage is not None:
        page.evaluate(
            "(items) => { localStorage.clear(); for (const [k, v] of items) localStorage.setItem(k, v); }",
            list(storage.items()),
        )
        page.reload()
    wait_for_widgets(page)
    return page


def _saved(quiz, score, saved_at, checked=3):
    key = f"{PREFIX}{quiz['id']}:{quiz['hash']}"
    index = {
        "v": 1,
        "quizzes": {
            key: {
                "quiz": quiz["id"],
                "hash": quiz["hash"],
                "title": quiz["title"],
                "exam": False,
                "checked": checked,
                "total": quiz["questions"],
                "score": score,
                "saved_at": saved_at,
            }
        },
    }
    return {key: json.dumps({"v": 1, "checked": []}), INDEX_KEY: json.dumps(index)}


@pytest.fixture
def utc_context(browser):
    ctx = browser.new_context(timezone_id="UTC", locale="en-US")  # a US locale: dates must not follow it
    yield ctx
    ctx.close()


@pytest.mark.browser
@pytest.mark.parametrize("score", [0.1167, 7 / 60, 0.5, 1 / 3, 0.99995, 0.0])
def test_score_is_rounded_as_the_quiz_rounds_it(browser, utc_context, progress_url, score):
    page = _open(utc_context, progress_url, _saved(QUIZZES[0], round(score, 4), "2026-12-01T09:05:00Z"))
    cell = page.locator(f".pg-widget tr[data-quiz={QUIZZES[0]['id']}] .pg-score")
    assert cell.inner_text() == quiz_percent(score)
    got = run_module_function(browser, ROOT / "widgets" / "quiz-data.js", "percent", [score])
    assert cell.inner_text() == got[0]
    page.watch.assert_clean()
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    "iso, shown",
    [
        ("2026-12-01T09:05:00Z", "1 Dec 2026, 09:05"),
        ("2027-01-12T23:59:59.999Z", "12 Jan 2027, 23:59"),
        ("2026-05-03T00:00:00+02:00", "2 May 2026, 22:00"),
    ],
)
def test_dates_are_day_month_year_in_every_locale(utc_context, progress_url, iso, shown):
    page = _open(utc_context, progress_url, _saved(QUIZZES[0], 0.5, iso))
    cell = page.locator(f".pg-widget tr[data-quiz={QUIZZES[0]['id']}] .pg-saved")
    assert cell.inner_text() == shown
    assert cell.locator("time").get_attribute("datetime") == iso
    assert "/" not in cell.inner_text()
    page.close()


@pytest.mark.browser
def test_unreadable_dates_and_untouched_quizzes_say_so(utc_context, progress_url):
    page = _open(utc_context, progress_url, _saved(QUIZZES[0], 0.5, "yesterday"))
    rows = page.locator(".pg-widget tbody tr")
    assert rows.nth(0).locator(".pg-saved").inner_text() == "saved, date unknown"
    assert rows.nth(1).locator(".pg-saved").inner_text() == "not started"
    assert rows.nth(1).locator(".pg-answered").inner_text() == f"0 of {QUIZZES[1]['questions']}"
    assert page.locator(".pg-blocked").is_hidden()
    page.close()


BLOCKED = """Object.defineProperty(window, 'localStorage', { get() {
    throw new DOMException('The operation is insecure.', 'SecurityError'); } });"""


@pytest.mark.browser
def test_blocked_storage_is_reported_honestly(context, progress_url):
    page = _open(context, progress_url, init=BLOCKED)
    notice = page.locator(".pg-blocked")
    assert notice.is_visible() and "cannot be shown here" in notice.inner_text()
    assert page.locator(".pg-saved").all_inner_texts() == ["storage unavailable"] * len(QUIZZES)
    assert page.locator(".pg-answered").all_inner_texts() == ["unknown"] * len(QUIZZES)
    assert "not started" not in page.locator(".pg-widget").inner_text()
    page.get_by_role("button", name="Refresh").click()
    assert "cannot be read" in page.locator(".pg-live").inner_text()
    page.watch.assert_clean()
    page.close()


WORD_SPLITS = r"""() => {
    // Headers whose words were broken across lines ("Answ/ered"): a word's text range has one box.
    const out = [];
    for (const th of document.querySelectorAll('.pg-table thead th')) {
        const text = th.firstChild;
        const re = /\S+/g;
        let m;
        while ((m = re.exec(text.textContent))) {
            const r = document.createRange();
            r.setStart(text, m.index);
            r.setEnd(text, m.index + m[0].length);
            const lines = new Set([...r.getClientRects()].map((b) => Math.round(b.top)));
            if (lines.size > 1) out.push(m[0]);
        }
    }
    return out;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [600, 768, 1280])
def test_column_headers_never_break_inside_a_word(browser, progress_url, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(progress_url)
        wait_for_widgets(page)
        page.evaluate("""() => { localStorage.setItem('crlm-quiz-progress', JSON.stringify({v: 1, quizzes: {}})); }""")
        assert page.locator(".pg-table thead th").all_inner_texts() == [
            "Quiz",
            "Answered",
            "Score shown",
            "Last saved",
            "Notes",
        ]
        assert page.evaluate(WORD_SPLITS) == []
        table = page.locator(".pg-table")
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
    finally:
        page.close()


@pytest.mark.browser
def test_progress_alone_fits_375px_follows_dark_mode_and_passes_wcag22(browser, progress_url):
    check_phone_and_dark(browser, progress_url, ".pg-widget")
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(progress_url)
        wait_for_widgets(page)
        assert wcag22_violations(page, ".pg-widget") == []
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        assert wcag22_violations(page, ".pg-widget") == []
        # with answers: every topic's bar filled and the what-to-revise list of section links
        page.evaluate(
            "(items) => { for (const [k, v] of items) localStorage.setItem(k, v); }", list(_weak_storage().items())
        )
        page.reload()
        wait_for_widgets(page)
        assert page.locator(".pg-revise-list a").count() > 3
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert wcag22_violations(page, ".pg-widget") == []
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        assert wcag22_violations(page, ".pg-widget") == []
    finally:
        page.close()


def test_front_end_is_bundled_with_the_quiz_rounding_and_no_relative_import():
    esm = Progress()._esm
    assert 'from "./' not in esm, "an import was left for the browser to resolve (it cannot, from a Blob URL)"
    assert "function percent(" in esm and "function round4(" in esm


# ---------------------------------------------------------------- performance by topic
TOPICS = topic_data()


def _bank_questions(quiz):
    return [q for c in quiz["cases"] for q in c["questions"]]


def answered_storages(count=12, seed=12):
    """Practice answers across every quiz: some checked, some only chosen, some damaged."""
    import random

    rng = random.Random(seed)
    out = []
    for n in range(count):
        storage = {}
        for quiz in TOPICS["quizzes"]:
            answers, checked = {}, []
            for q in _bank_questions(quiz):
                if rng.random() < 0.4:
                    continue
                ids = [o["id"] for o in q["options"]]
                pick = rng.sample(ids, 1 if q["type"] == "single" else rng.randint(1, len(ids)))
                answers[q["id"]] = pick
                if rng.random() < 0.8:
                    checked.append(q["id"])
            if n == 3:  # a question the bank no longer has, an option it never had
                answers["gone"], checked = ["x"], checked + ["gone"]
            storage[f"{PREFIX}{quiz['id']}:{quiz['hash']}"] = json.dumps(
                {"v": 1, "answers": answers, "checked": checked}
            )
        if n == 4:
            storage[f"{PREFIX}{TOPICS['quizzes'][0]['id']}:{TOPICS['quizzes'][0]['hash']}"] = "{broken"
        out.append(storage)
    return [{}] + out


GROUPS = [group for group, _ in TOPIC_GROUPS]


def _tags(q, group):
    field = dict(TOPIC_GROUPS)[group]
    return q[field] if isinstance(q[field], list) else [q[field]]


def test_every_question_carries_its_case_setting_and_its_bank_task():
    """Setting comes from the case (not a tag of its own), task from the bank; every value has a row."""
    for quiz in TOPICS["quizzes"]:
        bank = quizzes.load_bank(quiz["id"])
        want = {q.id: (case.features["setting"], q.task) for case in bank.cases for q in case.questions}
        assert {q["id"]: (q["setting"], q["task"]) for q in _bank_questions(quiz)} == want
    assert [t["id"] for t in TOPICS["settings"]] == list(vocab.SETTINGS)
    assert [t["id"] for t in TOPICS["tasks"]] == list(vocab.TASKS)
    used = {q["task"] for quiz in TOPICS["quizzes"] for q in _bank_questions(quiz)}
    assert used == set(vocab.TASKS), "a task no question is tagged with would show an empty bar"
    for group in GROUPS:
        for t in TOPICS[group]:
            assert t["sections"] and t["href"] == t["sections"][0]["href"]


def test_topic_credits_are_the_engine_scores_weighted_by_topic():
    quiz = TOPICS["quizzes"][1]
    qs = _bank_questions(quiz)
    best = {
        q["id"]: [max(q["options"], key=lambda o: o["credit"])["id"]]
        if q["type"] == "single"
        else [o["id"] for o in q["options"] if o["credit"] > 0]
        for q in qs
    }
    worst = {q["id"]: [min(q["options"], key=lambda o: o["credit"])["id"]] for q in qs}
    key = f"{PREFIX}{quiz['id']}:{quiz['hash']}"
    for answers, want in ((best, 1.0), (worst, 0.0)):
        storage = {key: json.dumps({"answers": answers, "checked": list(answers)})}
        credits = topic_credits(TOPICS, storage)
        engine = quizzes.score_answers(quiz["id"], answers)["questions"]
        for group in GROUPS:
            for r in credits[group]:
                mine = [q for q in qs if r["id"] in _tags(q, group)]
                assert r["checked"] == len(mine)
                if mine:
                    assert r["credit"] == pytest.approx(want) and all(
                        engine[q["id"]] == pytest.approx(want) for q in mine
                    )
    nothing = topic_credits(TOPICS, {})
    assert all(r["checked"] == 0 and r["credit"] is None for part in nothing.values() for r in part)
    assert {r["id"] for r in nothing["modalities"]} == {"haip", "tace", "tare", "general"}
    total = sum(len(_bank_questions(q)) for q in TOPICS["quizzes"])
    assert sum(r["questions"] for r in nothing["modalities"]) >= total
    # one setting and one task per question: each group counts every question exactly once
    assert sum(r["questions"] for r in nothing["settings"]) == total
    assert sum(r["questions"] for r in nothing["tasks"]) == total


def _engine_credit(storage, group, topic):
    """A topic's credit straight from quizzes.score_answers(): the weighted mean over the checked
    questions tagged with it, answers kept as the quiz keeps them (known options, one if single)."""
    num = den = 0.0
    for quiz in TOPICS["quizzes"]:
        try:
            saved = json.loads(storage.get(f"{PREFIX}{quiz['id']}:{quiz['hash']}", "{}"))
        except ValueError:
            continue
        bank = {q["id"]: q for q in _bank_questions(quiz)}
        chosen = {}
        for qid in saved.get("checked", []):
            if qid in bank and qid in saved.get("answers", {}):
                keep = [o["id"] for o in bank[qid]["options"] if o["id"] in saved["answers"][qid]]
                if keep:
                    chosen[qid] = keep[:1] if bank[qid]["type"] == "single" else keep
        scores = quizzes.score_answers(quiz["id"], chosen)["questions"] if chosen else {}
        for qid in chosen:
            if topic in _tags(bank[qid], group):
                num += bank[qid]["weight"] * scores[qid]
                den += bank[qid]["weight"]
    return num / den if den else None


def test_topic_credits_equal_the_engine_on_many_answer_sets():
    for storage in answered_storages(count=40, seed=17):
        credits = topic_credits(TOPICS, storage)
        for group in GROUPS:
            for r in credits[group]:
                want = _engine_credit(storage, group, r["id"])
                assert (r["credit"] is None) == (want is None)
                if want is not None:
                    assert r["credit"] == pytest.approx(want, abs=1e-12)


def test_to_revise_names_the_weakest_topics_under_the_threshold():
    rows = {
        "modalities": [
            {"id": "haip", "credit": 0.5},
            {"id": "tace", "credit": None},
            {"id": "tare", "credit": 0.2},
            {"id": "general", "credit": REVISE_BELOW},
        ]
    }
    assert to_revise(rows) == [("modalities", "tare"), ("modalities", "haip")]
    rows["settings"] = [{"id": "adjuvant", "credit": 0.5}, {"id": "first-line", "credit": 0.9}]
    rows["tasks"] = [{"id": "toxicity", "credit": 0.1}, {"id": "evidence", "credit": 0.6}]
    # weakest first across the groups; a tie keeps the page's order (modality, setting, task)
    assert to_revise(rows) == [("tasks", "toxicity"), ("modalities", "tare"), ("modalities", "haip")]
    assert to_revise(rows, limit=5)[3:] == [("settings", "adjuvant"), ("tasks", "evidence")]


def test_exam_build_carries_no_topic_key(monkeypatch):
    monkeypatch.setenv("COURSE_EXAM", "1")
    assert Progress().topics == {}


@pytest.mark.browser
def test_javascript_topic_credits_match_python(browser):
    cases = answered_storages(count=40, seed=17) + answered_storages()
    got = run_module_function(browser, JS, "topicCredits", [{"data": TOPICS, "storage": s} for s in cases])
    revise = run_module_function(browser, JS, "toRevise", got)
    for js, storage, js_revise in zip(got, cases, revise):
        py = topic_credits(TOPICS, storage)
        assert set(js) == set(py) == {*GROUPS, "recommendations"}
        for part in py:
            assert [(r["id"], r["questions"], r["checked"]) for r in js[part]] == [
                (r["id"], r["questions"], r["checked"]) for r in py[part]
            ]
            for a, b in zip(js[part], py[part]):
                assert (a["credit"] is None) == (b["credit"] is None)
                if b["credit"] is not None:
                    assert a["credit"] == pytest.approx(b["credit"], abs=1e-12)
        assert [tuple(x) for x in js_revise] == to_revise(py)
    assert any(r["checked"] for r in topic_credits(TOPICS, cases[2])["tasks"])


def _weak_storage(wrong=lambda i, q: i % 3 != 0):
    """Every question checked: the worst option where wrong(index, question), else the key."""
    storage = {}
    for quiz in TOPICS["quizzes"]:
        answers = {}
        for i, q in enumerate(_bank_questions(quiz)):
            pick = (min if wrong(i, q) else max)(q["options"], key=lambda o: o["credit"])
            answers[q["id"]] = [pick["id"]]
        storage[f"{PREFIX}{quiz['id']}:{quiz['hash']}"] = json.dumps(
            {"v": 1, "answers": answers, "checked": list(answers)}
        )
    return storage


@pytest.mark.browser
@pytest.mark.parametrize("which", ["scripted", "weak"])
def test_progress_page_shows_topic_credits_and_what_to_revise(context, progress_url, which):
    storage = answered_storages()[2] if which == "scripted" else _weak_storage()
    want = topic_credits(TOPICS, storage)
    page = _open(context, progress_url, storage)
    for group in GROUPS:
        topics = {t["id"]: t for t in TOPICS[group]}
        rows = page.locator(f'.pg-topic-list[data-group="{group}"] .pg-topic')
        assert rows.count() == len(want[group])
        for r in want[group]:
            row = page.locator(f'.pg-topic-list[data-group="{group}"] .pg-topic[data-topic="{r["id"]}"]')
            text = row.locator(".pg-topic-credit").inner_text()
            if r["credit"] is None:
                assert text == f"none of {r['questions']} questions checked yet"
            else:  # the number is written out, not left to the bar's length or colour
                assert text == f"{quiz_percent(r['credit'])} on {r['checked']} of {r['questions']} questions checked"
            link = row.get_by_role("link")
            assert link.inner_text() == topics[r["id"]]["label"]
            assert link.get_attribute("href") == topics[r["id"]]["href"]
            assert row.locator(".pg-bar").get_attribute("aria-hidden") == "true"
    assert page.get_by_role("list", name="By setting").count() == 1
    assert page.get_by_role("list", name="By task").count() == 1
    weak = to_revise(want)
    assert weak, "the scripted answers should leave something to revise"
    items = page.locator(".pg-revise-list > li")
    assert [
        (items.nth(i).get_attribute("data-group"), items.nth(i).get_attribute("data-topic"))
        for i in range(items.count())
    ] == weak
    for i, (group, topic) in enumerate(weak):
        t = next(x for x in TOPICS[group] if x["id"] == topic)
        r = next(x for x in want[group] if x["id"] == topic)
        item = items.nth(i)
        assert item.inner_text().startswith(f"{t['label']} ({quiz_percent(r['credit'])}): ")
        links = item.get_by_role("link")
        assert links.all_inner_texts() == [s["label"] for s in t["sections"]]
        assert [links.nth(k).get_attribute("href") for k in range(links.count())] == [s["href"] for s in t["sections"]]
    fold = page.locator(".pg-recs")
    fold.locator("summary").click()
    assert fold.locator("li").count() == sum(1 for r in want["recommendations"] if r["checked"])
    page.watch.assert_clean()
    page.close()


@pytest.mark.browser
def test_what_to_revise_before_any_answer(context, progress_url):
    page = _open(context, progress_url, {})
    assert "check questions on the quiz pages first" in page.locator(".pg-revise").inner_text()
    assert page.locator(".pg-revise-list").count() == 0
    page.close()


@pytest.mark.site
def test_every_section_to_revise_exists_in_the_built_site():
    """Each link the topics can show names a page of the site and an element id on that page."""
    chapters = SITE / "book" / "chapters"
    links = {s["href"] for group in GROUPS for t in TOPICS[group] for s in t["sections"]} | {
        t["href"] for group in GROUPS for t in TOPICS[group]
    }
    assert len(links) > 15
    for href in sorted(links):
        page, _, anchor = href.partition("#")
        html = (chapters / page).read_text(encoding="utf-8")
        if anchor:
            assert f'id="{anchor}"' in html, f"{href}: no element with that id in the built page"


@pytest.mark.browser
def test_a_section_link_to_revise_opens_that_section(page, site_url):
    """On the built progress page, following a link from What to revise lands on its heading."""
    page.goto(f"{site_url}/{PAGE}")
    wait_for_widgets(page)
    wrong_on_toxicity = _weak_storage(lambda i, q: q["task"] == "toxicity")
    assert to_revise(topic_credits(TOPICS, wrong_on_toxicity))[0] == ("tasks", "toxicity")
    page.evaluate(
        "(items) => { for (const [k, v] of items) localStorage.setItem(k, v); }", list(wrong_on_toxicity.items())
    )
    page.reload()
    wait_for_widgets(page)
    item = page.locator(".pg-revise-list > li").first
    assert item.get_attribute("data-topic") == "toxicity"
    link = item.get_by_role("link").first
    href = link.get_attribute("href")
    assert href == TOPICS["tasks"][2]["sections"][0]["href"]
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{href}")
    anchor = href.split("#", 1)[1]
    assert page.locator(f'[id="{anchor}"]').locator("h1, h2, h3").first.is_visible()
    page.watch.assert_clean()
