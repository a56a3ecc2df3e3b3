"""Command line: check | recommend | grade | export."""
from __future__ import annotations

import argparse
import json
import sys

from . import decide, grade
from .check import format_report, run_check
from .export_cli import add_export_command


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
    return grade.command(args.files, csv_path=args.csv, banks=args.banks, gradebook=args.gradebook,
                         report=args.report, items=args.items, exam=args.exam)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m quizzes",
                                     description="CRLM regional-therapy quiz engine")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="validate the registry and banks; print coverage")
    p.add_argument("--banks", help="bank directory or a single bank file (default: quizzes/banks)")
    p.add_argument("--registry", help="registry file (default: quizzes/data/recommendations.yaml)")
    p.add_argument("--strict", action="store_true",
                   help="treat coverage below the minimum as an error")
    p.set_defaults(func=_cmd_check)
    p = sub.add_parser("recommend", help="print recommend() for a case JSON file ('-' = stdin)")
    p.add_argument("case")
    p.set_defaults(func=_cmd_recommend)
    p = sub.add_parser("grade", help="recompute scores of saved answer files")
    p.add_argument("files", nargs="+", metavar="FILE|FOLDER",
                   help="answer files, or folders to search for *.json")
    p.add_argument("--csv", help="write one CSV row per answer file (atomically)")
    p.add_argument("--gradebook", help="write one CSV row per learner and quiz, one column per "
                                       "question (atomically)")
    p.add_argument("--report", help="write the item-analysis report (one self-contained HTML file)")
    p.add_argument("--items", help="write the item statistics as CSV (one row per question and "
                                   "per option)")
    p.add_argument("--exam", action="store_true",
                   help="grade an exam: refuse practice files and files that cannot say")
    p.add_argument("--banks", help="bank directory (default: quizzes/banks)")
    p.set_defaults(func=_cmd_grade)
    add_export_command(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
