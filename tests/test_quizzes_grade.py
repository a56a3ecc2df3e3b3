"""Answer files and the grader: recompute, flag, never crash.

The grader is tested against its own bank (tests/fixtures/answers/banks/quiz-answers.yaml), so
these tests do not depend on the course banks, which educators edit; tests/test_quiz_widget.py
grades a real download against a course bank.
"""

import csv
import importlib.util
import io
import json
import os
import socket
import stat
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from quizzes_cli import run_quizzes

from quizzes.grading import grade
from quizzes.grading.answers import MAX_BYTES, AnswerFileError, parse_answer_bytes
from quizzes.grading.grade import (
    BanksError,
    csv_text,
    exit_status,
    grade_files,
    load_quizzes,
    safe_cell,
    write_csv_atomic,
)
from quizzes.rules import scoring

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "answers"
FIXTURE_BANKS = FIXTURES / "banks"
QUIZZES = load_quizzes(FIXTURE_BANKS)
QUIZ = QUIZZES["quiz-answers"]


def score_answers(quiz_id, answers):
    assert quiz_id == QUIZ.id
    return scoring.score_quiz(QUIZ, answers)


def answer_doc(**over):
    first = QUIZ.questions()[0]
    doc = {
        "format": "crlm-quiz-answers",
        "version": 1,
        "quiz": QUIZ.id,
        "hash": QUIZ.hash,
        "learner": "ada",
        "answers": {first.id: [first.options[0].id]},
        "score_shown": None,
        "saved_at": "2025-01-31T10:00:00Z",
    }
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
        write(
            tmp_path,
            "two.json",
            answer_doc(answers={QUIZ.questions()[0].id: [o.id for o in QUIZ.questions()[0].options[:2]]}),
        ),
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
    for name in (
        "badq.json",
        "bado.json",
        "two.json",
        "extra.json",
        "garbage.bin",
        "latin1.json",
        "huge.json",
        "inf.json",
        "nan.json",
        "types.json",
        "boolver.json",
        "list.json",
        "deep.json",
        "dupkey.json",
        "badtime.json",
        "shown.json",
        "missing.json",
    ):
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
    evil = write(tmp_path, "=evil.json", answer_doc(learner='=HYPERLINK("http://x")'))
    rows = grade_files([evil, write(tmp_path, "x.json", answer_doc(learner="@SUM(A1)"))], QUIZZES)
    target = tmp_path / "gradebook.csv"
    target.write_text("old content")
    write_csv_atomic(rows, target)
    with open(target, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["learner", "quiz", "hash", "status", "score", "score_shown", "mismatch", "file", "mode", "note"]
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
    proc = run_quizzes("grade", good, junk, "--csv", out, "--banks", FIXTURE_BANKS)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1  # one file could not be graded
    assert "graded" in proc.stdout and "invalid" in proc.stdout and "not UTF-8" in proc.stdout
    assert out.read_text().count("\n") == 3


def test_parse_rejects_with_reason_only():
    for raw in (b"", b"{}", b"null", b'"x"', b"1" * 6000, b'{"format": 1e400}'):
        try:
            parse_answer_bytes(raw)
        except AnswerFileError as exc:
            assert exc.reason
        else:
            raise AssertionError(raw)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


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
    assert len(rows) == 1 and rows[0].status in {"graded", "duplicate", "old-version", "unknown-quiz", "invalid"}
    csv_text(rows)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_grader_never_raises_on_arbitrary_bytes(tmp_path, raw):
    path = tmp_path / "b.json"
    path.write_bytes(raw)
    assert grade_files([str(path)], QUIZZES)[0].status in {
        "invalid",
        "graded",
        "old-version",
        "unknown-quiz",
        "duplicate",
    }


# --- Fuzzed answer files (issue 10): one bad file never stops the batch --------------------------


def _load_cases():
    spec = importlib.util.spec_from_file_location("answer_fixture_cases", FIXTURES / "make_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = _load_cases()
FILES_DIR = CASES.FILES_DIR
CSV_CONTROLS = {chr(c) for c in list(range(0x20)) + list(range(0x7F, 0xA0))} | {"\u2028", "\u2029"}


def read_gradebook(path):
    raw = Path(path).read_bytes()
    assert b"\r" not in raw
    text = raw.decode("utf-8")  # strict: no surrogate escaped its way in
    lines = text.splitlines()
    for line in lines:  # every cell quoted, one row per line
        assert line.startswith('"') and line.endswith('"'), line
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == len(lines)  # no cell spans two lines
    return table


def assert_cell_safe(cell):
    assert not CSV_CONTROLS & set(cell), repr(cell)
    visible = cell.lstrip()
    assert not visible.startswith(grade._FORMULA_START), repr(cell)


def test_fixture_files_are_the_listed_cases():
    assert len(CASES.CASES) >= 40
    assert QUIZ.hash == CASES.HASH, "the fixture bank changed: re-run make_files.py"
    on_disk = sorted(p.name for p in FILES_DIR.iterdir())
    assert on_disk == sorted(c.name for c in CASES.CASES)
    for case in CASES.CASES:
        assert (FILES_DIR / case.name).read_bytes() == case.raw, f"{case.name} differs from make_files.py: re-run it"


def test_each_fuzzed_file_gets_its_status_and_reason():
    rows = grade_files([FILES_DIR], QUIZZES)  # a folder: walked in name order
    assert [Path(r.file).name for r in rows] == [c.name for c in CASES.CASES]
    invalid = 0
    for case, row in zip(CASES.CASES, rows):
        assert row.status == case.status, (case.name, row)
        if case.reason:
            assert case.reason in row.reason, (case.name, row.reason)
        else:
            assert row.reason == "", (case.name, row.reason)
        if case.score is not None:
            assert scoring.display(row.score) == case.score, case.name
        if case.status != "graded":
            assert row.score is None or case.status in ("duplicate", "conflict"), case.name
        if case.learner_cell is not None:
            assert safe_cell(row.learner) == case.learner_cell, case.name
        invalid += row.status == "invalid"
    assert invalid >= 40


def _special_files(folder: Path) -> dict[str, tuple[str, str]]:
    """Files that are not plain answer files, with (status, reason). Returns name -> expected."""
    folder.mkdir()

    def good(learner):
        return json.dumps({**json.loads(CASES.FULL_BYTES), "learner": learner})

    os.mkfifo(folder / "pipe.json")
    (folder / "real-folder").mkdir()
    (folder / "folder-link.json").symlink_to(folder / "real-folder")
    (folder / "device.json").symlink_to("/dev/null")
    (folder / "dangling.json").symlink_to(folder / "nowhere.json")
    (folder / "loop.json").symlink_to(folder / "loop.json")
    (folder / "too-large.json").write_bytes(b" " * (MAX_BYTES + 1))
    (folder / "cr\r=cmd|x.json").write_text(good("cr-in-file-name"))
    (folder / os.fsdecode(b"caf\xe9.json")).write_text(good("latin-1-file-name"))
    (folder / "nested" / "deeper").mkdir(parents=True)
    (folder / "nested" / "deeper" / "answer.json").write_text(good("nested"))
    (folder / "dir.json").mkdir()
    (folder / "dir.json" / "inside.json").write_text(good("inside-dir-named-json"))
    (folder / ".hidden.json").write_text(good("hidden"))  # skipped, like the shell's *.json
    (folder / "notes.txt").write_text("not an answer file")  # skipped
    return {
        "pipe.json": ("invalid", "not a regular file: a named pipe"),
        "folder-link.json": ("invalid", "not a regular file: a folder"),
        "device.json": ("invalid", "not a regular file: a character device"),
        "dangling.json": ("invalid", "cannot read: No such file or directory"),
        "loop.json": ("invalid", "cannot read: Too many levels of symbolic links"),
        "too-large.json": ("invalid", f"file larger than {MAX_BYTES} bytes"),
        "cr\r=cmd|x.json": ("graded", ""),
        os.fsdecode(b"caf\xe9.json"): ("graded", ""),
        "answer.json": ("graded", ""),
        "inside.json": ("graded", ""),
    }


def _grade_with_watchdog(files, quizzes, seconds=30):
    """grade_files in a daemon thread: a grader that blocks on a pipe fails the test, not the run."""
    result = {}
    worker = threading.Thread(target=lambda: result.update(rows=grade_files(files, quizzes)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the grader hung (a named pipe or device was opened)"
    return result["rows"]


def test_special_files_are_invalid_rows_and_never_hang(tmp_path):
    expected = _special_files(tmp_path / "class")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "s.json"))
    os.mkfifo(tmp_path / "explicit-pipe")
    expected.update(
        {
            "s.json": ("invalid", "not a regular file: a socket"),
            "explicit-pipe": ("invalid", "not a regular file: a named pipe"),
            "missing.json": ("invalid", "cannot read: No such file or directory"),
        }
    )
    try:
        rows = _grade_with_watchdog(
            [tmp_path / "class", tmp_path / "s.json", tmp_path / "explicit-pipe", tmp_path / "missing.json"], QUIZZES
        )
    finally:
        sock.close()
    got = {Path(r.file).name: r for r in rows}
    assert sorted(got) == sorted(expected)  # one row per file; hidden and .txt skipped
    for name, (status, reason) in expected.items():
        assert got[name].status == status, (name, got[name])
        assert reason in got[name].reason if reason else got[name].reason == "", (name, got[name])
    table = csv_text(rows)
    assert "\r" not in table and "caf\\xe9.json" in table and "cr\ufffd=cmd|x.json" in table


def test_one_gradebook_row_per_file_over_fuzzed_special_and_valid_files(tmp_path):
    """The whole class through the real command: exit 1 (some files are bad), no traceback, and a
    complete gradebook: one quoted, neutralised row per file, mode 0644."""
    special = _special_files(tmp_path / "class")
    valid = tmp_path / "valid"
    valid.mkdir()
    for i in range(25):
        doc = {
            **json.loads(CASES.FULL_BYTES),
            "learner": f"valid-{i:02d}",
            "answers": {"ga-q1": ["abcd"[i % 4]], "ga-q3": ["b"]},
            "score_shown": None,
        }
        (valid / f"valid-{i:02d}.json").write_text(json.dumps(doc))
    out = tmp_path / "gradebook.csv"
    proc = run_quizzes(
        "grade", FILES_DIR, tmp_path / "class", valid, "--banks", FIXTURE_BANKS, "--csv", out, umask=0o022
    )
    stderr = proc.stderr
    assert "Traceback" not in stderr and proc.returncode == 1, stderr
    table = read_gradebook(out)
    assert table[0] == list(grade.CSV_COLUMNS)
    rows = table[1:]
    assert len(rows) == len(CASES.CASES) + len(special) + 25
    statuses = [row[3] for row in rows]
    assert statuses[: len(CASES.CASES)] == [c.status for c in CASES.CASES]
    assert statuses[-25:] == ["graded"] * 25
    assert [float(r[4]) for r in rows[-25:]] == [(1.0 * (i % 4 == 0) + 2) / 4 for i in range(25)]
    for row in rows:
        for cell in row:
            assert_cell_safe(cell)
    learners = {row[0] for row in rows}
    for case in CASES.CASES:
        if case.learner_cell is not None:
            assert case.learner_cell in learners, case.name
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert "invalid" in proc.stdout and "not a regular file: a named pipe" in proc.stdout


# --- Bank folder: checked before any file is read ----------------------------------------------


def _bank_problems(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "quiz-answers.yaml").write_text("id: quiz-answers\ntitle: [unclosed\n")
    not_bank = tmp_path / "notes.txt"
    not_bank.write_text("id: nothing\n")
    os.mkfifo(tmp_path / "banks-pipe")
    return {
        tmp_path / "no-such-folder": "does not exist",
        empty: "holds no bank files",
        broken: "holds no valid bank",
        not_bank: "holds no valid bank",
        tmp_path / "banks-pipe": "is not a folder or a bank file",
    }


def test_unusable_bank_folder_is_an_error_before_grading(tmp_path):
    answer = tmp_path / "a.json"
    answer.write_bytes(CASES.FULL_BYTES)
    target = tmp_path / "book.csv"
    for banks, message in _bank_problems(tmp_path).items():
        with pytest.raises(BanksError) as caught:
            load_quizzes(banks)
        assert str(banks) in str(caught.value) and message in str(caught.value)
        out, err = io.StringIO(), io.StringIO()
        assert grade.command([str(answer)], str(target), str(banks), out, err) == 2
        assert out.getvalue() == "" and not target.exists()  # nothing graded, nothing written
        assert err.getvalue().startswith("error: bank folder ") and str(banks) in err.getvalue()
        assert message in err.getvalue()


def test_cli_unusable_bank_folder_exits_2_naming_it(tmp_path):
    answer = tmp_path / "a.json"
    answer.write_bytes(CASES.FULL_BYTES)
    missing = tmp_path / "no-such-folder"
    proc = run_quizzes("grade", answer, "--banks", missing, "--csv", tmp_path / "book.csv")
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2 and str(missing) in proc.stderr and "does not exist" in proc.stderr
    assert "unknown-quiz" not in proc.stdout and not (tmp_path / "book.csv").exists()


def test_broken_bank_beside_good_ones_is_named_in_the_rows(tmp_path):
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "quiz-answers.yaml").write_bytes((FIXTURE_BANKS / "quiz-answers.yaml").read_bytes())
    (banks / "quiz-broken.yaml").write_text("id: quiz-broken\ntitle: Broken\ncases: []\n")
    quizzes = load_quizzes(banks)
    assert list(quizzes) == ["quiz-answers"] and list(quizzes.broken) == ["quiz-broken"]
    answer = tmp_path / "a.json"
    answer.write_text(json.dumps({**json.loads(CASES.FULL_BYTES), "quiz": "quiz-broken"}))
    good = tmp_path / "b.json"
    good.write_bytes(CASES.FULL_BYTES)
    out, err = io.StringIO(), io.StringIO()
    assert grade.command([str(answer), str(good)], None, str(banks), out, err) == 1
    assert "warning: bank " in err.getvalue() and "quiz-broken.yaml" in err.getvalue()
    rows = grade_files([answer, good], quizzes)
    assert [r.status for r in rows] == ["unknown-quiz", "graded"]
    assert "quiz-broken.yaml does not validate" in rows[0].reason


def test_unwritable_csv_target_is_an_error_before_grading(tmp_path):
    answer = tmp_path / "a.json"
    answer.write_bytes(CASES.FULL_BYTES)
    for target, message in ((tmp_path / "nowhere" / "book.csv", "does not exist"), (tmp_path, "it is a folder")):
        out, err = io.StringIO(), io.StringIO()
        assert grade.command([str(answer)], str(target), str(FIXTURE_BANKS), out, err) == 2
        assert out.getvalue() == "" and message in err.getvalue() and str(target) in err.getvalue()


# --- What reaches the spreadsheet and the terminal ---------------------------------------------

FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "=cmd|' /C calc'!A0", "\uff1d1", "\uff20x"]
LEADS = [
    "",
    " ",
    "  ",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\x00",
    "\x0b",
    "\x1b",
    "\x85",
    "\xa0",
    "\u2028",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\ud800",
    " \t ",
]


