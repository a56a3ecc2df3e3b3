"""Item analysis (quizzes/grading/itemstats.py), the report, the item CSV and the per-question gradebook.

Statistics are checked on hand-made response matrices (values worked out on paper) and against
an independent implementation (scipy.stats and a covariance-matrix form of alpha) to 1e-9.
The report and gradebook are checked end to end: real answer files in a folder, the CLI, the
files it writes.
"""

import csv
import io
import json
import math
import re
import sys
from html import escape
from pathlib import Path

import numpy as np
import pytest
from quizzes_cli import run_quizzes
from scipy import stats as sps

from quizzes.grading import choices, itemstats
from quizzes.grading.grade import grade_files, load_quizzes
from quizzes.grading.gradebook import gradebook_text
from quizzes.grading.learners import learner_key
from quizzes.grading.report import analyse_rows, items_csv_text, report_html
from quizzes.rules import scoring

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_BANKS = ROOT / "tests" / "fixtures" / "answers" / "banks"
HOSTILE_BANK = ROOT / "tests" / "fixtures" / "quizzes" / "hostile" / "quiz-hostile.yaml"
QUIZZES = load_quizzes(FIXTURE_BANKS)
QUIZ = QUIZZES["quiz-answers"]

# Four learners, three right/wrong items: a Guttman pattern.
GUTTMAN = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float)


def test_hand_made_matrix_gives_the_values_worked_out_on_paper():
    ones = np.ones(3)
    # item variances (n - 1): 0.25, 1/3, 0.25; totals 3, 2, 1, 0 have variance 5/3:
    # KR-20 = 3/2 * (1 - (5/6) / (5/3)) = 0.75
    assert itemstats.cronbach_alpha(GUTTMAN) == pytest.approx(0.75, abs=1e-12)
    # item 1 against the rest (2, 1, 0, 0): r = 0.75 / sqrt(0.75 * 2.75) = sqrt(3 / 11)
    r = itemstats.corrected_item_total(GUTTMAN, ones)
    assert r[0] == pytest.approx(math.sqrt(3 / 11), abs=1e-12)
    assert r[2] == pytest.approx(math.sqrt(3 / 11), abs=1e-12)  # the pattern is symmetric
    # 27% of 4 learners is one learner per group: the best (all right) and the worst (none)
    assert itemstats.upper_lower(GUTTMAN, ones) == [1.0, 1.0, 1.0]


def test_degenerate_matrices_give_none_not_noise():
    same = np.ones((5, 3))
    assert itemstats.corrected_item_total(same, np.ones(3)) == [None, None, None]
    assert itemstats.cronbach_alpha(same) is None
    assert itemstats.cronbach_alpha(np.ones((1, 3))) is None
    assert itemstats.upper_lower(np.ones((1, 2)), np.ones(2)) == [None, None]


def _alpha_from_covariance(items):
    cov = np.cov(items, rowvar=False)
    k = items.shape[1]
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


@pytest.mark.parametrize("seed", range(8))
def test_statistics_match_scipy_and_the_covariance_form(seed):
    rng = np.random.default_rng(seed)
    n, k = rng.integers(8, 400), rng.integers(2, 12)
    ability = rng.normal(size=(n, 1))
    x = (rng.normal(size=(n, k)) + ability > 0).astype(float)
    if seed % 2:  # partial credit too
        x = x * rng.choice([0.5, 1.0], size=(n, k))
    weights = rng.choice([1.0, 2.0, 0.5], size=k)
    r = itemstats.corrected_item_total(x, weights)
    total = x @ weights
    for j in range(k):
        rest = total - weights[j] * x[:, j]
        if np.ptp(x[:, j]) == 0 or np.ptp(rest) == 0:
            assert r[j] is None
            continue
        expected = sps.pearsonr(x[:, j], rest).statistic
        if set(np.unique(x[:, j])) <= {0.0, 1.0}:
            assert sps.pointbiserialr(x[:, j], rest).statistic == pytest.approx(expected, abs=1e-12)
        assert abs(r[j] - expected) < 1e-9
    assert abs(itemstats.cronbach_alpha(x * weights) - _alpha_from_covariance(x * weights)) < 1e-9
    # upper-lower against a second, independent ranking (scipy's ordinal ranks)
    size = int(round(0.27 * n))
    ranks = sps.rankdata(-total, method="ordinal")  # ties keep their order, as in the engine
    upper, lower = ranks <= size, ranks > n - size
    expected_d = x[upper].mean(axis=0) - x[lower].mean(axis=0)
    assert np.max(np.abs(np.array(itemstats.upper_lower(x, weights)) - expected_d)) < 1e-9


