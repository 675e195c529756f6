"""Write the whole MicroSim, runtime and numpy included, into one offline HTML file.

The file works when opened from file:// with no network, and requests nothing
beyond itself. It is made from the built folder's main.html:

- stylesheets, classic scripts and the favicon are inlined (deferred scripts move
  to the end of <body>, where they still run after the markup and before the
  boot module);
- ES modules are inlined too. Their relative imports are rewritten to bare
  specifiers ("attention-sim/painter.js") that an import map resolves to data: URLs;
- every other file of the folder (vendor/pyodide/, py/) is embedded gzip-compressed
  and base64-encoded in a <script type="application/octet-stream"> block, and
  single_file_loader.js serves those blocks to fetch() and to script elements.

Usage: python3 tools/single_file.py [--directory DIR] [--output FILE]
       python3 tools/single_file.py --measure [--runs 5]   (size and load time)
"""

from __future__ import annotations

import argparse
import base64
import gzip
import html
import json
import posixpath
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "dist" / "attention-mechanism"
OUTPUT = ROOT / "dist" / "attention-mechanism.html"
LOADER = Path(__file__).resolve().parent / "single_file_loader.js"
MODULE_PREFIX = "attention-sim/"

# Files of the folder that the page itself never loads: the textbook page, its
# metadata and screenshot, and the service worker (not registered from a file).
NOT_BUNDLED = {"main.html", "index.md", "metadata.json", "sw.js", "attention-mechanism.png"}

TAG = re.compile(r"<(script|link)\b([^>]*)>(?:\s*</script>)?", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
# src attributes of elements other than <script>, such as <img> or <iframe>.
OTHER_SOURCE = re.compile(r"""<(?!script\b)\w+\b[^>]*?\bsrc\s*=\s*["']([^"']+)""", re.IGNORECASE)
RELATIVE_IMPORT = re.compile(
    r"""(?P<keyword>\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(?P<quote>["'])(?P<specifier>\.\.?/[^"'\s]+)(?P=quote)"""
)


class SingleFileError(Exception):
    """The folder cannot be turned into one file; the message names the reason."""


def parse_attributes(text: str) -> dict:
    attributes = {}
    for match in ATTRIBUTE.finditer(text):
        name = match.group(1).lower()
        value = next((group for group in match.group(2, 3, 4) if group is not None), "")
        attributes[name] = html.unescape(value)
    return attributes


def is_local(url: str) -> bool:
    return not re.match(r"^([a-z][a-z0-9+.-]*:|//|#)", url, re.IGNORECASE)


def escape_script(text: str) -> str:
    """Keep inlined JavaScript from ending its <script> element early."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def data_url(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


class Bundler:
    def __init__(self, directory: Path):
        self.directory = directory
        self.inlined = set()  # paths whose content is part of the markup
        self.modules = {}  # bare specifier -> data: URL

    def read(self, path: str) -> bytes:
        file = self.directory / path
        if not file.is_file():
            raise SingleFileError(f"main.html refers to {path}, which is not in {self.directory}")
        self.inlined.add(path)
        return file.read_bytes()

    def module_source(self, path: str) -> str:
        """Return a module's source with its relative imports made bare specifiers."""

        def rewrite(match):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), match["specifier"]))
            self.add_module(target)
            return f"{match['keyword']}{match['quote']}{MODULE_PREFIX}{target}{match['quote']}"

        return RELATIVE_IMPORT.sub(rewrite, self.read(path).decode("utf-8"))

    def add_module(self, path: str) -> None:
        specifier = MODULE_PREFIX + path
        if specifier in self.modules:
            return
        self.modules[specifier] = ""  # marks it as in progress, for import cycles
        self.modules[specifier] = data_url("text/javascript", self.module_source(path).encode("utf-8"))

    def transform(self, markup: str) -> str:
        deferred = []

        def replace(match):
            tag = match.group(1).lower()
            attributes = parse_attributes(match.group(2))
            if tag == "link":
                return self.replace_link(attributes, match.group(0))
            source = attributes.get("src")
            if source is None or not is_local(source):
                return match.group(0)
            path = posixpath.normpath(source.split("?")[0])
            if attributes.get("type", "").lower() == "module":
                code = self.module_source(path)
                return f'<script type="module">\n{escape_script(code)}\n</script>'
            code = escape_script(self.read(path).decode("utf-8"))
            inline = f"<script>\n{code}\n</script>"
            if "defer" in attributes or "async" in attributes:
                deferred.append(inline)
                return ""
            return inline

        leftover = [source for source in OTHER_SOURCE.findall(markup) if is_local(source)]
        if leftover:
            raise SingleFileError(f"main.html loads files that cannot be inlined yet: {leftover}")
        body = TAG.sub(replace, markup)
        if "</body>" not in body:
            raise SingleFileError("main.html has no </body>")
        body = body.replace("</body>", "\n".join(deferred) + "\n</body>", 1)
        return body

    def replace_link(self, attributes: dict, original: str) -> str:
        relations = attributes.get("rel", "").lower().split()
        href = attributes.get("href", "")
        if not is_local(href):
            return original
        path = posixpath.normpath(href.split("?")[0])
        if "stylesheet" in relations:
            css = self.read(path).decode("utf-8")
            if re.search(r"url\(\s*['\"]?(?![a-z]+:|#)", css, re.IGNORECASE):
                raise SingleFileError(f"{path} refers to files with url(); inline them first")
            return "<style>\n" + re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE) + "\n</style>"
        if "icon" in relations:
            content_type = attributes.get("type") or "image/svg+xml"
            return f'<link rel="icon" type="{content_type}" href="{data_url(content_type, self.read(path))}">'
        if relations and set(relations) <= {"preload", "modulepreload", "prefetch", "preconnect"}:
            return ""  # hints for separate files, which no longer exist
        raise SingleFileError(f"main.html has a <link rel={attributes.get('rel')!r}> that cannot be inlined")

    def data_blocks(self) -> list:
        blocks = []
        for file in sorted(self.directory.rglob("*")):
            path = file.relative_to(self.directory).as_posix()
            if not file.is_file() or path in NOT_BUNDLED or path in self.inlined:
                continue
            data = file.read_bytes()
            packed = base64.b64encode(gzip.compress(data, compresslevel=6, mtime=0)).decode("ascii")
            blocks.append(
                f'<script type="application/octet-stream" data-path="{html.escape(path)}" '
                f'data-size="{len(data)}">{packed}</script>'
            )
        return blocks


