"""Benchmark: build times, what each page costs a reader (bytes, time, words to read), and grading speed.

Prints tables; asserts nothing (targets are printed beside the figures).
Run with `python3 course.py bench` (add --skip-build to reuse the last bench build; --words prints
only the per-chapter word table of an existing build, `--words --site FOLDER` of another one).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from browser_support import CHROMIUM, CHROMIUM_ARGS, serve, site_pages  # noqa: E402
from course_reading_time import WORDS_PER_MINUTE, read_reading_line  # noqa: E402
from held_frames import held_before_first_paint  # noqa: E402
from static_host import GZIP_LEVEL, serve_gzip, transfer_size  # noqa: E402

OUT = Path(tempfile.gettempdir()) / "crlm-course-bench"
PLAIN_PAGE = "book/glossary.html"  # a text page: the theme's own floor
TARGETS = {
    "clean": 60.0,
    "rebuild": 5.0,
    "extra_kb": 100.0,
    "extra_ms": 150.0,
    "grade_10k": 5.0,
    "report_10k": 10.0,
    "testwise": 10.0,
    "first_kib": 300.0,
    "first_requests": 20,
    "lh_performance": 0.95,
    "lh_accessibility": 1.0,
    "modality_words": 2500,
}
# Chapters whose main text has a length target (issue 12): the three modality chapters.
MODALITY_CHAPTERS = ("haip", "debiri", "tare")
LIGHTHOUSE = "12.2.3"  # pinned; run on Node 20 against Debian's Chromium
LH_CATEGORIES = ("performance", "accessibility")  # the scores kept from each run
LIGHTHOUSE_DIR = Path(tempfile.gettempdir()) / f"crlm-course-lighthouse-{LIGHTHOUSE}"


def timed_build() -> float:
    env = dict(os.environ, PATH=f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}")
    cmd = [
        str(ROOT / ".venv" / "bin" / "jupyter-book"),
        "build",
        ".",
        "-W",
        "-n",
        "--keep-going",
        "--path-output",
        str(OUT),
    ]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if done.returncode:
        print(f"(note: the build reported warnings or errors, exit {done.returncode})")
    return time.perf_counter() - start


def load_once(browser, url: str, block_runtime: bool = False) -> dict:
    """One cold load; with block_runtime the widget runtime is refused (the page without widgets).

    Service workers are blocked: this measures the page itself (the worker's precache, which
    starts after the page has settled, is measured apart, in first_visit_table)."""
    context = browser.new_context(service_workers="block")
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
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    result = {**stats, "widgets": views, "load_ms": load_ms}
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
    print(
        "| page | requests | KB | foreign | widgets | widget KB | +KB vs plain | load (ms) | widgets ready (ms) "
        "| mount (ms) | widget cost (ms) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    fmt = lambda v: "" if v is None else f"{v:.0f}"  # noqa: E731
    for path, r in rows.items():
        widget_kb = widget_state_kb(site / path) + (runtime_kb if r["widgets"] else 0)
        extra_kb = (r["bytes"] - plain["bytes"]) / 1024
        print(
            f"| {path} | {r['requests']} | {r['bytes'] / 1024:.0f} | {r['foreign']} | {r['widgets']} | "
            f"{widget_kb:.0f} | {extra_kb:+.0f} | {r['load_ms']:.0f} | {fmt(r['ready_ms'])} | "
            f"{fmt(r['mount_ms'])} | {fmt(r['cost_ms'])} |"
        )
    print(
        f"Targets: a widget page costs at most {TARGETS['extra_kb']:.0f} KB and {TARGETS['extra_ms']:.0f} ms more "
        "than the plain page."
    )
    print(
        "widget KB = saved widget state + the runtime; +KB vs plain also counts the chapter's own text. "
        "widget cost = widgets ready minus the load time of the same page with the runtime blocked; "
        "mount = the runtime's own work from start to the last widget rendered."
    )


def first_visit(browser, base: str, meter, path: str) -> dict:
    """One first visit (a fresh profile, no service worker): what the page itself transfers.

    Requests and bytes are counted by the host (static_host.Meter): only what crossed the
    network, compressed bodies plus headers. A request for any other origin is refused and
    counted as foreign. The service worker is blocked here: its precache starts only after
    the page has loaded and settled, and is measured apart (precache_size)."""
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    foreign, failed = [], []

    def route(route):
        if route.request.url.startswith((base + "/", "data:", "blob:")):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", route)

    def on_failed(request):
        if request.url not in foreign:
            failed.append(request.url)

    def on_response(response):
        if response.status >= 400:
            failed.append(f"{response.url} ({response.status})")

    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    meter.reset()
    page.goto(f"{base}/{path}")
    page.wait_for_load_state("networkidle")
    if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
        page.wait_for_function("document.documentElement.dataset.widgetsReadyAt !== undefined")
        page.wait_for_load_state("networkidle")
    context.close()
    return {
        "requests": meter.requests,
        "bytes": meter.bytes,
        "foreign": len(foreign),
        "failed": len(failed),
        "paths": list(meter.paths),
    }


def precache_size(site: Path) -> dict | None:
    """Files the service worker precaches, raw and as the host sends them (its install's download)."""
    worker = site / "service-worker.js"
    if not worker.exists():
        return None
    found = re.search(r"const PRECACHE = (\[.*?\]);", worker.read_text(encoding="utf-8"), re.S)
    if found is None:
        return None
    files = [site / unquote(u) for u in json.loads(found.group(1))]
    return {
        "files": len(files),
        "raw": sum(f.stat().st_size for f in files),
        "gzip": sum(transfer_size(f) for f in files),
    }


def require_built_site(site: Path) -> None:
    """Refuse a folder that is not a built course site (the table would measure nothing)."""
    missing = [name for name in ("index.html", "search.html", "_static", "book") if not (site / name).exists()]
    if missing or not site_pages(site):
        sys.exit(
            f"{site} is not a built course site (missing: {', '.join(missing) or 'pages under book/'}); "
            "build one with  python3 course.py build"
        )


def lighthouse_ready() -> tuple[Path | None, str]:
    """The pinned Lighthouse CLI, installed once from npm; (None, why) when it cannot run."""
    node = shutil.which("node")
    if not node or not shutil.which("npm"):
        return None, "Lighthouse skipped: node/npm not found (install Node 20 to measure it)"
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    cli = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        done = subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--silent",
                "--prefix",
                str(LIGHTHOUSE_DIR),
                f"lighthouse@{LIGHTHOUSE}",
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode or not cli.exists():
            return None, f"Lighthouse skipped: npm install lighthouse@{LIGHTHOUSE} failed: {done.stderr[-300:]}"
    note = "" if version.startswith("v20.") else f" (note: Node {version}, not the pinned Node 20)"
    # The version, not just the path: the held first paint (held_frames.py) comes and goes with it.
    browser = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.split(" built")[0].strip()
    return cli, f"Lighthouse {LIGHTHOUSE} on Node {version}{note}, {browser or 'Chromium'} ({CHROMIUM})"


def lighthouse_once(cli: Path, url: str) -> dict:
    """One Lighthouse run, mobile emulation with simulated throttling (its defaults); with its
    trace's viz decisions, how long the first paint was held back (held_frames.py)."""
    flags = " ".join(a for a in CHROMIUM_ARGS if a != "--headless") + " --headless=new"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "lh.json"
        done = subprocess.run(
            [
                "node",
                str(cli),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                "--save-assets",
                "--additional-trace-categories=viz",
                f"--only-categories={','.join(LH_CATEGORIES)}",
                f"--chrome-flags={flags}",
            ],
            capture_output=True,
            text=True,
            env=dict(os.environ, CHROME_PATH=CHROMIUM),
            timeout=300,
        )
        if done.returncode or not out.exists():
            raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-500:]}")
        report = json.loads(out.read_text(encoding="utf-8"))
        trace = json.loads((Path(folder) / "lh-0.trace.json").read_text(encoding="utf-8"))
    scores = {key: report["categories"][key]["score"] for key in LH_CATEGORIES}
    first_paint = report["audits"]["metrics"]["details"]["items"][0]["observedFirstContentfulPaint"]
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    return dict(scores, held=held_before_first_paint(events, first_paint))


