"""A local static host for the benchmark: gzip as a real host would send it, and a meter.

The meter counts, on the server side, every request that reached it over the network and
every byte it wrote back (status line, headers and body): what a first visit really
transfers. Requests a browser answers itself (its memory cache, data: and blob: URLs, a
service worker's cache) never reach the server, so they are never counted.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import mimetypes
import os
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

GZIP_LEVEL = 6  # the default of common static hosts (nginx gzip_comp_level 6 is usual, mod_deflate 6)
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "application/x-javascript",
    "image/svg+xml",
)


def compressible(path: str) -> bool:
    return (mimetypes.guess_type(path)[0] or "").startswith(COMPRESSIBLE)


@functools.lru_cache(maxsize=1024)
def gzipped(path: str, mtime: float) -> bytes:  # noqa: ARG001 (the file's mtime keys the cache)
    return gzip.compress(Path(path).read_bytes(), compresslevel=GZIP_LEVEL, mtime=0)


def transfer_size(path: Path) -> int:
    """Bytes of a file's body as this host sends it (compressed where a host would compress)."""
    return len(gzipped(str(path), path.stat().st_mtime)) if compressible(str(path)) else path.stat().st_size


class Meter:
    """Requests and bytes sent, since the last reset (one page at a time)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests, self.bytes = 0, 0
            self.paths: list[str] = []

    def add(self, path: str, sent: int) -> None:
        with self._lock:
            self.requests += 1
            self.bytes += sent
            self.paths.append(path)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as a static host would: text gzip-compressed when the browser accepts it."""

    meter: Meter

    def log_message(self, *args):  # keep the benchmark's output readable
        pass

    def send_head(self):
        self._sent = 0
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path) or not compressible(path) or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()  # files as they are; redirects; 404
        body = gzipped(path, os.path.getmtime(path))
        ctype = mimetypes.guess_type(path)[0]
        self.send_response(200)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", self.date_time_string(int(os.path.getmtime(path))))
        self.end_headers()
        from io import BytesIO

        return BytesIO(body)

    def end_headers(self):
        self._sent += sum(len(chunk) for chunk in getattr(self, "_headers_buffer", []))
        super().end_headers()

    def copyfile(self, source, outputfile):
        start = source.tell()
        super().copyfile(source, outputfile)
        self._sent += source.tell() - start

    def handle_one_request(self):
        self._sent = 0
        super().handle_one_request()
        if getattr(self, "command", None) and self.requestline:
            self.meter.add(self.path, self._sent)


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that closes (end of a load) drops its connections: not an error of the site.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@contextmanager
def serve_gzip(folder: Path):
    """(base URL, meter) of a gzip-serving host for folder, on a free local port."""
    meter = Meter()
    handler = type("MeteredHandler", (GzipHandler,), {"meter": meter})
    server = QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", meter
    finally:
        server.shutdown()
        server.server_close()