def test_safe_cell_neutralises_every_lead_before_a_formula():
    attempts = 0
    for lead in LEADS:
        for formula in FORMULAS:
            # At the start, after any whitespace or invisible characters: quoted.
            cell = safe_cell(lead + formula)
            assert_cell_safe(cell)
            assert cell.startswith("'") and cell.endswith(formula), repr(lead + formula)
            assert len(cell) == len(lead + formula) + 1  # characters replaced one for one
            # Inside a cell (after a CR or LF, say): it cannot start a row, nothing to quote.
            cell = safe_cell("name" + lead + formula)
            assert_cell_safe(cell)
            assert cell.startswith("name") and cell.endswith(formula)
            assert len(cell) == len("name" + lead + formula)
            attempts += 2
    assert attempts == 252
    assert safe_cell("Zoë 李") == "Zoë 李" and safe_cell(" ada") == " ada"
    assert safe_cell("ada\r=1") == "ada\ufffd=1" and safe_cell("\r=1") == "'\ufffd=1"


ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_cell_text_stays_one_safe_cell(text):
    cell = safe_cell(text)
    assert_cell_safe(cell)
    assert not any("\ud800" <= ch <= "\udfff" for ch in cell)
    table = csv_text([grade.GradeRow(file=text, status="invalid", learner=text, quiz=text)])
    table.encode("utf-8")
    assert len(table.splitlines()) == 2 and len(list(csv.reader(io.StringIO(table)))) == 2


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ANY_TEXT)
def test_any_learner_name_is_graded_or_refused_never_raises(tmp_path, learner):
    path = tmp_path / "l.json"
    path.write_bytes(json.dumps({**json.loads(CASES.FULL_BYTES), "learner": learner}).encode())
    [row] = grade_files([path], QUIZZES)
    surrogate = any("\ud800" <= ch <= "\udfff" for ch in learner)
    if surrogate:
        assert row.status == "invalid" and "not valid Unicode" in row.reason
    elif len(learner) <= 200:
        assert row.status == "graded" and row.learner == learner
    grade.summary_table([row]).encode("utf-8")
    assert_cell_safe(next(csv.reader(io.StringIO(csv_text([row]).splitlines()[1])))[0])


