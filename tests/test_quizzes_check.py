"""`python -m quizzes check`: malformed fixtures are reported with file, line and field."""

import subprocess
import sys
from pathlib import Path

import pytest
from quizzes_cli import run_quizzes

from quizzes import vocab
from quizzes.checks.check import run_check
from quizzes.parsing.bank import parse_bank
from quizzes.parsing.bib import keys_from_bib, load_keys
from quizzes.parsing.registry import load_registry, parse_registry

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "quizzes"
BAD = FIX / "bad"

# file, line, field path, fragment of the message
BAD_BANKS = [
    ("bad-credit-not-moodle.yaml", 29, "cases[0].questions[0].options[1].credit", "Moodle's list"),
    ("bad-credit-type.yaml", 29, "cases[0].questions[0].options[1].credit", "must be a number"),
    ("bad-single-two-full.yaml", 18, "cases[0].questions[0].options", "exactly one option with credit 1 (found 2)"),
    ("bad-single-no-full.yaml", 18, "cases[0].questions[0].options", "exactly one option with credit 1 (found 0)"),
    ("bad-multiple-sum.yaml", 37, "cases[0].questions[1].options", "sum to 1"),
    ("bad-unknown-field.yaml", 24, "cases[0].questions[0].options[0].explanation", "unknown field"),
    ("bad-unknown-rec.yaml", 24, "cases[0].questions[0].options[0].follows", "unknown recommendation id 'rev-made-up'"),
    ("bad-duplicate-question-id.yaml", 33, "cases[0].questions[1].id", "duplicate question id"),
    ("bad-duplicate-option-id.yaml", 26, "cases[0].questions[0].options[1].id", "duplicate option id"),
    ("bad-question-type.yaml", 34, "cases[0].questions[1].type", "'truefalse' is not one of"),
    ("bad-missing-feedback.yaml", 44, "cases[0].questions[1].options[1].feedback", "missing required field"),
    ("bad-reveal-after.yaml", 36, "cases[0].questions[1].reveal_after", "not an earlier question"),
    ("bad-feature-value.yaml", 8, "cases[0].features.setting", "'second-line' is not one of"),
    ("bad-contraindication.yaml", 11, "cases[0].features.contraindications[0]", "'ascites' is not one of"),
    ("bad-task-value.yaml", 15, "cases[0].questions[0].task", "'prognosis' is not one of"),
    ("bad-task-missing.yaml", 13, "cases[0].questions[0].task", "missing required field"),
    ("bad-weight.yaml", 16, "cases[0].questions[0].weight", "greater than 0"),
    ("bad-id-mismatch.yaml", 1, "id", "must equal the file name stem"),
    ("bad-yaml-syntax.yaml", 21, "", "YAML syntax"),
    ("bad-duplicate-key.yaml", 23, "", "duplicate key 'credit'"),
    ("bad-contraindicated-credit.yaml", 22, "cases[0].questions[0].options[0].credit", "marks contraindicated"),
    ("bad-modality-key.yaml", 16, "cases[0].questions[0].modality", "recommend() gives 'not-supported'"),
    ("bad-follows-not-list.yaml", 24, "cases[0].questions[0].options[0].follows", "must be a list"),
    ("bad-credited-option-untagged.yaml", 21, "cases[0].questions[0].options[0].modality", "credited option must name"),
    (
        "bad-follow-and-contradict.yaml",
        25,
        "cases[0].questions[0].options[0].contradicts",
        "both follow and contradict",
    ),
    ("bad-case-missing-features.yaml", 4, "cases[0].features", "missing required field"),
    ("bad-empty-cases.yaml", 3, "cases", "must not be empty"),
    ("bad-root-list.yaml", 1, "(root)", "expected a mapping"),
    # issue 10: values that used to crash `check` with a traceback, or pass it and break later
    (
        "bad-impossible-date.yaml",
        29,
        "cases[0].questions[0].options[1].credit",
        "must be a number, got string '2024-02-30'",
    ),
    ("bad-timestamp-tag.yaml", 5, "cases[0].title", "YAML tag !!timestamp is not allowed"),
    ("bad-int-tag.yaml", 29, "cases[0].questions[0].options[1].credit", "'abc' is not a valid int"),
    ("bad-float-tag.yaml", 16, "cases[0].questions[0].weight", "'abc' is not a valid float"),
    ("bad-huge-int.yaml", 29, "cases[0].questions[0].options[1].credit", "integer with 5000 digits is too long"),
    ("bad-binary-tag.yaml", 2, "title", "YAML tag !!binary is not allowed"),
    ("bad-python-tag.yaml", 6, "cases[0].vignette", "YAML tag !!python/object/apply:os.system is not allowed"),
    ("bad-control-char.yaml", 21, "cases[0].questions[0].options[0].text", "control character U+0001"),
    ("bad-lone-surrogate.yaml", 23, "cases[0].questions[0].options[0].feedback", "lone surrogate U+D800"),
    ("bad-bidi-override.yaml", 5, "cases[0].title", "bidirectional control U+202E"),
    ("bad-xml-illegal.yaml", 17, "cases[0].questions[0].stem", "noncharacter U+FFFF"),
    ("bad-title-markup.yaml", 5, "cases[0].title", "contains '<' at character 9; this field is plain text"),
    ("bad-id-too-long.yaml", 13, "cases[0].questions[0].id", "id is 10001 characters long; at most 200 allowed"),
    ("bad-id-newline.yaml", 13, "cases[0].questions[0].id", "control character U+000A"),
    ("bad-follows-not-id.yaml", 24, "cases[0].questions[0].options[0].follows[0]", "is not a valid id"),
    ("bad-text-too-long.yaml", 30, "cases[0].questions[0].options[1].feedback", "at most 5000 allowed"),
    ("bad-raw-control-byte.yaml", 17, "", "character U+0007 is not allowed in YAML text (in the value of 'stem')"),
    ("bad-one-option.yaml", 18, "cases[0].questions[0].options", "at least 2 options (found 1)"),
    ("bad-too-many-options.yaml", 18, "cases[0].questions[0].options", "lists 14 items; at most 12 allowed"),
]

