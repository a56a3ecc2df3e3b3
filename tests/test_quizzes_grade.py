"""Answer files and the grader: recompute, flag, never crash."""
import csv
import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from quizzes import load_bank, score_answers
from quizzes.answers import AnswerFileError, parse_answer_bytes
from quizzes.grade import (csv_text, exit_status, grade_files, load_quizzes, safe_cell,
                           write_csv_atomic)

ROOT = Path(__file__).resolve().parents[1]
QUIZ = load_bank("quiz-settings")
QUIZZES = load_quizzes()


def answer_doc(**over):
    first = QUIZ.questions()[0]
    doc = {"format": "crlm-quiz-answers", "version": 1, "quiz": QUIZ.id, "hash": QUIZ.hash,
           "learner": "ada", "answers": {first.id: [first.options[0].id]},
           "score_shown": None, "saved_at": "2025-01-31T10:00:00Z"}
    doc.update(over)
    return doc


def write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_bytes(doc if isinstance(doc, bytes) else json.dumps(doc).encode())
    return str(path)


def test_graded_and_score_recomputed(tmp_path):
    doc = answer_doc()
    expected = score_answers(QUIZ.id, doc["answers"])["score"]
    doc["score_shown"] = round(expected, 4)
    rows = grade_files([write(tmp_path, "a.json", doc)], QUIZZES)
    assert rows[0].status == "graded" and rows[0].score == expected and rows[0].mismatch is False
    assert exit_status(rows) == 0


def test_score_shown_never_trusted(tmp_path):
    rows = grade_files([write(tmp_path, "a.json", answer_doc(score_shown=1.0))], QUIZZES)
    assert rows[0].status == "graded" and rows[0].mismatch is True
    assert rows[0].score != 1.0 and exit_status(rows) == 1


def test_statuses(tmp_path):
    files = [
        write(tmp_path, "old.json", answer_doc(hash="0" * 16)),
        write(tmp_path, "unknown.json", answer_doc(quiz="quiz-nope")),
        write(tmp_path, "badq.json", answer_doc(answers={"no-such-question": ["a"]})),
        write(tmp_path, "bado.json", answer_doc(answers={QUIZ.questions()[0].id: ["zzz"]})),
        write(tmp_path, "two.json", answer_doc(answers={QUIZ.questions()[0].id:
                                                        [o.id for o in QUIZ.questions()[0].options[:2]]})),
        write(tmp_path, "extra.json", {**answer_doc(), "score": 1}),
        write(tmp_path, "garbage.bin", bytes(range(256)) * 4),
        write(tmp_path, "latin1.json", json.dumps(answer_doc(learner="Zoë"), ensure_ascii=False).encode("latin-1")),
        write(tmp_path, "huge.json", b'{"format": "crlm-quiz-answers", "version": 1' + b"0" * 5000 + b"}"),
        write(tmp_path, "inf.json", json.dumps(answer_doc()).replace("null", "1e999").encode()),
        write(tmp_path, "nan.json", json.dumps(answer_doc()).replace("null", "NaN").encode()),
        write(tmp_path, "types.json", answer_doc(answers=[1, 2], version="1")),
        write(tmp_path, "boolver.json", answer_doc(version=True)),
        write(tmp_path, "list.json", [1, 2, 3]),
        write(tmp_path, "deep.json", b"[" * 100000 + b"]" * 100000),
        write(tmp_path, "dupkey.json", b'{"quiz": "a", "quiz": "b"}'),
        write(tmp_path, "badtime.json", answer_doc(saved_at="yesterday")),
        write(tmp_path, "shown.json", answer_doc(score_shown=7)),
        str(tmp_path / "missing.json"),
    ]
    rows = {Path(r.file).name: r for r in grade_files(files, QUIZZES)}
    assert rows["old.json"].status == "old-version" and rows["old.json"].score is None
    assert rows["unknown.json"].status == "unknown-quiz"
    assert "unknown question id" in rows["badq.json"].reason
    assert "unknown option id" in rows["bado.json"].reason
    assert "takes one answer" in rows["two.json"].reason
    assert "unknown field" in rows["extra.json"].reason
    assert "not UTF-8" in rows["garbage.bin"].reason and "not UTF-8" in rows["latin1.json"].reason
    assert "version" in rows["huge.json"].reason or "JSON" in rows["huge.json"].reason
    for name in ("badq.json", "bado.json", "two.json", "extra.json", "garbage.bin", "latin1.json",
                 "huge.json", "inf.json", "nan.json", "types.json", "boolver.json", "list.json",
                 "deep.json", "dupkey.json", "badtime.json", "shown.json", "missing.json"):
        assert rows[name].status == "invalid", (name, rows[name])
        assert rows[name].reason
    assert exit_status(list(rows.values())) == 1


