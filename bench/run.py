"""Benchmark: build times, what each page costs a reader, and grading speed.

Prints tables; asserts nothing (targets are printed beside the figures).
Run with `python3 course.py bench` (add --skip-build to reuse the last bench build).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import mimetypes
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
from browser_support import CHROMIUM, CHROMIUM_ARGS, QuietHandler, serve, site_pages  # noqa: E402

OUT = Path(tempfile.gettempdir()) / "crlm-course-bench"
PLAIN_PAGE = "book/glossary.html"  # a text page: the theme's own floor
TARGETS = {"clean": 60.0, "rebuild": 5.0, "extra_kb": 100.0, "extra_ms": 150.0, "grade_10k": 5.0, "testwise": 10.0,
           "first_kib": 300.0, "first_requests": 20, "lh_performance": 0.95, "lh_accessibility": 1.0}
LIGHTHOUSE = "12.2.3"                      # pinned; run on Node 20 against Debian's Chromium
LIGHTHOUSE_DIR = Path(tempfile.gettempdir()) / f"crlm-course-lighthouse-{LIGHTHOUSE}"
GZIP_LEVEL = 6                             # what common static hosts use (nginx, Apache mod_deflate)
COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json|xml|x-javascript)|image/svg)")


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


@functools.lru_cache(maxsize=512)
def gzipped(path: str, mtime: float) -> bytes:   # noqa: ARG001 (the file's mtime keys the cache)
    return gzip.compress(Path(path).read_bytes(), compresslevel=GZIP_LEVEL, mtime=0)


class GzipHandler(QuietHandler):
    """Serves the site as a static host would: text compressed with gzip when the browser asks."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?")[0].endswith("/"):
                return super().do_GET()        # the usual redirect to the folder
            path = os.path.join(path, "index.html")
        ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if (not os.path.isfile(path) or "gzip" not in self.headers.get("Accept-Encoding", "")
                or not COMPRESSIBLE.match(ctype)):
            return super().do_GET()
        body = gzipped(path, os.path.getmtime(path))
        self.send_response(200)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", self.date_time_string(int(os.path.getmtime(path))))
        self.end_headers()
        self.wfile.write(body)


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that closes (end of a load, or a service worker still precaching) drops
        # its connections: not an error of the site.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@contextmanager
def serve_gzip(folder: Path):
    server = QuietServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def first_visit(browser, url: str) -> dict:
    """One first visit (empty cache, no service worker yet): what the page itself transfers.

    Bytes are as sent on the wire (compressed bodies plus headers). The service worker's
    precache, which starts once the page has loaded, is counted apart (precache_size)."""
    context = browser.new_context()
    page = context.new_page()
    stats = {"requests": 0, "bytes": 0, "foreign": 0, "failed": 0}
    origin = url.split("/book/")[0].split("/search.html")[0]

    def on_finished(request):
        if request.url.startswith(("data:", "blob:")):
            return                     # in-page (a widget's module from its saved state): no transfer
        sizes = request.sizes()
        stats["requests"] += 1
        stats["bytes"] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        if not request.url.startswith(origin):
            stats["foreign"] += 1

    page.on("requestfinished", on_finished)
    page.on("requestfailed", lambda request: stats.__setitem__("failed", stats["failed"] + 1))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
        page.wait_for_function("document.documentElement.dataset.widgetsReadyAt !== undefined")
    context.close()
    return stats


def precache_size(site: Path) -> dict | None:
    """Files the service worker precaches, raw and gzip-compressed (what its install downloads)."""
    worker = site / "service-worker.js"
    if not worker.exists():
        return None
    found = re.search(r"const PRECACHE = (\[.*?\]);", worker.read_text(encoding="utf-8"), re.S)
    from urllib.parse import unquote

    files = [site / unquote(u) for u in json.loads(found.group(1))]
    raw = sum(f.stat().st_size for f in files)
    packed = sum(len(gzipped(str(f), f.stat().st_mtime))
                 if COMPRESSIBLE.match(mimetypes.guess_type(str(f))[0] or "") else f.stat().st_size
                 for f in files)
    return {"files": len(files), "raw": raw, "gzip": packed}