BAD_REGISTRIES = [
    ("registry-unknown-bibkey.yaml", 18, "records[0].evidence", "unknown bibliography key 'smith2020'"),
    ("registry-review-id-prefix.yaml", 9, "records[0].id", "reserved for"),
    ("registry-review-no-quote.yaml", 16, "records[0].locator", "short quoted phrase"),
    ("registry-bad-modality.yaml", 12, "records[0].modality", "'sirt' is not one of"),
    ("registry-bad-locator.yaml", 16, "records[0].locator", "abstract sentence N"),
    ("registry-unknown-source.yaml", 10, "records[0].source", "unknown source"),
    ("registry-duplicate-id.yaml", 22, "records[1].id", "duplicate record id"),
    ("registry-label-markup.yaml", 11, "records[0].label", "contains '<'"),
    ("registry-quote-control.yaml", 17, "records[0].quote", "control character U+0007"),
    ("registry-version-huge-int.yaml", 2, "version", "integer with 4000 digits is too long"),
    ("registry-evidence-surrogate.yaml", 18, "records[0].evidence[0]", "lone surrogate U+DC00"),
    ("registry-locator-bidi.yaml", 16, "records[0].locator", "bidirectional control U+2066"),
]


def _assert_reported(issues, name, line, path, fragment):
    messages = [str(i) for i in issues if i.level == "error"]
    expected_prefix = f"{name}:{line}: error:"
    hits = (
        [m for m in messages if expected_prefix in m and f" {path}:" in m + ":" and fragment in m]
        if path
        else [m for m in messages if expected_prefix in m and fragment in m]
    )
    assert hits, f"expected {expected_prefix} {path} ~ {fragment!r}; got:\n" + "\n".join(messages)


def test_enough_bad_fixtures():
    assert len(BAD_BANKS) + len(BAD_REGISTRIES) >= 40
    on_disk = {p.name for p in BAD.glob("*.yaml")}
    assert on_disk == {row[0] for row in BAD_BANKS + BAD_REGISTRIES}


@pytest.mark.parametrize("name,line,path,fragment", BAD_BANKS, ids=[r[0] for r in BAD_BANKS])
def test_bad_bank_reported(name, line, path, fragment):
    quiz, issues = parse_bank(BAD / name, load_registry())
    assert quiz is None
    _assert_reported(issues, name, line, path, fragment)


