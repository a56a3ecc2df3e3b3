"""A small book built with the course's own configuration, in a folder of the test's.

Tests that need a site of their own (the offline and page-weight checks, hostile widget state,
an exam build over a practice build) write a few pages, take the course's _config.yml with every
path made absolute, and run the real `jupyter-book build` on it, exactly as the course builds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def course_config(title: str, execute: str | None = None, with_assets: bool = True) -> dict:
    """The course's _config.yml for a book in another folder: every path made absolute and no LMS
    exports. execute: the notebooks' execution mode (None keeps the course's); with_assets=False
    leaves course_assets out (the theme as it ships)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = title
    config["bibtex_bibfiles"] = [str(ROOT / "book" / "references.bib")]
    if execute is not None:
        config["execute"]["execute_notebooks"] = execute
    for key in ("favicon", "logo"):
        if config.get("html", {}).get(key):
            config["html"][key] = str(ROOT / config["html"][key])
    sphinx = config["sphinx"]
    sphinx["local_extensions"] = {
        name: str(ROOT / path)
        for name, path in sphinx["local_extensions"].items()
        if with_assets or name != "course_assets"
    }
    sphinx["config"]["html_static_path"] = [str(ROOT / p) for p in sphinx["config"]["html_static_path"]]
    sphinx["config"]["course_publish_downloads"] = False  # the course's exports are not the book's
    return config


def start_build(folder: Path, exam: bool | None = None) -> subprocess.Popen:
    """Start `jupyter-book build` on folder, from this environment. exam: COURSE_EXAM set to 1 or
    0, or, with None, left out as a plain build leaves it."""
    bin_dir = Path(sys.executable).parent
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    for name in ("COURSE_EXECUTE", "COURSE_EXAM"):
        env.pop(name, None)
    if exam is not None:
        env["COURSE_EXAM"] = "1" if exam else "0"
    return subprocess.Popen(
        [str(bin_dir / "jupyter-book"), "build", str(folder), "-W", "-n", "--keep-going"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish_build(proc: subprocess.Popen, folder: Path, timeout: int = 600) -> Path:
    """Wait for a build started by start_build; fail with the end of its output; the site."""
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"build of {folder} failed:\n{out[-4000:]}"
    return folder / "_build" / "html"


def start_small_book(folder: Path, pages: dict[str, str], with_assets: bool = True) -> subprocess.Popen:
    """Write (or rewrite) the small book's pages and start `jupyter-book build` on it."""
    (folder / "book").mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(
        yaml.safe_dump(course_config("Small book", execute="off", with_assets=with_assets)), encoding="utf-8"
    )
    names = list(pages)
    toc = {"format": "jb-book", "root": f"book/{names[0]}", "chapters": [{"file": f"book/{n}"} for n in names[1:]]}
    (folder / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    for name, text in pages.items():
        path = folder / "book" / f"{name}.md"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return start_build(folder)


def build_small_book(folder: Path, pages: dict[str, str], with_assets: bool = True) -> Path:
    """Build the small book of these pages (see start_small_book); the site."""
    return finish_build(start_small_book(folder, pages, with_assets), folder)