def test_duplicates(tmp_path):
    a = write(tmp_path, "a.json", answer_doc())
    same_bytes = write(tmp_path, "b.json", json.dumps(answer_doc()).encode())
    later = write(tmp_path, "c.json", answer_doc(saved_at="2025-02-01T09:00:00+01:00"))
    other = write(tmp_path, "d.json", answer_doc(learner="bob"))
    rows = grade_files([a, same_bytes, later, other], QUIZZES)
    assert [r.status for r in rows] == ["graded", "duplicate", "duplicate", "graded"]
    assert "a.json" in rows[1].reason and "a.json" in rows[2].reason


def test_csv_injection_and_atomic_write(tmp_path):
    evil = write(tmp_path, "=evil.json", answer_doc(learner="=HYPERLINK(\"http://x\")"))
    rows = grade_files([evil, write(tmp_path, "x.json", answer_doc(learner="@SUM(A1)"))], QUIZZES)
    target = tmp_path / "gradebook.csv"
    target.write_text("old content")
    write_csv_atomic(rows, target)
    with open(target, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["learner", "quiz", "hash", "status", "score", "score_shown", "mismatch", "file"]
    assert table[1][0].startswith("'=") and table[2][0] == "'@SUM(A1)"
    assert table[1][4] == f"{round(rows[0].score, 4):.4f}"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    for value in ("=1", "+1", "-1", "@x", "\tx"):
        assert safe_cell(value).startswith("'")
    assert safe_cell("plain") == "plain" and safe_cell(None) == ""


def test_cli_grade(tmp_path):
    good = write(tmp_path, "good.json", answer_doc())
    junk = write(tmp_path, "junk.json", b"\x00\xff not json")
    out = tmp_path / "book.csv"
    proc = subprocess.run([sys.executable, "-m", "quizzes", "grade", good, junk, "--csv", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1                      # one file could not be graded
    assert "graded" in proc.stdout and "invalid" in proc.stdout and "not UTF-8" in proc.stdout
    assert out.read_text().count("\n") == 3


def test_parse_rejects_with_reason_only():
    for raw in (b"", b"{}", b"null", b"\"x\"", b"1" * 6000, b"{\"format\": 1e400}"):
        try:
            parse_answer_bytes(raw)
        except AnswerFileError as exc:
            assert exc.reason
        else:
            raise AssertionError(raw)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20)


@st.composite
def near_valid(draw):
    doc = answer_doc()
    key = draw(st.sampled_from(list(doc) + ["extra"]))
    doc[key] = draw(JSON)
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(JSON, near_valid()))
def test_grader_never_raises_on_arbitrary_json(tmp_path, doc):
    path = tmp_path / "h.json"
    path.write_text(json.dumps(doc))
    rows = grade_files([str(path)], QUIZZES)
    assert len(rows) == 1 and rows[0].status in {"graded", "duplicate", "old-version",
                                                 "unknown-quiz", "invalid"}
    csv_text(rows)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_grader_never_raises_on_arbitrary_bytes(tmp_path, raw):
    path = tmp_path / "b.json"
    path.write_bytes(raw)
    assert grade_files([str(path)], QUIZZES)[0].status in {"invalid", "graded", "old-version",
                                                           "unknown-quiz", "duplicate"}
