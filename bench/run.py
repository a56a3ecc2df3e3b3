"""Benchmark: build times, what each page costs a reader, and grading speed.

Prints tables; asserts nothing (targets are printed beside the figures).
Run with `python3 course.py bench` (add --skip-build to reuse the last bench build).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
from browser_support import CHROMIUM, CHROMIUM_ARGS, serve, site_pages  # noqa: E402

OUT = Path(tempfile.gettempdir()) / "crlm-course-bench"
PLAIN_PAGE = "book/glossary.html"  # a text page: the theme's own floor
TARGETS = {"clean": 60.0, "rebuild": 5.0, "extra_kb": 100.0, "extra_ms": 150.0, "grade_10k": 5.0, "testwise": 10.0}


def timed_build() -> float:
    env = dict(os.environ, PATH=f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}")
    cmd = [str(ROOT / ".venv" / "bin" / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going",
           "--path-output", str(OUT)]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if done.returncode:
        print(f"(note: the build reported warnings or errors, exit {done.returncode})")
    return time.perf_counter() - start


def load_once(browser, url: str, block_runtime: bool = False) -> dict:
    """One cold load; with block_runtime the widget runtime is refused (the page without widgets)."""
    context = browser.new_context()
    page = context.new_page()
    stats = {"requests": 0, "bytes": 0, "foreign": 0}
    origin = url.split("/book/")[0]

    def on_finished(request):
        stats["requests"] += 1
        sizes = request.sizes()
        stats["bytes"] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        if not request.url.startswith((origin, "data:", "blob:")):
            stats["foreign"] += 1

    if block_runtime:
        page.route("**/widget-runtime.js*", lambda route: route.abort())
    page.on("requestfinished", on_finished)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    result = {**stats, "widgets": views, "load_ms": page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")}
    if views and not block_runtime:
        page.wait_for_function("document.documentElement.dataset.widgetsReadyAt !== undefined")
        result["ready_ms"] = float(page.evaluate("document.documentElement.dataset.widgetsReadyAt"))
        result["mount_ms"] = float(page.evaluate("document.documentElement.dataset.widgetsMountMs"))
    context.close()
    return result


def measure_page(browser, url: str, runs: int = 5) -> dict:
    """Medians over cold loads; for widget pages, loads with and without the runtime alternate,
    so the widgets' cost is measured on the same page (ready time minus load time without them)."""
    samples, bare = [], []
    for _ in range(runs):
        samples.append(load_once(browser, url))
        if samples[-1]["widgets"]:
            bare.append(load_once(browser, url, block_runtime=True))
    out = dict(samples[0])
    out["load_ms"] = statistics.median(s["load_ms"] for s in samples)
    out["ready_ms"] = out["mount_ms"] = out["cost_ms"] = None
    if out["widgets"]:
        out["ready_ms"] = statistics.median(s["ready_ms"] for s in samples)
        out["mount_ms"] = statistics.median(s["mount_ms"] for s in samples)
        out["cost_ms"] = out["ready_ms"] - statistics.median(b["load_ms"] for b in bare)
    return out


def widget_state_kb(html_file: Path) -> float:
    """Bytes of saved widget state in a page: the widgets' own cost, apart from the text."""
    import re

    html = html_file.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    return len(found.group(1).encode()) / 1024 if found else 0.0


