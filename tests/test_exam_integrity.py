"""An exam that holds: these tests try to cheat, and fail if it works.

- From what the exam site publishes, search for the key offline (the attack that recovered a
  whole key from the release-0.1 hash): the published version id must be computable from the
  page's own public data, so it confirms no candidate key over another.
- Scan every file of the exam site (pages, search index, widget state, anything left over) for
  every option's feedback, every key hash, credits, LMS exports and source copies.
- Build a book in exam mode over an earlier practice build: nothing of the practice build stays.
- `grade --exam` refuses practice files and files that cannot say what they are.
Needs the exam build (python3 course.py build --exam; COURSE_EXAM_SITE), like the browser tests.
"""

import html
import itertools
import json
import re
from pathlib import Path

import pytest
import yaml
from browser_support import EXAM_SITE
from quizzes_cli import run_quizzes
from small_book import course_config, finish_build, start_build

import quizzes
from quizzes.grading.grade import grade_files, load_quizzes
from quizzes.pages.render import markdown_html
from quizzes.parsing.model import iter_questions
from quizzes.rules.hashing import legacy_content_hash, version_id_of_payload

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_BANKS = ROOT / "tests" / "fixtures" / "answers" / "banks"
STATE = re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.S)
# What an exam attacker may use: the same candidate credits the release-0.1 attack searched.
CANDIDATE_CREDITS = (0.0, 0.5, 1.0)


def exam_site() -> Path:
    if not (EXAM_SITE / "index.html").exists():
        pytest.fail(f"no exam build at {EXAM_SITE}: run  python3 course.py build --exam")
    return EXAM_SITE


def published_payloads(site: Path) -> dict[str, dict]:
    """Every quiz payload in the widget state of every page of the site, by quiz id."""
    found = {}
    for page in site.rglob("*.html"):
        for block in STATE.findall(page.read_text(encoding="utf-8")):
            for model in json.loads(block).get("state", {}).values():
                payload = model.get("state", {}).get("payload")
                if isinstance(payload, dict) and "cases" in payload:
                    found[payload["id"]] = payload
    return found


def site_text(path: Path) -> str:
    """A file's text as a reader could decode it: HTML entities and JSON escapes undone."""
    raw = path.read_bytes().decode("utf-8", "replace")
    raw = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), raw)
    return " ".join(html.unescape(raw).split())


def plain(markdown: str) -> str:
    text = re.sub(r"<[^>]+>", " ", markdown_html(markdown))
    return " ".join(html.unescape(text).split())


# ------------------------------------------------------------------ the offline key search
def test_the_search_is_a_real_attack_on_the_old_hash():
    """Sanity of the attacker: against the release-0.1 hash of a small bank it finds the key."""
    quiz = load_quizzes(FIXTURE_BANKS)["quiz-answers"]
    from dataclasses import replace

    from quizzes.rules.hashing import content_hash

    small = replace(quiz, cases=(replace(quiz.cases[0], questions=quiz.cases[0].questions[:1]),))
    question = small.cases[0].questions[0]
    options = question.options

    def keyed(credits):
        """The one-question bank with these credits on its options: a candidate key."""
        case = replace(
            small.cases[0],
            questions=(replace(question, options=tuple(replace(o, credit=v) for o, v in zip(options, credits))),),
        )
        return replace(small, cases=(case,))

    candidates = list(itertools.product(CANDIDATE_CREDITS, repeat=len(options)))
    target = legacy_content_hash(small)
    hits = [c for c in candidates if legacy_content_hash(keyed(c)) == target]
    assert hits == [tuple(o.credit for o in options)]  # the old hash gives the key away
    # the version id published now: every candidate key gives the same value
    ids = {content_hash(keyed(c)) for c in candidates}
    assert len(ids) == 1