def test_terminal_output_survives_surrogates_controls_and_ascii(tmp_path):
    name = tmp_path / os.fsdecode(b"\xff\x1b[31m.json")
    name.write_bytes(CASES.FULL_BYTES.replace(b"full-marks", b"Zo\\u00eb\\r\\u001b[2J"))
    bad = tmp_path / "s.json"
    bad.write_bytes(CASES.FULL_BYTES.replace(b"full-marks", b"\\ud800"))
    rows = grade_files([name, bad], QUIZZES)
    assert [r.status for r in rows] == ["graded", "invalid"]
    table = grade.summary_table(rows)
    assert "\x1b" not in table and "\r" not in table and "\ud800" not in table
    buffer = io.BytesIO()
    ascii_out = io.TextIOWrapper(buffer, encoding="ascii")  # a terminal with no UTF-8
    err = io.StringIO()
    assert grade.command([str(tmp_path)], str(tmp_path / "b.csv"), str(FIXTURE_BANKS), ascii_out, err) == 1
    ascii_out.flush()
    printed = buffer.getvalue().decode("ascii")
    assert "Zo\\xeb??[2J" in printed and "not valid Unicode" in printed
    files = [row[7] for row in read_gradebook(tmp_path / "b.csv")[1:]]
    assert any(f.endswith("/\\xff\ufffd[31m.json") for f in files), files  # undecodable name


