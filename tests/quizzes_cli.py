"""`python -m quizzes ...` for the tests, run in the test's own process.

A subprocess per call would start Python and parse the registry and the banks afresh each time
(about a second of the quick lane per call) and prove nothing more: `python -m quizzes` is only
`sys.exit(quizzes.cli.main())`, and test_quizzes_check.py runs that entry point once for real.
What a reader of the result needs is kept: the exit status (argparse's exits included), and
everything written to stdout and stderr, as a CompletedProcess.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from quizzes.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run_quizzes(*args: object, stdin: str = "", umask: int | None = None) -> subprocess.CompletedProcess:
    """Run the command line with `args` from the repository folder; return its status and output."""
    out, err = io.StringIO(), io.StringIO()
    argv = [str(a) for a in args]
    saved_stdin, saved_cwd = sys.stdin, os.getcwd()
    saved_umask = os.umask(umask) if umask is not None else None
    try:
        os.chdir(ROOT)
        sys.stdin = io.StringIO(stdin)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit_:  # argparse: 2 on a usage error
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        sys.stdin = saved_stdin
        os.chdir(saved_cwd)
        if saved_umask is not None:
            os.umask(saved_umask)
    return subprocess.CompletedProcess(["python", "-m", "quizzes", *argv], code, out.getvalue(), err.getvalue())