def build_single_file(directory: Path = APP_DIR, output: Path = OUTPUT) -> Path:
    """Write output from the built folder and return it."""
    markup = (directory / "main.html").read_text(encoding="utf-8")
    bundler = Bundler(directory)
    body = bundler.transform(markup)
    head_start = re.search(r"<head[^>]*>", body, re.IGNORECASE)
    if not head_start:
        raise SingleFileError("main.html has no <head>")
    loader = "<script>\n" + escape_script(LOADER.read_text(encoding="utf-8")) + "\n</script>"
    import_map = ""
    if bundler.modules:
        import_map = '<script type="importmap">' + json.dumps({"imports": bundler.modules}) + "</script>"
    charset = re.search(r"<meta\s+charset[^>]*>", body, re.IGNORECASE)
    insert_at = charset.end() if charset else head_start.end()
    body = body[:insert_at] + "\n" + loader + "\n" + import_map + body[insert_at:]
    body = body.replace("</body>", "\n".join(bundler.data_blocks()) + "\n</body>", 1)
    temporary = output.with_name(output.name + ".tmp")
    temporary.write_text(body, encoding="utf-8")
    temporary.replace(output)
    return output


def measure(path: Path, runs: int) -> dict:
    """Open the file from file:// in fresh Chromium contexts and time data-ready."""
    import os
    import shutil

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    from conftest import CHROMIUM_ARGS  # noqa: E402

    timings = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 800, "height": 552})
            blocked = []

            def handle(route):
                if route.request.url == copy.as_uri():
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", handle)
            page = context.new_page()
            started = time.perf_counter()
            page.goto(copy.as_uri())
            page.wait_for_function("document.documentElement.dataset.ready !== 'false'", timeout=120_000)
            elapsed = time.perf_counter() - started
            state = page.evaluate("document.documentElement.dataset.ready")
            context.close()
            if state != "true":
                raise SystemExit(f"single file: data-ready is {state!r} in {copy}")
            if blocked:
                raise SystemExit(f"single file: requests beyond the file were made: {blocked}")
            timings.append(elapsed)
        version = browser.version
        browser.close()
    return {
        "file": str(path),
        "bytes": path.stat().st_size,
        "runs": runs,
        "ready_seconds": {
            "min": round(min(timings), 2),
            "median": round(statistics.median(timings), 2),
            "max": round(max(timings), 2),
        },
        "chromium": version,
        "cores": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", type=Path, default=APP_DIR, help="built MicroSim folder")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="HTML file to write")
    parser.add_argument("--measure", action="store_true", help="time data-ready of the output file instead")
    parser.add_argument("--runs", type=int, default=5, help="runs for --measure (default 5)")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.output, args.runs), indent=1))
        return
    try:
        output = build_single_file(args.directory, args.output)
    except SingleFileError as error:
        sys.exit(f"single file: {error}")
    print(f"single file: wrote {output} ({output.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
