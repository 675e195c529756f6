"""The build outputs in dist/: the MicroSim folder's textbook files and service worker stamp.

These read the files that `tools/build.py` wrote; the browser tests of each output
live in test_mkdocs.py, test_nginx.py, test_embed.py, test_scorm.py,
test_single_file.py and test_offline.py.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import sys
import zipfile
import zlib
from html.parser import HTMLParser

import yaml

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import build  # noqa: E402
import microsim  # noqa: E402

BUILD_ID_JS = re.compile(r'^const BUILD_ID = "([0-9a-f]{16})";$', re.MULTILINE)
FILES_JS = re.compile(r"^const FILES = (\[.*?\]);$", re.MULTILINE | re.DOTALL)


def split_front_matter(text: str):
    match = re.match(r"---\n(.*?)\n---\n(.*)", text, re.DOTALL)
    assert match, "index.md has no front matter between --- lines"
    return yaml.safe_load(match.group(1)), match.group(2)


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_folder_has_textbook_files(app_dir):
    for name in ("main.html", "index.md", "metadata.json", microsim.SCREENSHOT, "sw.js"):
        assert (app_dir / name).is_file(), f"{name} is missing from {app_dir}"


def test_index_md_front_matter(app_dir):
    front, _ = split_front_matter((app_dir / "index.md").read_text(encoding="utf-8"))
    assert front["title"] == microsim.TITLE
    assert "attention" in front["description"].lower()
    assert front["image"] == f"/sims/{app_dir.name}/{microsim.SCREENSHOT}"
    assert front["og:image"] == front["image"]


def test_index_md_embeds_and_teaches(app_dir):
    _, body = split_front_matter((app_dir / "index.md").read_text(encoding="utf-8"))
    collector = TagCollector()
    collector.feed(body)
    iframes = [attrs for tag, attrs in collector.tags if tag == "iframe"]
    assert iframes[0]["src"] == "main.html", iframes
    assert iframes[0]["height"] == str(microsim.IFRAME_HEIGHT)
    assert "[Run the Attention Mechanism MicroSim full screen](./main.html){ .md-button" in body
    snippet = re.search(r"```html\n(.*?)\n```", body, re.DOTALL)
    assert snippet, "index.md has no html embed snippet"
    assert "<iframe" in snippet.group(1)
    assert "/main.html" in snippet.group(1)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert microsim.RESIZE_SCRIPT in readme, "index.md and the README resize the iframe differently"
    assert body.count(microsim.RESIZE_SCRIPT) == 2, "the page and its embed snippet both resize the iframe"
    for heading in ("## Lesson plan", "### Learning objectives", "### Activities", "### Assessment"):
        assert heading in body, f"{heading} is missing"
    for objective in microsim.LEARNING_OBJECTIVES:
        assert objective in body


def test_metadata_json_fields(app_dir):
    metadata = json.loads((app_dir / "metadata.json").read_text(encoding="utf-8"))
    strings = ("title", "description", "rights", "language", "format", "type", "framework", "version")
    for field in strings:
        assert isinstance(metadata[field], str) and metadata[field], field
    lists = ("creator", "subject", "topic", "gradeLevel", "bloomsTaxonomy", "learningObjectives")
    for field in lists:
        assert isinstance(metadata[field], list) and metadata[field], field
    assert metadata["title"] == microsim.TITLE
    assert metadata["format"] == "text/html"
    assert set(metadata["bloomsTaxonomy"]) <= {"Remember", "Understand", "Apply", "Analyze", "Evaluate", "Create"}
    assert {"6", "12", "Undergraduate"} <= set(metadata["gradeLevel"])
    for field in ("date", "dateModified"):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", metadata[field]), (field, metadata[field])
    assert metadata["date"] <= metadata["dateModified"]
    assert "Pyodide 0.17.1" in metadata["dependencies"]
    assert (app_dir / metadata["image"]).is_file()


def read_png(path):
    """Return (width, height, raw scanline bytes) of an 8-bit PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat = 8, b""
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        chunk = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    return width, height, zlib.decompress(idat)


def test_screenshot_shows_the_page(app_dir):
    width, height, pixels = read_png(app_dir / microsim.SCREENSHOT)
    assert (width, height) == (800, microsim.IFRAME_HEIGHT)
    # A blank or error page has few distinct byte values; the heatmap has many.
    assert len(set(pixels)) > 100, "the screenshot looks blank"


def test_service_worker_is_stamped(app_dir):
    worker = (app_dir / "sw.js").read_text(encoding="utf-8")
    build_id = BUILD_ID_JS.search(worker)
    assert build_id, "sw.js has no build id"
    files = json.loads(FILES_JS.search(worker).group(1))
    assert files == build.cached_files(app_dir)
    assert build_id.group(1) == build.compute_build_id(app_dir, files)
    for required in ("main.html", "boot.js", "vendor/pyodide/pyodide.asm.wasm", "py/manifest.json"):
        assert required in files
    for excluded in ("sw.js", "index.md", "metadata.json", microsim.SCREENSHOT):
        assert excluded not in files


def test_build_id_changes_with_any_file(app_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(app_dir, copy, ignore=shutil.ignore_patterns("vendor"))
    files = build.cached_files(copy)
    before = build.compute_build_id(copy, files)
    assert build.compute_build_id(copy, files) == before
    (copy / "py" / "attention_sim" / "attention.py").write_text("# edited\n", encoding="utf-8")
    assert build.compute_build_id(copy, files) != before


def test_main_html_urls_are_relative(app_dir):
    collector = TagCollector()
    collector.feed((app_dir / "main.html").read_text(encoding="utf-8"))
    loading = {"script", "link", "img", "iframe", "source", "video", "audio"}
    urls = [
        attrs[name]
        for tag, attrs in collector.tags
        if tag in loading
        for name in ("src", "href")
        if attrs.get(name)
    ]
    assert urls, "no URLs found"
    for url in urls:
        assert not re.match(r"^([a-z]+:|/)", url), f"{url} is not relative"
        assert (app_dir / url.split("?")[0]).is_file(), f"{url} is not in the folder"
    assert any(url == "embed.js" for url in urls) and any(url == "scorm.js" for url in urls)


def test_scorm_zip_contains_the_folder(app_dir):
    with zipfile.ZipFile(app_dir.parent / "attention-mechanism-scorm12.zip") as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    for path in build.cached_files(app_dir):
        assert sizes.get(path) == (app_dir / path).stat().st_size, f"{path} differs in the zip"


def test_single_file_contains_the_runtime(app_dir):
    markup = (app_dir.parent / "attention-mechanism.html").read_text(encoding="utf-8")
    for path in ("vendor/pyodide/pyodide.asm.wasm", "vendor/pyodide/numpy.data", "py/manifest.json"):
        size = (app_dir / path).stat().st_size
        assert f'data-path="{path}" data-size="{size}"' in markup, f"{path} is not embedded at its size"