def lighthouse_ready() -> tuple[Path | None, str]:
    """The pinned Lighthouse CLI, installed once from npm; (None, why) when it cannot run."""
    node = shutil.which("node")
    if not node or not shutil.which("npm"):
        return None, "Lighthouse skipped: node/npm not found (install Node 20 to measure it)"
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    cli = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix",
                               str(LIGHTHOUSE_DIR), f"lighthouse@{LIGHTHOUSE}"],
                              capture_output=True, text=True)
        if done.returncode or not cli.exists():
            return None, f"Lighthouse skipped: npm install lighthouse@{LIGHTHOUSE} failed: {done.stderr[-300:]}"
    note = "" if version.startswith("v20.") else f" (note: Node {version}, not the pinned Node 20)"
    return cli, f"Lighthouse {LIGHTHOUSE} on Node {version}{note}, Chromium {CHROMIUM}"


def lighthouse_once(cli: Path, url: str) -> dict:
    """One Lighthouse run, mobile emulation with simulated throttling (its defaults)."""
    flags = " ".join(a for a in CHROMIUM_ARGS if a != "--headless") + " --headless=new"
    done = subprocess.run(
        ["node", str(cli), url, "--quiet", "--output=json", "--output-path=stdout",
         "--only-categories=performance,accessibility", f"--chrome-flags={flags}"],
        capture_output=True, text=True, env=dict(os.environ, CHROME_PATH=CHROMIUM), timeout=300)
    if done.returncode:
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-500:]}")
    report = json.loads(done.stdout)
    return {key: report["categories"][key]["score"] for key in ("performance", "accessibility")}


def first_visit_table(site: Path, lighthouse_runs: int = 3) -> None:
    """Per page, on a gzip-serving local host: first-visit requests and bytes; Lighthouse."""
    from playwright.sync_api import sync_playwright

    if not (site / "index.html").exists():
        sys.exit(f"{site} is not a built site (no index.html)")
    pages = site_pages(site) + ["search.html"]
    cli, note = lighthouse_ready() if lighthouse_runs else (None, "Lighthouse skipped (--lighthouse-runs 0)")
    rows = {}
    with serve_gzip(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in pages:
            rows[path] = first_visit(browser, f"{url}/{path}")
        browser.close()
        for path in pages:
            if cli:
                runs = [lighthouse_once(cli, f"{url}/{path}") for _ in range(lighthouse_runs)]
                rows[path]["lh"] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    print(f"\nFirst visit, served gzip-compressed (level {GZIP_LEVEL}) like a static host; "
          f"Lighthouse mobile, median of {lighthouse_runs}")
    print("| page | requests | KiB (compressed) | foreign | failed | performance | accessibility | target |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for path, r in rows.items():
        lh = r.get("lh")
        good = (r["requests"] <= TARGETS["first_requests"] and r["bytes"] / 1024 <= TARGETS["first_kib"]
                and not r["foreign"] and not r["failed"]
                and (lh is None or (lh["performance"] >= TARGETS["lh_performance"]
                                    and lh["accessibility"] >= TARGETS["lh_accessibility"])))
        perf = f"{lh['performance']:.2f}" if lh else ""
        a11y = f"{lh['accessibility']:.2f}" if lh else ""
        print(f"| {path} | {r['requests']} | {r['bytes'] / 1024:.0f} | {r['foreign']} | {r['failed']} | "
              f"{perf} | {a11y} | {ok(good)} |")
    print(f"Targets: at most {TARGETS['first_requests']} requests and {TARGETS['first_kib']:.0f} KiB, none "
          f"outside the site; Lighthouse performance >= {TARGETS['lh_performance']}, accessibility "
          f">= {TARGETS['lh_accessibility']}. {note}")
    cache = precache_size(site)
    if cache is None:
        print("Precache: no service-worker.js in this build.")
    else:
        print(f"Precache (the service worker's install, in the background after the first page has loaded): "
              f"{cache['files']} files, {cache['raw'] / 1024:.0f} KiB, {cache['gzip'] / 1024:.0f} KiB compressed; "
              "downloads/ are fetched on demand only.")


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-build", action="store_true", help="reuse the last bench build")
    parser.add_argument("--testwise", action="store_true",
                        help="print only the test-wise baseline (no build, no browser)")
    parser.add_argument("--site", type=Path,
                        help="only measure this built site (first visit, Lighthouse, precache), e.g. "
                             "to compare two builds")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs per page (0: none)")
    args = parser.parse_args()
    if args.testwise:
        testwise_table()
        return
    if args.site:
        first_visit_table(args.site, args.lighthouse_runs)
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
    asset_table()
    grading_table()
    testwise_table()


if __name__ == "__main__":
    main()
