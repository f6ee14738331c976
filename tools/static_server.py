"""Serve a built site on 127.0.0.1 as a static host would, for the tests and the benchmarks.

Text is gzip-compressed (GitHub Pages and nginx do it; `compress=False` stands for a host that does not), fonts
get their proper types, and nothing is logged, so that Lighthouse measures the site and not a bare development
server.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["serve"]

#: Files a static host compresses.
COMPRESSIBLE = frozenset({".html", ".css", ".js", ".json", ".svg", ".xml", ".map", ".txt"})


class _StaticHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 (the base class's own attribute, extended)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".ttf": "font/ttf",
        ".json": "application/json",
        ".js": "text/javascript",
        ".svg": "image/svg+xml",
    }

    def __init__(self, *args: Any, extra_headers: Mapping[str, str], compress: bool = True, **kwargs: Any) -> None:
        self.extra_headers = extra_headers
        self.compress = compress
        super().__init__(*args, **kwargs)

    def send_head(self) -> BinaryIO | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].split("#")[0].endswith("/"):
            path = path / "index.html"
        accepts = self.headers.get("Accept-Encoding", "")
        if not (self.compress and path.is_file() and path.suffix in COMPRESSIBLE and "gzip" in accepts):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that cancels a request is fine
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(
    site_dir: str | Path, extra_headers: Mapping[str, str] | None = None, *, compress: bool = True
) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 on a free port, in a thread; yield its base URL, then stop the server.

    Args:
        site_dir: the built site.
        extra_headers: headers added to every response.
        compress: gzip text files for a client that accepts it, as most static hosts do.

    Yields:
        The base URL, ending with "/".
    """
    handler = functools.partial(
        _StaticHandler, directory=str(site_dir), extra_headers=dict(extra_headers or {}), compress=compress
    )
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