def _answer(learner, answers, mode="practice", shown=None, seed="9e3779b97f4a7c15"):
    return {
        "format": "crlm-quiz-answers",
        "version": 3,
        "mode": mode,
        "quiz": QUIZ.id,
        "hash": QUIZ.hash,
        "learner": learner,
        "order_seed": seed,
        "answers": answers,
        "score_shown": shown,
        "saved_at": "2026-11-30T10:00:00Z",
    }


CLASS = [  # learner, answers: strong learners right, one distractor chosen by nobody
    ("ada", {"ga-q1": ["a"], "ga-q2": ["a", "b"], "ga-q3": ["b"]}),
    ("bo", {"ga-q1": ["a"], "ga-q2": ["a", "b"], "ga-q3": ["b"]}),
    ("cy", {"ga-q1": ["a"], "ga-q2": ["a"], "ga-q3": ["b"]}),
    ("di", {"ga-q1": ["b"], "ga-q2": ["a", "c"], "ga-q3": ["a"]}),
    ("ed", {"ga-q1": ["b"], "ga-q2": ["c"], "ga-q3": ["a"]}),
]


def _write_class(folder: Path, extra=()):
    folder.mkdir(parents=True, exist_ok=True)
    for n, (learner, answers) in enumerate([*CLASS, *extra]):
        (folder / f"{n:02d}.json").write_text(json.dumps(_answer(learner, answers)), encoding="utf-8")
    return folder


def test_analysis_of_real_files_matches_the_matrix(tmp_path):
    rows = grade_files([_write_class(tmp_path / "class")], QUIZZES)
    (stats,) = analyse_rows(rows, QUIZZES)
    assert stats.n == 5
    q1, q2, q3 = stats.items
    assert q1.difficulty == pytest.approx(3 / 5)
    # ga-q2: credits 1, 1, 0.5, clamp(0.5 + c), clamp(c): c is negative in the fixture bank
    credits = [scoring.score_quiz(QUIZ, choices.decode(QUIZ, r.choices))["questions"]["ga-q2"] for r in rows]
    assert q2.difficulty == pytest.approx(sum(credits) / 5)
    share = {o.id: o.share for o in q1.options}
    assert share == {"a": 0.6, "b": 0.4, "c": 0.0, "d": 0.0}
    flags = {o.id: o.flags for o in q1.options}
    assert "distractor chosen by under 5%" in flags["c"] and not flags["a"]
    assert stats.warnings and "only 5 learner(s)" in stats.warnings[0]
    x = np.array(
        [
            [scoring.score_question(q, answers.get(q.id, ())) for q in QUIZ.questions()]
            for answers in (dict(CLASS)[r.learner] for r in rows)
        ]
    )
    w = np.array([q.weight for q in QUIZ.questions()])
    assert stats.alpha == pytest.approx(_alpha_from_covariance(x * w), abs=1e-9)
    assert stats.mean == pytest.approx(np.mean([r.score for r in rows]), abs=1e-12)


