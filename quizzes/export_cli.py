"""`python -m quizzes export --moodle FILE.xml --qti FILE.zip --scorm DIR [--exam] [--quiz ID ...]
[--banks DIR]`.

Kept apart from cli.py until the engine is finished; cli.py wires it with
add_export_command(sub). Without --quiz every bank goes into one file
(--scorm: one package per quiz, DIR/<quiz id>-scorm12.zip, or -scorm12-exam.zip with --exam).
"""
from __future__ import annotations

import sys
from pathlib import Path

from .bank import parse_bank
from .check import bank_files
from . import paths
from .export_common import BANK_NAME, select_quizzes
from .export_moodle import moodle_xml
from .export_qti import qti_zip
from .publish import write_atomic
from .registry import load_registry
from .scorm import package_name, scorm_zip


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
            write_atomic(Path(args.moodle), moodle_xml(chosen, registry))
            print(f"wrote {args.moodle} ({len(chosen)} quiz(zes))")
        if args.qti:
            write_atomic(Path(args.qti), qti_zip(chosen, registry, ident))
            print(f"wrote {args.qti} ({len(chosen)} quiz(zes))")
        for quiz in chosen if args.scorm else ():
            path = Path(args.scorm) / package_name(quiz.id, exam=args.exam)
            write_atomic(path, scorm_zip(quiz, registry, exam=args.exam))
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
    p.add_argument("--exam", action="store_true",
                   help="with --scorm: exam packages (no feedback, no key, no score sent)")
    p.add_argument("--quiz", action="append", metavar="ID",
                   help="only this quiz (repeatable; default: every quiz)")
    p.add_argument("--banks", help="bank directory (default: quizzes/banks)")
    p.set_defaults(func=run_export)


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m quizzes.export_cli")
    sub = parser.add_subparsers(dest="command", required=True)
    add_export_command(sub)
    args = parser.parse_args(["export", *(argv if argv is not None else sys.argv[1:])])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