@pytest.mark.parametrize("name,line,path,fragment", BAD_REGISTRIES, ids=[r[0] for r in BAD_REGISTRIES])
def test_bad_registry_reported(name, line, path, fragment):
    registry, issues = parse_registry(BAD / name, load_keys()[0])
    assert registry is None
    _assert_reported(issues, name, line, path, fragment)


def test_good_fixtures_are_clean():
    quiz, issues = parse_bank(FIX / "good" / "quiz-mini.yaml", load_registry())
    assert quiz is not None and not issues
    registry, issues = parse_registry(FIX / "good" / "registry-mini.yaml", load_keys()[0])
    assert registry is not None and not issues


def test_real_files_pass_strict():
    result = run_check(strict=True)
    assert not result.errors, "\n".join(map(str, result.errors))
    # other chapters' banks may sit beside quiz-settings; all of them must pass
    assert "quiz-settings" in [q.id for q in result.quizzes]
    review_rows = [r for r in result.coverage if r["source"] == "review"]
    assert len(review_rows) >= 10
    assert all(r["questions"] >= vocab.MIN_QUESTIONS_PER_REVIEW_RECORD for r in review_rows)
    assert all(r["cases"] >= 1 for r in result.contra_coverage)


def test_coverage_shortfall_is_warning_unless_strict():
    mini = FIX / "good" / "quiz-mini.yaml"
    relaxed = run_check(banks=[mini])
    assert not relaxed.errors
    assert any("at least 2 required" in w.message for w in relaxed.warnings)
    strict = run_check(banks=[mini], strict=True)
    assert any("at least 2 required" in e.message for e in strict.errors)


def _cli(*args):
    return run_quizzes(*args)