def test_exam_pages_publish_a_version_id_that_confirms_no_key():
    payloads = published_payloads(exam_site())
    assert set(payloads) == set(quizzes.list_quizzes()), "every quiz chapter is in the exam build"
    for qid, payload in payloads.items():
        assert payload["exam"] is True
        for case in payload["cases"]:
            for q in case["questions"]:
                for o in q["options"]:
                    assert set(o) <= {"id", "text_html", "pin"}, (qid, q["id"], sorted(o))
        # The id is a function of what the page shows anyway: it cannot tell keys apart.
        assert version_id_of_payload(payload) == payload["hash"], qid
        quiz = quizzes.load_bank(qid)
        assert payload["hash"] == quiz.hash
        # The old attack hashed each candidate key with its credits and compared: even the
        # exact key, the best guess an attacker could make, no longer matches anything published.
        assert legacy_content_hash(quiz) != payload["hash"]


# ------------------------------------------------------------------ every file of the exam site
def secrets() -> dict[str, str]:
    """Text that must never appear in an exam build, with what it is."""
    out = {}
    for qid in quizzes.list_quizzes():
        quiz = quizzes.load_bank(qid)
        out[legacy_content_hash(quiz)] = f"{qid}: the release-0.1 hash (confirms a key)"
        for _, q in iter_questions(quiz):
            for o in q.options:
                text = plain(o.feedback)
                if len(text) >= 30:
                    out[text[:80]] = f"{qid}/{q.id}/{o.id}: feedback"
    return out


def test_no_file_of_the_exam_site_holds_a_key_feedback_export_or_source():
    site = exam_site()
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(files) > 20
    names = {p.relative_to(site).as_posix() for p in files}
    for forbidden in ("downloads/", "_sources/", ".ipynb", ".xml", ".zip"):
        assert not [n for n in names if forbidden in n], forbidden
    wanted = secrets()
    assert len(wanted) > 100
    markers = (
        (r'"credit"\s*:\s*-?[0-9]', "a credit in JSON"),
        (r'"feedback_html"\s*:', "feedback in JSON"),
        (r'"(follows|contradicts)"\s*:', "the recommendations an option follows"),
        (r"fraction=", "a Moodle answer fraction"),
        (r"Show the answer and why", "a self-check answer"),
        (r'class="crlm-self-check', "a self-check"),
        (r"de-widget|DecisionExplorer", "the decision explorer"),
        (r'"task"\s*:\s*"', "a question's task tag (what it asks: a hint)"),
    )
    leaks = []
    for path in files:
        if path.suffix in {".png", ".jpg", ".woff", ".woff2", ".ttf", ".eot", ".ico"}:
            continue
        text = site_text(path)
        for needle, what in wanted.items():
            if needle in text:
                leaks.append(f"{path.relative_to(site)}: {what}")
        for pattern, what in markers:
            if re.search(pattern, text):
                leaks.append(f"{path.relative_to(site)}: {what}")
    assert leaks == []


def test_the_task_tag_reaches_no_quiz_payload():
    """A question's task ("contraindications", "toxicity") hints at its answer: it is for the
    practice progress page only, never in what a quiz page (practice or exam) is given."""
    for quiz_id in quizzes.list_quizzes():
        assert all(q.task for q in quizzes.load_bank(quiz_id).questions())
        for exam in (False, True):
            doc = quizzes.payload(quiz_id, exam=exam)
            assert all("task" not in q for case in doc["cases"] for q in case["questions"])
            assert '"task"' not in json.dumps(doc)


def test_exam_site_leaves_out_the_tools_that_answer_questions():
    chapter = (exam_site() / "book" / "chapters" / "which-modality.html").read_text(encoding="utf-8")
    assert chapter.count("crlm-exam-note") == 2  # the explorer and the rules table
    assert "Decision explorer" not in chapter and "DecisionExplorer" not in chapter
    for name in ("haip", "debiri", "tare"):
        page = (exam_site() / "book" / "chapters" / f"{name}.html").read_text(encoding="utf-8")
        assert "crlm-exam-note" in page and "Self-check 1" not in page


# ------------------------------------------------------------------ exam over practice
PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# Exam over practice

Public text.

