"""Command line: check | recommend | grade | export."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from quizzes import paths
from quizzes.catalogue import bank_files
from quizzes.checks.check import format_report, run_check
from quizzes.exports.common import BANK_NAME, select_quizzes
from quizzes.exports.moodle import moodle_xml
from quizzes.exports.publish import write_download
from quizzes.exports.qti import qti_zip
from quizzes.exports.scorm import package_name, scorm_zip
from quizzes.grading import grade
from quizzes.parsing.bank import parse_bank
from quizzes.parsing.registry import load_registry
from quizzes.rules import decide


def _cmd_check(args) -> int:
    result = run_check(banks=args.banks, registry_path=args.registry, strict=args.strict)
    print(format_report(result))
    return 1 if result.errors else 0


def _cmd_recommend(args) -> int:
    try:
        if args.case == "-":
            text = sys.stdin.read()
        else:
            with open(args.case, encoding="utf-8") as handle:
                text = handle.read()
        case = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: cannot read case JSON from {args.case}: {exc}", file=sys.stderr)
        return 2
    try:
        result = decide.recommend(case)
    except decide.DecisionInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


def _cmd_grade(args) -> int:
    return grade.command(
        args.files,
        csv_path=args.csv,
        banks=args.banks,
        gradebook=args.gradebook,
        report=args.report,
        items=args.items,
        exam=args.exam,
    )


def run_export(args) -> int:
    if not args.moodle and not args.qti and not args.scorm:
        print("error: give --moodle FILE.xml, --qti FILE.zip and/or --scorm DIR", file=sys.stderr)
        return 2
    if args.exam and (args.moodle or args.qti):
        print("error: --exam applies to --scorm only (Moodle XML and QTI carry the key)", file=sys.stderr)
        return 2
    registry = load_registry()
    quizzes = []
    for path in bank_files(args.banks or paths.BANKS_DIR):
        quiz, issues = parse_bank(path, registry)
        if quiz is None:
            print(f"error: {path} is not valid; run  python -m quizzes check", file=sys.stderr)
            return 1
        quizzes.append(quiz)
    try:
        chosen = select_quizzes(quizzes, args.quiz)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    ident = chosen[0].id if len(chosen) == 1 else BANK_NAME
    try:
        if args.moodle:
            write_download(Path(args.moodle), moodle_xml(chosen, registry))
            print(f"wrote {args.moodle} ({len(chosen)} quiz(zes))")
        if args.qti:
            write_download(Path(args.qti), qti_zip(chosen, registry, ident))
            print(f"wrote {args.qti} ({len(chosen)} quiz(zes))")
        for quiz in chosen if args.scorm else ():
            path = Path(args.scorm) / package_name(quiz.id, exam=args.exam)
            write_download(path, scorm_zip(quiz, registry, exam=args.exam))
            print(f"wrote {path}")
    except OSError as exc:
        print(f"error: cannot write: {exc}", file=sys.stderr)
        return 2
    return 0


def add_export_command(subparsers) -> None:
    p = subparsers.add_parser("export", help="write Moodle XML, a QTI 1.2 zip for Canvas and/or SCORM 1.2 packages")
    p.add_argument("--moodle", metavar="FILE.xml", help="Moodle XML output file")
    p.add_argument("--qti", metavar="FILE.zip", help="IMS QTI 1.2 package (zip) for Canvas")
    p.add_argument("--scorm", metavar="DIR", help="one SCORM 1.2 package per quiz into DIR")
    p.add_argument(
        "--exam", action="store_true", help="with --scorm: exam packages (no feedback, no key, no score sent)"
    )
    p.add_argument("--quiz", action="append", metavar="ID", help="only this quiz (repeatable; default: every quiz)")
    p.add_argument("--banks", help="bank directory (default: quizzes/banks)")
    p.set_defaults(func=run_export)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m quizzes", description="CRLM regional-therapy quiz engine")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="validate the registry and banks; print coverage")
    p.add_argument("--banks", help="bank directory or a single bank file (default: quizzes/banks)")
    p.add_argument("--registry", help="registry file (default: quizzes/data/recommendations.yaml)")
    p.add_argument("--strict", action="store_true", help="treat coverage below the minimum as an error")
    p.set_defaults(func=_cmd_check)
    p = sub.add_parser("recommend", help="print recommend() for a case JSON file ('-' = stdin)")
    p.add_argument("case")
    p.set_defaults(func=_cmd_recommend)
    p = sub.add_parser("grade", help="recompute scores of saved answer files")
    p.add_argument("files", nargs="+", metavar="FILE|FOLDER", help="answer files, or folders to search for *.json")
    p.add_argument("--csv", help="write one CSV row per answer file (atomically)")
    p.add_argument("--gradebook", help="write one CSV row per learner and quiz, one column per question (atomically)")
    p.add_argument("--report", help="write the item-analysis report (one self-contained HTML file)")
    p.add_argument("--items", help="write the item statistics as CSV (one row per question and per option)")
    p.add_argument("--exam", action="store_true", help="grade an exam: refuse practice files and files that cannot say")
    p.add_argument("--banks", help="bank directory (default: quizzes/banks)")
    p.set_defaults(func=_cmd_grade)
    add_export_command(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