def first_visit_table(site: Path, lighthouse_runs: int = 3) -> list[dict]:
    """Per page, on a gzip-serving local host: first-visit requests and bytes; Lighthouse."""
    from playwright.sync_api import sync_playwright

    site = site.resolve()
    require_built_site(site)
    pages = site_pages(site) + ["search.html"]
    cli, note = lighthouse_ready() if lighthouse_runs > 0 else (None, "Lighthouse skipped (--lighthouse-runs 0)")
    rows = {}
    with serve_gzip(site) as (url, meter), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in pages:
            rows[path] = first_visit(browser, url, meter, path)
        browser.close()
        for path in pages:
            if cli:
                runs = [lighthouse_once(cli, f"{url}/{path}") for _ in range(lighthouse_runs)]
                rows[path]["lh"] = {k: statistics.median(r[k] for r in runs) for k in LH_CATEGORIES}
                rows[path]["held"] = " ".join(f"{r['held'] / 1000:.1f}" for r in runs)
    cache = precache_size(site)
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    print(
        f"\nFirst visit of {site}, served gzip-compressed (level {GZIP_LEVEL}) like a static host; "
        f"Lighthouse mobile, median of {lighthouse_runs}"
    )
    print(
        "| page | requests | KiB (compressed) | foreign | failed | performance | accessibility "
        "| first paint held, s (each run) | target |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for path, r in rows.items():
        lh = r.get("lh")
        good = (
            r["requests"] <= TARGETS["first_requests"]
            and r["bytes"] / 1024 <= TARGETS["first_kib"]
            and not r["foreign"]
            and not r["failed"]
            and (
                lh is None
                or (
                    lh["performance"] >= TARGETS["lh_performance"]
                    and lh["accessibility"] >= TARGETS["lh_accessibility"]
                )
            )
        )
        perf = f"{lh['performance']:.2f}" if lh else ""
        a11y = f"{lh['accessibility']:.2f}" if lh else ""
        print(
            f"| {path} | {r['requests']} | {r['bytes'] / 1024:.0f} | {r['foreign']} | {r['failed']} | "
            f"{perf} | {a11y} | {r.get('held', '')} | {ok(good)} |"
        )
    print(
        f"Targets: at most {TARGETS['first_requests']} requests and {TARGETS['first_kib']:.0f} KiB, none "
        f"outside the site; Lighthouse performance >= {TARGETS['lh_performance']}, accessibility "
        f">= {TARGETS['lh_accessibility']}. Counted by the host: only requests that crossed the network. {note}"
    )
    print(
        "First paint held: how long headless Chromium's compositor withheld frames from the page before "
        "its first paint (bench/held_frames.py). A run held for a second or two scores lower for that "
        "reason alone; no real display does it."
    )
    if cache is None:
        print("Precache: no service-worker.js in this build.")
    else:
        print(
            f"Precache (the service worker's install, in the background once the first page has settled): "
            f"{cache['files']} files, {cache['raw'] / 1024:.0f} KiB, {cache['gzip'] / 1024:.0f} KiB compressed; "
            "downloads/ are fetched on demand only."
        )
    return [dict(r, page=path) for path, r in rows.items()]


def word_table(site: Path) -> list[dict]:
    """Per chapter, the visible words and reading time the build counted (book/_ext/course_reading_time.py).

    The figures are read back from the reading-time line of each built page: the build's one
    count (visible_words), so the table and the pages cannot disagree."""
    site = site.resolve()
    require_built_site(site)
    found = []
    for page in (site / "book" / "chapters").glob("*.html"):
        line = read_reading_line(page.read_text(encoding="utf-8"))
        if line is not None:
            found.append((*line, page.stem))
    if not found:
        sys.exit(f"{site}: no chapter page carries a reading-time line (is course_reading_time in _config.yml?)")
    rows = []
    for number, minutes, words, chapter in sorted(found):  # in reading order
        target = words <= TARGETS["modality_words"] if chapter in MODALITY_CHAPTERS else None
        rows.append({"number": number, "chapter": chapter, "words": words, "minutes": minutes, "target": target})
    print(
        f"\nVisible words per chapter ({site}; collapsed sections, code and widget output not counted; "
        f"reading time at {WORDS_PER_MINUTE} words a minute, rounded up)"
    )
    print("| # | chapter | visible words | reading time (min) | target |")
    print("|---:|---|---:|---:|---|")
    for r in rows:
        mark = "" if r["target"] is None else ("ok" if r["target"] else "MISSED")
        print(f"| {r['number']} | {r['chapter']} | {r['words']:,} | {r['minutes']} | {mark} |")
    print(
        f"Target: the main text of each modality chapter ({', '.join(MODALITY_CHAPTERS)}) is at most "
        f"{TARGETS['modality_words']:,} visible words."
    )
    return rows


def asset_table() -> None:
    print("\nFront-end sizes (bytes, unminified)")
    print("| file | bytes |")
    print("|---|---:|")
    for f in sorted((ROOT / "widgets").glob("*.js")) + sorted((ROOT / "widgets" / "static").glob("*.js")):
        print(f"| {f.relative_to(ROOT)} | {f.stat().st_size} |")


def grading_table() -> None:
    from grading import grade_many, report_many

    seconds, count, graded = grade_many(10_000)
    print("\nGrading (python -m quizzes grade, in process)")
    print("| answer files | graded | seconds | target |")
    print("|---:|---:|---:|---:|")
    print(f"| {count} | {graded} | {seconds:.2f} | < {TARGETS['grade_10k']:.0f} |")
    seconds, size = report_many(10_000)
    print("\nItem analysis (grade --exam --gradebook --items --report, in process)")
    print("| answer files | seconds | report bytes | target |")
    print("|---:|---:|---:|---:|")
    print(f"| {count} | {seconds:.2f} | {size} | < {TARGETS['report_10k']:.0f} |")


def testwise_table() -> None:
    """Content-free strategies against uniform guessing, on the order the page shows."""
    from quizzes import list_quizzes, load_bank
    from quizzes.checks.testwise import STRATEGIES, baseline

    print(
        f"\nTest-wise baseline (mean score %, over 200 learner seeds; target: every strategy "
        f"within {TARGETS['testwise']:.0f} points of guessing)"
    )
    print("| quiz | questions | " + " | ".join(STRATEGIES) + " | guessing | worst gap | target |")
    print("|---|---:|" + "---:|" * (len(STRATEGIES) + 3))
    for quiz_id in list_quizzes():
        b = baseline(load_bank(quiz_id))
        cells = " | ".join(f"{100 * b.scores[s]:.0f}" for s in STRATEGIES)
        ok = "ok" if b.worst_gap() <= TARGETS["testwise"] else "MISSED"
        print(
            f"| {quiz_id} | {b.questions} | {cells} | {100 * b.scores['guessing']:.0f} | {b.worst_gap():+.0f} | {ok} |"
        )


def scorm_table() -> None:
    """Each SCORM 1.2 package's size and its longest possible cmi.suspend_data."""
    from quizzes import list_quizzes, load_bank
    from quizzes.exports.scorm import SUSPEND_LIMIT, scorm_zip, worst_suspend_length
    from quizzes.parsing.registry import load_registry

    registry = load_registry()
    print(f"\nSCORM 1.2 packages (suspend_data limit: {SUSPEND_LIMIT} characters)")
    print("| quiz | package KB | exam package KB | worst-case suspend_data (chars) | target |")
    print("|---|---:|---:|---:|---:|")
    for quiz_id in list_quizzes():
        quiz = load_bank(quiz_id)
        worst = worst_suspend_length(quiz)
        print(
            f"| {quiz_id} | {len(scorm_zip(quiz, registry)) / 1024:.1f} | "
            f"{len(scorm_zip(quiz, registry, exam=True)) / 1024:.1f} | {worst} | "
            f"{'ok' if worst < SUSPEND_LIMIT else 'MISSED'} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-build", action="store_true", help="reuse the last bench build")
    parser.add_argument(
        "--testwise", action="store_true", help="print only the test-wise baseline (no build, no browser)"
    )
    parser.add_argument(
        "--site",
        type=Path,
        help="only measure this built site (first visit, Lighthouse, precache), e.g. to compare two builds",
    )
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs per page (0: none)")
    parser.add_argument("--json", type=Path, help="also write the first-visit rows to this file")
    parser.add_argument(
        "--scorm", action="store_true", help="print only the SCORM package table (no build, no browser)"
    )
    parser.add_argument(
        "--words",
        action="store_true",
        help="print only the visible words and reading time per chapter of a built site "
        "(--site, default _build/html; no build, no browser)",
    )
    args = parser.parse_args()
    if args.testwise:
        testwise_table()
        return
    if args.scorm:
        scorm_table()
        return
    if args.words:
        word_table(args.site or ROOT / "_build" / "html")
        return
    if args.site:
        rows = first_visit_table(args.site, args.lighthouse_runs)
        if args.json:
            args.json.write_text(json.dumps({"rows": rows, "precache": precache_size(args.site.resolve())}, indent=1))
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
    first_visit_table(OUT / "_build" / "html", args.lighthouse_runs)
    word_table(OUT / "_build" / "html")
    asset_table()
    grading_table()
    testwise_table()
    scorm_table()


if __name__ == "__main__":
    main()