def page_table(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    rows = {}
    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in site_pages(site):
            rows[path] = measure_page(browser, f"{url}/{path}")
        browser.close()
    plain = rows[PLAIN_PAGE]
    runtime_kb = (ROOT / "widgets" / "static" / "widget-runtime.js").stat().st_size / 1024
    print(f"\nPage cost (cold cache, medians of 5 loads; plain page = {PLAIN_PAGE})")
    print("| page | requests | KB | foreign | widgets | widget KB | +KB vs plain | load (ms) | widgets ready (ms) | mount (ms) | widget cost (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    fmt = lambda v: "" if v is None else f"{v:.0f}"  # noqa: E731
    for path, r in rows.items():
        widget_kb = widget_state_kb(site / path) + (runtime_kb if r["widgets"] else 0)
        extra_kb = (r["bytes"] - plain["bytes"]) / 1024
        print(f"| {path} | {r['requests']} | {r['bytes'] / 1024:.0f} | {r['foreign']} | {r['widgets']} | "
              f"{widget_kb:.0f} | {extra_kb:+.0f} | {r['load_ms']:.0f} | {fmt(r['ready_ms'])} | "
              f"{fmt(r['mount_ms'])} | {fmt(r['cost_ms'])} |")
    print(f"Targets: a widget page costs at most {TARGETS['extra_kb']:.0f} KB and {TARGETS['extra_ms']:.0f} ms more "
          "than the plain page.")
    print("widget KB = saved widget state + the runtime; +KB vs plain also counts the chapter's own text. "
          "widget cost = widgets ready minus the load time of the same page with the runtime blocked; "
          "mount = the runtime's own work from start to the last widget rendered.")


def asset_table() -> None:
    print("\nFront-end sizes (bytes, unminified)")
    print("| file | bytes |")
    print("|---|---:|")
    for f in sorted((ROOT / "widgets").glob("*.js")) + sorted((ROOT / "widgets" / "static").glob("*.js")):
        print(f"| {f.relative_to(ROOT)} | {f.stat().st_size} |")


def grading_table() -> None:
    from grading import grade_many

    seconds, count, graded = grade_many(10_000)
    print("\nGrading (python -m quizzes grade, in process)")
    print("| answer files | graded | seconds | target |")
    print("|---:|---:|---:|---:|")
    print(f"| {count} | {graded} | {seconds:.2f} | < {TARGETS['grade_10k']:.0f} |")


def testwise_table() -> None:
    """Content-free strategies against uniform guessing, on the order the page shows."""
    from quizzes import list_quizzes, load_bank
    from quizzes.testwise import STRATEGIES, baseline

    print(f"\nTest-wise baseline (mean score %, over 200 learner seeds; target: every strategy "
          f"within {TARGETS['testwise']:.0f} points of guessing)")
    print("| quiz | questions | " + " | ".join(STRATEGIES) + " | guessing | worst gap | target |")
    print("|---|---:|" + "---:|" * (len(STRATEGIES) + 3))
    for quiz_id in list_quizzes():
        b = baseline(load_bank(quiz_id))
        cells = " | ".join(f"{100 * b.scores[s]:.0f}" for s in STRATEGIES)
        ok = "ok" if b.worst_gap() <= TARGETS["testwise"] else "MISSED"
        print(f"| {quiz_id} | {b.questions} | {cells} | {100 * b.scores['guessing']:.0f} | "
              f"{b.worst_gap():+.0f} | {ok} |")


def scorm_table() -> None:
    """Each SCORM 1.2 package's size and its longest possible cmi.suspend_data."""
    from quizzes import list_quizzes, load_bank
    from quizzes.registry import load_registry
    from quizzes.scorm import SUSPEND_LIMIT, scorm_zip, worst_suspend_length

    registry = load_registry()
    print(f"\nSCORM 1.2 packages (suspend_data limit: {SUSPEND_LIMIT} characters)")
    print("| quiz | package KB | exam package KB | worst-case suspend_data (chars) | target |")
    print("|---|---:|---:|---:|---:|")
    for quiz_id in list_quizzes():
        quiz = load_bank(quiz_id)
        worst = worst_suspend_length(quiz)
        print(f"| {quiz_id} | {len(scorm_zip(quiz, registry)) / 1024:.1f} | "
              f"{len(scorm_zip(quiz, registry, exam=True)) / 1024:.1f} | {worst} | "
              f"{'ok' if worst < SUSPEND_LIMIT else 'MISSED'} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-build", action="store_true", help="reuse the last bench build")
    parser.add_argument("--testwise", action="store_true",
                        help="print only the test-wise baseline (no build, no browser)")
    parser.add_argument("--scorm", action="store_true",
                        help="print only the SCORM package table (no build, no browser)")
    args = parser.parse_args()
    if args.testwise:
        testwise_table()
        return
    if args.scorm:
        scorm_table()
        return
    if not args.skip_build:
        shutil.rmtree(OUT, ignore_errors=True)
        clean = timed_build()
        rebuild = timed_build()
        print("Build (2 cores)")
        print("| build | seconds | target |")
        print("|---|---:|---:|")
        print(f"| clean (every notebook executed) | {clean:.1f} | <= {TARGETS['clean']:.0f} |")
        print(f"| no-change rebuild | {rebuild:.1f} | <= {TARGETS['rebuild']:.0f} |")
    page_table(OUT / "_build" / "html")
    asset_table()
    grading_table()
    testwise_table()
    scorm_table()


if __name__ == "__main__":
    main()
