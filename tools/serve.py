"""Serve a folder over HTTP on localhost, with the MIME types the runtime needs.

Usage: python3 tools/serve.py [--port 8000] [--host 127.0.0.1] [--directory DIR]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIME_TYPES = {
    ".wasm": "application/wasm",
    ".data": "application/octet-stream",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".py": "text/x-python; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def end_headers(self):
        # Revalidate on every load, so an edited file is never served stale.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):
        if self.server.quiet:
            return
        super().log_message(format, *args)


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False):
    handler = functools.partial(Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.quiet = quiet
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--directory", type=Path, default=ROOT / "dist" / "attention-mechanism", help="folder to serve")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args()
    if not (args.directory / "main.html").exists():
        sys.exit(f"serve: {args.directory} has no main.html; run `./sim build` first.")
    try:
        server = make_server(args.directory, args.host, args.port, args.quiet)
    except OSError as error:
        sys.exit(f"serve: cannot listen on {args.host}:{args.port}: {error.strerror}. Pick another port with --port.")
    host, port = server.server_address[:2]
    print(f"Serving {args.directory} at http://{host}:{port}/main.html (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