def test_python_m_quizzes_runs_the_same_command_line_as_the_tests():
    """The other CLI tests call quizzes.cli.main in-process (tests/quizzes_cli.py); the real entry
    point gives the same exit status and output."""
    args = ("check", "--banks", str(BAD / "bad-credit-not-moodle.yaml"))
    real = subprocess.run(
        [sys.executable, "-m", "quizzes", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    here = run_quizzes(*args)
    assert (real.returncode, real.stdout, real.stderr) == (here.returncode, here.stdout, here.stderr)
    assert real.returncode == 1 and "bad-credit-not-moodle.yaml:29" in real.stdout


def test_cli_check_real_files_and_coverage_table():
    proc = _cli("check", "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Recommendation coverage" in proc.stdout
    assert "rev-haip-adjuvant" in proc.stdout and "quiz-settings" in proc.stdout
    assert "Contraindication coverage" in proc.stdout
    assert "portal-vein-thrombosis" in proc.stdout


def test_cli_check_bad_dir_fails_and_writes_nothing(tmp_path):
    before = {p: p.stat().st_mtime_ns for p in BAD.iterdir()}
    proc = _cli("check", "--banks", str(BAD / "bad-credit-not-moodle.yaml"))
    assert proc.returncode == 1
    assert "bad-credit-not-moodle.yaml:29" in proc.stdout
    assert "cases[0].questions[0].options[1].credit" in proc.stdout
    assert {p: p.stat().st_mtime_ns for p in BAD.iterdir()} == before


def test_cli_check_bad_registry():
    proc = _cli("check", "--registry", str(BAD / "registry-bad-modality.yaml"))
    assert proc.returncode == 1
    assert "registry-bad-modality.yaml:12" in proc.stdout


def test_bib_parsing_and_missing_file(tmp_path):
    text = "@string{j = {JCO}}\n@Article{ raphael2022,\n title={x}}\n@book{kemeny1999 ,}\n@comment{no}"
    assert keys_from_bib(text) == {"raphael2022", "kemeny1999"}
    with pytest.raises(FileNotFoundError, match="missing.bib: no bibliography file"):
        load_keys(tmp_path / "missing.bib")
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{frombib,\n}")
    assert load_keys(bib) == ({"frombib"}, str(bib))


def test_not_utf8_bank_reported(tmp_path):
    path = tmp_path / "quiz-x.yaml"
    path.write_bytes(b"id: quiz-x\n\xff\xfe")
    quiz, issues = parse_bank(path, None)
    assert quiz is None and "not UTF-8" in str(issues[0]) and "quiz-x.yaml" in str(issues[0])


def test_cli_reports_every_malformed_bank_without_traceback():
    """The whole folder in one run: each file reported with a line, exit 1, no traceback."""
    proc = _cli("check", "--banks", str(BAD))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    for name, line, path, _ in BAD_BANKS:
        assert f"{name}:{line}: error:{' ' + path + ':' if path else ''}" in proc.stdout, name
    proc.stdout.encode("utf-8")  # printable: lone surrogates in the data are shown escaped


@pytest.mark.parametrize("name", [r[0] for r in BAD_REGISTRIES])
def test_check_reports_malformed_registry_without_exception(name):
    from quizzes.checks.check import format_report

    result = run_check(banks=[FIX / "good" / "quiz-mini.yaml"], registry_path=BAD / name)
    assert result.errors and result.registry is None
    format_report(result).encode("utf-8")


def _mini(tmp_path, replace: dict, name="quiz-mini.yaml"):
    text = (FIX / "good" / "quiz-mini.yaml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_id_limit_is_the_graders_limit(tmp_path):
    from quizzes.grading import answers

    assert vocab.MAX_ID_CHARS == answers.MAX_TEXT == 200
    ok = "q" * 200
    quiz, issues = parse_bank(_mini(tmp_path, {"id: q1": f"id: {ok}"}), load_registry())
    assert quiz is not None and quiz.question(ok) is not None, issues
    quiz, issues = parse_bank(_mini(tmp_path, {"id: q1": f"id: {ok}q"}), load_registry())
    assert quiz is None and any("at most 200" in i.message and i.line == 13 for i in issues)


def test_plain_scalars_that_look_like_dates_or_booleans_stay_text(tmp_path):
    """YAML 1.1 would make these a date, False and an int: where the schema wants text they
    are the text the author wrote."""
    path = _mini(
        tmp_path,
        {
            "title: Mini quiz": "title: No",
            "title: Adjuvant case": "title: 2024-02-30",
            "id: q2": "id: 2024",
            "stem: Which are true?": "stem: 2024-02-30T10:00:00Z",
        },
    )
    quiz, issues = parse_bank(path, load_registry())
    assert quiz is not None, "\n".join(map(str, issues))
    assert quiz.title == "No" and quiz.cases[0].title == "2024-02-30"
    assert quiz.question("2024").stem == "2024-02-30T10:00:00Z"
    # where a number is wanted, a date is still not one
    quiz, issues = parse_bank(_mini(tmp_path, {"credit: 0.5": "credit: 2024-01-01"}), None)
    assert quiz is None and any(i.line == 40 and i.path.endswith("options[0].credit") for i in issues)


def test_two_options_are_enough():
    # one option is an error (bad-one-option.yaml); fewer than 4 is only itemlint's warning
    quiz, issues = parse_bank(FIX / "good" / "quiz-mini.yaml", load_registry())
    assert quiz is not None and len(quiz.questions()[0].options) == 2


def test_oversized_and_special_files_are_refused(tmp_path):
    import os

    big = tmp_path / "quiz-big.yaml"
    big.write_text("id: quiz-big\ntitle: x\n#" + "x" * 2_100_000 + "\n", encoding="utf-8")
    quiz, issues = parse_bank(big, None)
    assert quiz is None and "larger than 2000000 bytes" in str(issues[0])
    fifo = tmp_path / "quiz-fifo.yaml"
    os.mkfifo(fifo)
    quiz, issues = parse_bank(fifo, None)  # would block forever if it were opened
    assert quiz is None and "not a regular file" in str(issues[0])


def test_nested_and_aliased_yaml_is_reported_not_raised(tmp_path):
    cases = {
        "title: [" * 3000 + "]" * 3000: "nesting too deep",
        "title: &a [*a]": "recursive",
        "title: !!map x": "needs a mapping",
        "title: !!seq {a: 1}": "needs a list",
        "title: x\n!!int abc: 1": "mapping key",
        "title: x\n? [a]\n: 1": "not a plain scalar",
    }
    for text, fragment in cases.items():
        quiz, issues = parse_bank(_mini(tmp_path, {"title: Mini quiz": text}), None)
        assert quiz is None and any(fragment in i.message for i in issues), (text[:30], issues)