def test_a_reversed_key_is_flagged(tmp_path):
    # the "wrong" option b of ga-q1 is chosen by the strong learners only
    flipped = [(name, {**answers, "ga-q1": ["b" if answers["ga-q1"] == ["a"] else "a"]}) for name, answers in CLASS]
    folder = tmp_path / "flipped"
    folder.mkdir()
    for n, (learner, answers) in enumerate(flipped):
        (folder / f"{n}.json").write_text(json.dumps(_answer(learner, answers)))
    (stats,) = analyse_rows(grade_files([folder], QUIZZES), QUIZZES)
    q1 = stats.items[0]
    assert q1.corrected_r < 0 and "negative discrimination: check the key" in q1.flags
    assert "distractor chosen more by the upper group" in {f for o in q1.options for f in o.flags}


def test_cli_writes_report_items_and_gradebook_from_a_folder(tmp_path):
    folder = _write_class(
        tmp_path / "class",
        extra=[
            ('=HYPERLINK("http://evil.example")', {"ga-q1": ["a"]}),
            ("<script>alert(1)</script>", {"ga-q1": ["b"]}),
        ],
    )
    outs = {k: tmp_path / f"{k}.{ext}" for k, ext in (("report", "html"), ("items", "csv"), ("gradebook", "csv"))}
    proc = run_quizzes("grade", folder, "--banks", FIXTURE_BANKS, *(a for k, p in outs.items() for a in (f"--{k}", p)))
    assert proc.returncode == 0, proc.stderr
    html = outs["report"].read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<svg" in html and html.count('role="img"') == 2
    assert "Grader fixture quiz" in html and "7 learner" in html
    items = list(csv.DictReader(io.StringIO(outs["items"].read_text(encoding="utf-8"))))
    q1 = next(r for r in items if r["question"] == "ga-q1" and not r["option"])
    assert float(q1["difficulty"]) == pytest.approx(4 / 7, abs=1e-4)
    book = list(csv.reader(io.StringIO(outs["gradebook"].read_text(encoding="utf-8"))))
    header = book[0]
    assert header[:4] == ["learner", "learner_key", "quiz", "status"]
    assert header[-3:] == ["ga-q1", "ga-q2", "ga-q3"]
    cells = {row[0]: row for row in book[1:]}
    assert cells["ada"][header.index("score")] == "1.0000"
    assert cells["cy"][header.index("ga-q2")] == "0.5000"
    assert '\'=HYPERLINK("http://evil.example")' in cells  # neutralised, still readable
    assert float(cells["ed"][header.index("score")]) < float(cells["cy"][header.index("score")])


def test_report_escapes_every_bank_string(tmp_path):
    # The hostile bank as model objects, unchecked (its plain fields hold markup that `check`
    # refuses): what would reach the report if a field slipped through validation.
    from dataclasses import replace

    from test_hostile_content import _unchecked_quiz, _unchecked_registry

    from quizzes.rules.hashing import content_hash

    quiz = _unchecked_quiz()
    quiz = replace(quiz, hash=content_hash(quiz))
    quizzes = {quiz.id: quiz}
    first = quiz.questions()[0]
    folder = tmp_path / "hostile"
    folder.mkdir()
    for n in range(3):
        doc = {
            "format": "crlm-quiz-answers",
            "version": 3,
            "mode": "practice",
            "quiz": quiz.id,
            "hash": quiz.hash,
            "learner": f"<img src=x onerror=alert({n})>",
            "answers": {first.id: [first.options[n].id]},
            "score_shown": None,
            "saved_at": "2026-11-30T10:00:00Z",
        }
        (folder / f"{n}.json").write_text(json.dumps(doc))
    rows = grade_files([folder], quizzes)
    assert [r.status for r in rows] == ["graded"] * 3
    stats = analyse_rows(rows, quizzes, _unchecked_registry())
    html = report_html(stats, quizzes, rows)
    assert "<" in quiz.title and quiz.title not in html  # only its escaped form is there
    assert stats[0].recommendations, "the hostile registry labels are in the report"
    body = html.split("<body>", 1)[1]
    assert escape(quiz.title) in html
    for tag in ("<script", "<img", "<iframe", "<svg onload", '<a href="javascript'):
        assert tag not in body.lower(), tag
    for row in csv.reader(io.StringIO(items_csv_text(stats))):
        for cell in row:
            assert cell[:1] not in ("=", "+", "@", "-", "\t", "\r") or re.fullmatch(r"-?[0-9.]+", cell), cell


