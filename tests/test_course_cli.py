"""course.py's build output: the serve hint it prints, and the one line of kernel noise it drops."""

from __future__ import annotations

import sys

import pytest
from browser_support import ROOT

sys.path.insert(0, str(ROOT))
import course  # noqa: E402

WARNING = (
    "[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All communication "
    "(including code and outputs) is sent in plain text and is susceptible to eavesdropping. Use IPC "
    "transport or launch with kernel manager-provisioned CurveZMQ keys to enable transport encryption."
)


def test_serve_hint_names_the_command_that_serves_what_was_built(capsys):
    assert course.serve_hint(False) == "python3 course.py serve"
    assert course.serve_hint(True) == "python3 course.py serve --exam"
    for hint in (course.serve_hint(False), course.serve_hint(True)):
        assert "  " not in hint


@pytest.mark.parametrize(
    "line, noise",
    [
        (WARNING + "\n", True),
        ("\x1b[33m" + WARNING + "\x1b[0m\n", True),  # coloured by a terminal-aware logger
        ("[IPKernelApp] WARNING | Kernel is running over TCP without encryption.\n", True),
        ("[IPKernelApp] ERROR | Kernel died: Kernel is running over TCP without encryption.\n", False),
        ("[IPKernelApp] WARNING | Unknown option --foo\n", False),
        ("/x/book/chapters/tare.md: WARNING: Executing notebook failed: CellExecutionError [mystnb.exec]\n", False),
        ("Traceback (most recent call last):\n", False),
        ("  Kernel is running over TCP without encryption.\n", False),  # quoted inside other output
    ],
)
def test_only_the_tcp_warning_is_build_noise(line, noise):
    assert course.is_build_noise(line) is noise


def test_filtered_run_drops_the_warning_keeps_everything_else_and_the_exit_code(capfd, tmp_path):
    script = tmp_path / "noisy.py"  # stands in for jupyter-book: the kernel's warning twice, among real output
    script.write_text(
        "import sys\n"
        f"print({WARNING!r}, file=sys.stderr)\n"
        "print('reading sources... [ 50%] book/chapters/tare')\n"
        "print('[IPKernelApp] ERROR | a real kernel error', file=sys.stderr)\n"
        f"print({WARNING!r}, file=sys.stderr)\n"
        "print('WARNING: a real build warning', file=sys.stderr)\n"
        "sys.exit(3)\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as stopped:
        course.run_filtered([sys.executable, script], env={"PATH": "/usr/bin:/bin"})
    assert stopped.value.code == 3
    out, err = capfd.readouterr()
    assert "reading sources... [ 50%] book/chapters/tare" in out
    assert "[IPKernelApp] ERROR | a real kernel error" in err and "WARNING: a real build warning" in err
    assert "without encryption" not in out + err
    assert err.splitlines() == ["[IPKernelApp] ERROR | a real kernel error", "WARNING: a real build warning"]


def test_filtered_run_succeeds_silently_on_success(capfd):
    course.run_filtered([sys.executable, "-c", "print('built')"], env={"PATH": "/usr/bin:/bin"})
    out, _ = capfd.readouterr()
    assert out.splitlines()[-1] == "built"