```{only} not exam
Practice-only text: the key is B.
```
"""


def _build(folder: Path, exam: bool) -> Path:
    return finish_build(start_build(folder, exam), folder)


def test_exam_build_over_a_practice_build_keeps_nothing_of_it(tmp_path):
    (tmp_path / "book").mkdir()
    config = course_config("Exam over practice")
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/page\n", encoding="utf-8")
    (tmp_path / "book" / "page.md").write_text(PAGE, encoding="utf-8")
    practice = _build(tmp_path, exam=False)
    assert "Practice-only text" in (practice / "_sources" / "book" / "page.md").read_text()
    # what the course's practice build also leaves: the LMS exports with the full key
    (practice / "downloads" / "moodle").mkdir(parents=True)
    (practice / "downloads" / "moodle" / "quiz-haip.xml").write_text('<answer fraction="100">')
    exam = _build(tmp_path, exam=True)
    assert exam == practice
    names = sorted(p.relative_to(exam).as_posix() for p in exam.rglob("*") if p.is_file())
    assert not [n for n in names if n.startswith(("downloads/", "_sources/"))], names
    for name in names:
        if name.endswith((".html", ".js", ".txt", ".json")):
            assert "Practice-only text" not in (exam / name).read_text(encoding="utf-8", errors="replace"), name
    assert "Public text." in (exam / "book" / "page.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------ grade --exam
def _file(folder: Path, name: str, **over) -> Path:
    quiz = load_quizzes(FIXTURE_BANKS)["quiz-answers"]
    doc = {
        "format": "crlm-quiz-answers",
        "version": 3,
        "mode": "exam",
        "quiz": quiz.id,
        "hash": quiz.hash,
        "learner": name,
        "answers": {"ga-q1": ["a"]},
        "score_shown": None,
        "saved_at": "2026-12-01T09:00:00Z",
    }
    doc.update(over)
    doc = {k: v for k, v in doc.items() if v is not ...}
    path = folder / f"{name}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_grade_exam_refuses_practice_files_and_says_why(tmp_path):
    _file(tmp_path, "exam-ok")
    _file(tmp_path, "practice", mode="practice", score_shown=0.25)
    _file(tmp_path, "old-v2", version=2, mode=...)
    _file(tmp_path, "forged", score_shown=0.25)  # says exam, but shows a score
    rows = {Path(r.file).stem: r for r in grade_files([tmp_path], load_quizzes(FIXTURE_BANKS), exam=True)}
    assert rows["exam-ok"].status == "graded"
    assert rows["practice"].status == "refused" and "a practice file" in rows["practice"].reason
    assert rows["old-v2"].status == "refused" and "cannot tell" in rows["old-v2"].reason
    assert rows["forged"].status == "refused" and "score" in rows["forged"].reason
    # without --exam the practice file is graded as before
    plain_rows = {Path(r.file).stem: r.status for r in grade_files([tmp_path], load_quizzes(FIXTURE_BANKS))}
    assert plain_rows["practice"] == "graded"
    proc = run_quizzes("grade", "--exam", tmp_path, "--banks", FIXTURE_BANKS)
    assert proc.returncode == 1 and "refused" in proc.stdout and "a practice file" in proc.stdout


def test_course_py_exam_build_starts_from_an_empty_output_folder(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("course_cli", ROOT / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    stale = tmp_path / "exam" / "_build"
    for name in (
        "html/downloads/moodle/quiz-haip.xml",
        "jupyter_execute/book/quiz.ipynb",
        ".jupyter_cache/global.db",
        "html/_sources/book/page.md",
    ):
        (stale / name).parent.mkdir(parents=True, exist_ok=True)
        (stale / name).write_text("practice key")
    calls = []
    monkeypatch.setattr(course, "EXAM_OUT", tmp_path / "exam")
    monkeypatch.setattr(course, "run_filtered", lambda cmd, env: calls.append((cmd, env)))
    course.build_site(exam=True)
    assert not stale.exists() and calls and calls[0][1]["COURSE_EXAM"] == "1"
