"""`python -m quizzes check`: validate the registry and every bank, then report coverage.

Nothing is written. Exit status 1 when any error is found (coverage shortfalls count as errors
only with --strict), else 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from quizzes import paths, vocab
from quizzes.catalogue import bank_files
from quizzes.checks import itemlint
from quizzes.parsing.bank import parse_bank
from quizzes.parsing.bib import load_keys
from quizzes.parsing.issues import Issue, Issues
from quizzes.parsing.model import Quiz, Registry, iter_questions
from quizzes.parsing.registry import parse_registry
from quizzes.rules import decide


@dataclass
class CheckResult:
    issues: list[Issue] = field(default_factory=list)
    registry: Registry | None = None
    quizzes: list[Quiz] = field(default_factory=list)
    bib_source: str = ""
    coverage: list[dict] = field(default_factory=list)
    contra_coverage: list[dict] = field(default_factory=list)
    topic_coverage: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]


def run_check(banks=None, registry_path=None, strict: bool = False, bib=None) -> CheckResult:
    result = CheckResult()
    keys, result.bib_source = load_keys(bib)
    registry_path = Path(registry_path) if registry_path else paths.REGISTRY_FILE
    registry, reg_issues = parse_registry(registry_path, keys)
    result.issues.extend(reg_issues)
    result.registry = registry
    if registry is not None:
        result.issues.extend(_check_rules_cite_registry(registry))
    files = bank_files(banks if banks is not None else paths.BANKS_DIR)
    if not files:
        result.issues.append(Issue(str(banks), 0, "", "no bank files (*.yaml) found", "error"))
    for path in files:
        quiz, issues = parse_bank(path, registry)
        result.issues.extend(issues)
        if quiz is not None:
            result.quizzes.append(quiz)
            result.issues.extend(itemlint.lint_bank(quiz, registry, keys, strict))
    if registry is not None:
        result.coverage = coverage_rows(registry, result.quizzes)
        level = "error" if strict else "warning"
        for row in result.coverage:
            if row["source"] == "review" and row["questions"] < vocab.MIN_QUESTIONS_PER_REVIEW_RECORD:
                result.issues.append(
                    Issue(
                        Issues(registry.path).file,
                        0,
                        row["id"],
                        f"review record examined by {row['questions']} question(s); at least "
                        f"{vocab.MIN_QUESTIONS_PER_REVIEW_RECORD} required",
                        level,
                    )
                )
    result.contra_coverage = contraindication_rows(result.quizzes)
    result.topic_coverage = topic_rows(result.quizzes)
    return result


def _check_rules_cite_registry(registry: Registry) -> list[Issue]:
    issues = Issues(str(Path(decide.__file__)))
    for rid in sorted(decide.rule_record_ids()):
        if rid not in registry.records:
            issues.error(0, "rules", f"decision rule cites unknown registry record {rid!r}")
    return issues


def coverage_rows(registry: Registry, quizzes: list[Quiz]) -> list[dict]:
    rows = []
    for rid, rec in registry.records.items():
        n = 0
        where: list[str] = []
        for quiz in quizzes:
            hits = sum(1 for _, q in iter_questions(quiz) if rid in q.examines)
            if hits:
                n += hits
                where.append(quiz.id)
        rows.append({"id": rid, "source": rec.source, "questions": n, "quizzes": where})
    return rows


def contraindication_rows(quizzes: list[Quiz]) -> list[dict]:
    rows = []
    for factor in vocab.CONTRAINDICATIONS:
        cases = [
            f"{quiz.id}/{case.id}"
            for quiz in quizzes
            for case in quiz.cases
            if factor in case.features["contraindications"]
        ]
        rows.append({"contraindication": factor, "cases": len(cases), "where": cases})
    return rows


def topic_rows(quizzes: list[Quiz]) -> list[dict]:
    """Questions per task and per setting (the case's): the progress page's topics."""
    rows = []
    for task in vocab.TASKS:
        asked = [(case, q) for quiz in quizzes for case, q in iter_questions(quiz) if q.task == task]
        rows.append(
            {
                "task": task,
                "questions": len(asked),
                "settings": {s: sum(1 for case, _ in asked if case.features["setting"] == s) for s in vocab.SETTINGS},
            }
        )
    return rows


def format_report(result: CheckResult) -> str:
    lines = [f"bibliography keys from: {result.bib_source}"]
    for issue in sorted(result.issues, key=lambda i: (i.level != "error", i.file, i.line)):
        lines.append(str(issue))
    if result.coverage:
        lines.append("")
        lines.append("Recommendation coverage (questions examining each record)")
        width = max(len(r["id"]) for r in result.coverage)
        swidth = max(len(r["source"]) for r in result.coverage)
        lines.append(f"{'id':<{width}}  {'source':<{swidth}}  questions  quizzes")
        for r in result.coverage:
            lines.append(
                f"{r['id']:<{width}}  {r['source']:<{swidth}}  {r['questions']:>9}  {', '.join(r['quizzes']) or '-'}"
            )
    lines.append("")
    lines.append("Contraindication coverage (cases whose features list it)")
    for r in result.contra_coverage:
        lines.append(f"{r['contraindication']:<30}  {r['cases']:>3}  {', '.join(r['where']) or '-'}")
    if result.quizzes:
        lines.append("")
        lines.append("Topic coverage (questions per task, by the setting of their case)")
        lines.append(f"{'task':<18}  {'all':>3}  " + "  ".join(f"{s:>17}" for s in vocab.SETTINGS))
        for r in result.topic_coverage:
            lines.append(
                f"{r['task']:<18}  {r['questions']:>3}  " + "  ".join(f"{r['settings'][s]:>17}" for s in vocab.SETTINGS)
            )
    if result.quizzes:
        lines.append("")
        lines.extend(itemlint.format_cue_table(itemlint.cue_rows(result.quizzes)))
    lines.append("")
    lines.append(
        f"{len(result.quizzes)} quiz bank(s) valid; {len(result.errors)} error(s), {len(result.warnings)} warning(s)"
    )
    return "\n".join(lines)