def test_gradebook_matches_learners_and_flags_conflicts(tmp_path):
    folder = tmp_path / "names"
    folder.mkdir()
    full = {"ga-q1": ["a"], "ga-q2": ["a", "b"], "ga-q3": ["b"]}
    part = {"ga-q1": ["b"]}
    files = [
        ("Ada Lovelace", full),
        ("  ada\u200b  LOVELACE ", full),  # same person, same work
        ("\u0410da Lovelace", part),  # Cyrillic A, other answers
        ("Bob", full),
        ("ＢＯＢ", full),  # NFKC full-width
        ("\u0410\u043d\u043d\u0430", full),
        ("Anna", part),
    ]  # all-Cyrillic "Анна" is not "Anna"
    for n, (name, answers) in enumerate(files):
        (folder / f"{n}.json").write_text(json.dumps(_answer(name, answers)), encoding="utf-8")
    rows = grade_files([folder], QUIZZES)
    status = [r.status for r in rows]
    assert status == ["conflict", "duplicate", "conflict", "graded", "duplicate", "graded", "graded"]
    assert "different answer sets" in rows[0].reason and "2.json" in rows[0].reason
    book = list(csv.DictReader(io.StringIO(gradebook_text(rows, QUIZZES))))
    by_key = {r["learner_key"]: r for r in book}
    assert set(by_key) == {"ada lovelace", "bob", "\u0430\u043d\u043d\u0430", "anna"}
    assert by_key["ada lovelace"]["status"] == "conflict" and by_key["ada lovelace"]["score"] == ""
    assert by_key["ada lovelace"]["files"] == "3"
    assert by_key["bob"]["score"] == "1.0000" and by_key["bob"]["files"] == "2"


@pytest.mark.parametrize(
    "name, key",
    [
        ("Ada", "ada"),
        ("ada ", "ada"),
        (" ADA\t", "ada"),
        ("a\u200bda", "ada"),
        ("\ufeffAda", "ada"),
        ("\u0410da", "ada"),
        ("Ａｄａ", "ada"),
        ("Ada  Lovelace", "ada lovelace"),
        ("Stra\u00dfe", "strasse"),
        ("", ""),
        (None, ""),
        ("\u200b", ""),
        ("\u0410\u0434\u0430", "\u0430\u0434\u0430"),  # a wholly Cyrillic name stays Cyrillic
    ],
)
def test_learner_key(name, key):
    assert learner_key(name) == key


def test_choices_round_trip_and_stay_small():

    answers = {"ga-q1": ["c"], "ga-q2": ["d", "a"], "ga-q3": []}
    packed = choices.encode(QUIZ, answers)
    assert choices.decode(QUIZ, packed) == {"ga-q1": ["c"], "ga-q2": ["a", "d"]}
    assert sys.getsizeof(packed) < 100


@pytest.mark.browser
def test_report_in_a_browser_requests_nothing_and_passes_axe(browser, tmp_path):
    """The report as an educator opens it: from a file, on a phone, light and dark."""
    from browser_support import serious_axe_violations

    folder = _write_class(tmp_path / "class")
    rows = grade_files([folder], QUIZZES)
    target = tmp_path / "report.html"
    target.write_text(report_html(analyse_rows(rows, QUIZZES), QUIZZES, rows), encoding="utf-8")
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 375, "height": 800}, color_scheme=scheme)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        page.goto(target.as_uri())
        assert [u for u in requests if u != target.as_uri()] == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert page.get_by_role("heading", name="Quiz item analysis").is_visible()
        assert page.get_by_role("img", name=re.compile("Histogram of scores")).count() == 1
        assert serious_axe_violations(page) == [], scheme
        context.close()