def test_gradebook_mode_follows_a_stricter_umask_and_failed_writes_leave_the_old_file(tmp_path):
    rows = grade_files([FILES_DIR / "01-full-marks.json"], QUIZZES)
    target = tmp_path / "book.csv"
    old = os.umask(0o077)
    try:
        write_csv_atomic(rows, target)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # never wider than the umask allows
    os.umask(0o022)
    try:
        write_csv_atomic(rows, target)
        assert stat.S_IMODE(target.stat().st_mode) == 0o644

        class Unprintable:
            def __str__(self):
                raise RuntimeError("no text")

        before = target.read_bytes()
        with pytest.raises(RuntimeError):
            write_csv_atomic([grade.GradeRow("x.json", "graded", learner=Unprintable())], target)
        assert target.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["book.csv"]
    finally:
        os.umask(old)


def test_an_unexpected_failure_is_an_invalid_row_and_the_batch_goes_on(tmp_path, monkeypatch):
    """The last guard in grade_files: a bug in the checks of one file (simulated here, since every
    known input has its own reason) becomes an invalid row; the next file is still graded."""
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    first.write_bytes(CASES.FULL_BYTES)
    second.write_bytes(CASES.FULL_BYTES.replace(b"full-marks", b"second"))
    real = grade.parse_answer_bytes

    def flaky(raw):
        if b"full-marks" in raw:
            raise MemoryError("simulated")
        return real(raw)

    monkeypatch.setattr(grade, "parse_answer_bytes", flaky)
    rows = grade_files([first, second], QUIZZES)
    assert [r.status for r in rows] == ["invalid", "graded"]
    assert rows[0].reason == "could not be graded: MemoryError: simulated"


def test_a_folder_without_answer_files_is_reported_not_an_empty_gradebook(tmp_path):
    (tmp_path / "notes.txt").write_text("no answers here")
    out, err = io.StringIO(), io.StringIO()
    assert grade.command([str(tmp_path)], str(tmp_path / "book.csv"), str(FIXTURE_BANKS), out, err) == 1
    assert "no answer files found" in err.getvalue() and not (tmp_path / "book.csv").exists()
