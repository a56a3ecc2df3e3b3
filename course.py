#!/usr/bin/env python3
"""One entry point for the course: `python3 course.py build | test | serve | bench`.

Needs only Python 3.10+. The first run creates `.venv/` and installs the pinned
requirements there; later runs reuse it until requirements.txt or
pyproject.toml change.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
SITE = ROOT / "_build" / "html"
EXAM_OUT = ROOT / "_build" / "exam"
STAMP = VENV / ".course-installed"


def run(cmd: list, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, **kwargs)
    if result.returncode:
        sys.exit(result.returncode)


# ipykernel logs this once per executed notebook. The build's kernels are started by the build
# itself on 127.0.0.1, read only the course's own notebooks and exit with the build, and
# jupyter_client offers no setting (file or environment) that myst-nb's kernel manager would
# read to switch to IPC transport. The line is dropped, by its exact text, from the build's
# output, so every other line (other warnings, every error, tracebacks) still prints.
TCP_WARNING = re.compile(
    r"^(\x1b\[[0-9;]*m)*\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption\."
)


def is_build_noise(line: str) -> bool:
    return bool(TCP_WARNING.match(line))


def run_filtered(cmd: list, env: dict) -> None:
    """run(), with the build's stdout and stderr passed through line by line minus known noise."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        cwd=ROOT,
        env=dict(env, PYTHONUNBUFFERED="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        bufsize=1,
    )

    def copy(source, sink):
        for line in source:
            if not is_build_noise(line):
                sink.write(line)
                sink.flush()

    pumps = [
        threading.Thread(target=copy, args=(proc.stdout, sys.stdout), daemon=True),
        threading.Thread(target=copy, args=(proc.stderr, sys.stderr), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    code = proc.wait()
    for pump in pumps:
        pump.join()
    if code:
        sys.exit(code)


def ensure_env() -> None:
    """Create the virtual environment and install the pinned packages once."""
    wanted = hashlib.sha256(
        (ROOT / "requirements.txt").read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PY.exists():
        print(f"Creating the environment in {VENV} ...", flush=True)
        venv.create(VENV, with_pip=True)
    run([PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt"])
    run([PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "-e", "."])
    STAMP.write_text(wanted)


def env_with(**extra: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYDEVD_DISABLE_FILE_VALIDATION="1", **extra)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def build_site(force: bool = False, exam: bool = False, clean: bool = False) -> Path:
    """Build the book with warnings as errors; return the HTML folder."""
    extra = {}
    if force:
        extra["COURSE_EXECUTE"] = "force"
    if exam:
        extra["COURSE_EXAM"] = "1"
    out = EXAM_OUT if exam else ROOT
    html = out / "_build" / "html"
    if exam and (out / "_build").exists():
        # An exam build always starts from nothing: no page, download, notebook or execution
        # cache of an earlier build (practice outputs hold the key) can be left in it.
        shutil.rmtree(out / "_build")
    elif clean and html.exists():
        shutil.rmtree(html)
    cmd = [BIN / "jupyter-book", "build", ".", "-W", "-n", "--keep-going"]
    if exam:
        cmd += ["--path-output", out]
    run_filtered(cmd, env=env_with(**extra))
    return html


def cmd_build(args) -> None:
    ensure_env()
    html = build_site(force=args.force, exam=args.exam, clean=args.clean)
    print(f"\nThe site is built: {html / 'index.html'}")
    print(f"Serve it locally with:  {serve_hint(args.exam)}")


def serve_hint(exam: bool) -> str:
    """The command that serves what was just built (the exam build lives in its own folder)."""
    return "python3 course.py serve --exam" if exam else "python3 course.py serve"


# What the tests need from the system, by Debian package: Chromium for the browser tests, Node.js
# and npm for ESLint and the SCORM run-time tests (the site build itself needs neither).
TEST_PACKAGES = {"chromium": ["chromium"], "node": ["nodejs"], "npm": ["npm"]}


def ensure_test_tools(commands=("chromium", "node", "npm")) -> None:
    """Install the missing system tools with apt when running as root; otherwise say what to install."""
    missing = [c for c in commands if not shutil.which(c) and not Path(f"/usr/bin/{c}").exists()]
    if not missing:
        return
    packages = sorted({p for c in missing for p in TEST_PACKAGES[c]})
    if os.geteuid() == 0 and shutil.which("apt-get"):
        run(["apt-get", "update", "-qq"])
        run(["apt-get", "install", "-y", "-qq", *packages], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        return
    sys.exit(f"The tests need {', '.join(missing)}: sudo apt-get install -y {' '.join(packages)}")


# The quick lane leaves out what needs a built site, a live Jupyter server or a book build of its
# own (markers set in tests/conftest.py); its COURSE_SITE points at a folder that does not exist,
# so a test that reads the site without being marked fails loudly instead of passing on a stale build.
QUICK_MARKERS = "not site and not live and not build"
# One worker per core (pytest-xdist); loadfile keeps each test file in one worker, so a file's
# module fixtures and the one-time npm installs of the JavaScript checks run once. nbval (a plugin
# only the full lane uses, with --nbval) would import nbformat and jsonschema.
QUICK_PYTEST = ["-q", "-p", "no:nbval", "-n", "auto", "--dist", "loadfile"]
NO_SITE = ROOT / "_build" / "no-site"


def run_quick(pytest_args: list) -> None:
    """Lint, formatting, types and every test that needs no built site (the JavaScript's lint,
    format and type checks are tests: tests/test_js_lint.py)."""
    run([PY, "-m", "ruff", "check", "--quiet", "."])
    run([PY, "-m", "ruff", "format", "--check", "--quiet", "--output-format", "concise", "."])
    run([PY, "-m", "mypy"])
    run(
        [PY, "-m", "pytest", "tests", *QUICK_PYTEST, "-m", QUICK_MARKERS, *pytest_args],
        env=env_with(COURSE_SITE=str(NO_SITE), COURSE_EXAM_SITE=str(NO_SITE)),
    )


def cmd_test(args) -> None:
    ensure_env()
    ensure_test_tools(("node", "npm") if args.quick else ("chromium", "node", "npm"))
    run_quick(args.pytest_args)
    if args.quick:
        return
    # Force execution so that every notebook's outputs are fresh for nbval.
    build_site(force=True)
    build_site(force=True, exam=True)
    notebooks = sorted((ROOT / "_build" / "jupyter_execute" / "book").rglob("*.ipynb"))
    run(
        [
            PY,
            "-m",
            "pytest",
            "tests",
            "-m",
            f"not ({QUICK_MARKERS})",
            *notebooks,
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "tests/nbval-sanitize.cfg",
            *args.pytest_args,
        ],
        env=env_with(COURSE_SITE=str(SITE), COURSE_EXAM_SITE=str(EXAM_OUT / "_build" / "html")),
    )


def cmd_serve(args) -> None:
    html = (EXAM_OUT / "_build" / "html") if args.exam else SITE
    if not (html / "index.html").exists():
        sys.exit(f"No site at {html}: run  python3 course.py build" + (" --exam" if args.exam else ""))
    print(f"Serving {html} at http://127.0.0.1:{args.port}/  (Ctrl+C to stop)")
    subprocess.run([sys.executable, "-m", "http.server", str(args.port), "--bind", "127.0.0.1", "-d", str(html)])


def cmd_bench(args) -> None:
    ensure_env()
    flags = [
        f for f, on in (("--testwise", args.testwise), ("--skip-build", args.skip_build), ("--words", args.words)) if on
    ]
    if not (args.testwise or args.words):
        ensure_test_tools(("chromium",))
    run([PY, "bench/run.py", *flags, *args.bench_args], env=env_with())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="install (first time) and build the static site")
    b.add_argument("--exam", action="store_true", help="leave answer keys and feedback out of the quiz chapters")
    b.add_argument("--force", action="store_true", help="re-execute every notebook")
    b.add_argument("--clean", action="store_true", help="delete the previous HTML first")
    b.set_defaults(func=cmd_build)
    t = sub.add_parser("test", help="lint, type-check, build the site and run every test")
    t.add_argument(
        "--quick", action="store_true", help="only lint, types and the tests that need no built site (about a minute)"
    )
    t.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")
    t.set_defaults(func=cmd_test)
    s = sub.add_parser("serve", help="serve the built site on 127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--exam", action="store_true")
    s.set_defaults(func=cmd_serve)
    m = sub.add_parser("bench", help="print build, page-weight and grading benchmarks")
    m.add_argument("bench_args", nargs="*")
    m.add_argument(
        "--testwise", action="store_true", help="print only the test-wise baseline of the quiz banks (no build)"
    )
    m.add_argument("--skip-build", action="store_true", help="reuse the last bench build")
    m.add_argument(
        "--words",
        action="store_true",
        help="print only the visible words and reading time per chapter of the built site (no build)",
    )
    m.set_defaults(func=cmd_bench)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
