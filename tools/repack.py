"""Repack the runtime's two Emscripten data packages so that fewer bytes cross the wire.

Pyodide 0.17.1 ships numpy (numpy.data, loaded by numpy.js) and the standard library
(pyodide.asm.data, loaded by code at the top of pyodide.asm.js) as packages made by
Emscripten's file_packager with LZ4: the files are concatenated, cut into 2048-byte
chunks and each chunk is LZ4-compressed. The chunk table and the file list are in
the loader script, and Module.LZ4.loadPackage serves reads from the chunks.

LZ4 output barely compresses further, so a server's gzip gains little on it. This
tool rewrites both packages for the built folder:

- the data file holds the kept files uncompressed, one after another, which gzip
  compresses to about two thirds of the LZ4 file's gzip size;
- the files in DROPPED (numpy's test suites, build tools, C headers and the like,
  each pattern with its reason) are left out;
- the loader creates each file in the in-memory file system from that buffer with
  Module.FS_createPreloadedFile, which runs Emscripten's preload plugins as the LZ4
  loader did. Pyodide's plugin for ".so" files compiles each numpy extension module
  while the package loads and stores it in Module.preloadedWasm, where dlopen finds
  it when Python imports the module.

Only the copies in the built folder are replaced; site/vendor/ stays as npm shipped
it. The manifest there (vendor/pyodide/manifest.json) gets the new sizes and hashes
and a "repacked" entry with the original ones. The result is cached in
.cache/repack/, keyed by the inputs and this file. The LZ4 decoder is plain Python,
so no extra package is needed.

Usage: python3 tools/repack.py --sizes [--directory DIR]   (bytes before and after)
"""

from __future__ import annotations

import argparse
import fnmatch
import gzip
import hashlib
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "site" / "vendor" / "pyodide"
APP_DIR = ROOT / "dist" / "attention-mechanism"
CACHE_DIR = ROOT / ".cache" / "repack"
MANIFEST = "manifest.json"
CHUNK_SIZE = 2048  # file_packager's LZ4 chunk size (LZ4.CHUNK_SIZE in the runtime)
GZIP_LEVEL = 6  # the level tools/bench.py serves with

STDLIB = "/lib/python3.8"
NUMPY = STDLIB + "/site-packages/numpy"


@dataclass(frozen=True)
class Rule:
    """Files matching pattern (fnmatch, where * also matches "/") are left out."""

    pattern: str
    reason: str


@dataclass(frozen=True)
class Package:
    """One file_packager package: its data file and the script that loads it."""

    data: str
    loader: str


PACKAGES = (
    Package(data="numpy.data", loader="numpy.js"),
    Package(data="pyodide.asm.data", loader="pyodide.asm.js"),
)

# NOTE: a rule that drops a module the page or numpy imports breaks the page at
# start. The end-to-end tests all run on the repacked folder, and
# tests/e2e/test_repacked_runtime.py uses numpy's subpackages there: run them after
# changing these rules.
DROPPED = {
    "numpy.data": (
        Rule(NUMPY + "/tests/*", "numpy's test suite; numpy.test() also needs pytest, which the runtime lacks"),
        Rule(NUMPY + "/*/tests/*", "the test suites of numpy's subpackages"),
        Rule(NUMPY + "/conftest.py", "pytest configuration of numpy's test suite"),
        # _multiarray_tests.so stays: numpy.core._add_newdocs imports it.
        Rule(NUMPY + "/core/_umath_tests.so", "an extension module that only numpy's tests import"),
        Rule(NUMPY + "/core/_rational_tests.so", "an extension module that only numpy's tests import"),
        Rule(NUMPY + "/core/_struct_ufunc_tests.so", "an extension module that only numpy's tests import"),
        Rule(NUMPY + "/core/_operand_flag_tests.so", "an extension module that only numpy's tests import"),
        Rule(NUMPY + "/core/umath_tests.py", "deprecated alias of the test module _umath_tests"),
        Rule(NUMPY + "/core/_dummy.so", "built only to generate numpy's config headers; nothing imports it"),
        Rule(NUMPY + "/distutils/*", "build tools for C and Fortran extensions; there is no compiler in a browser"),
        Rule(NUMPY + "/f2py/*", "the Fortran-to-Python interface generator, a build tool"),
        Rule("/bin/f2py*", "command-line entry points of f2py"),
        Rule(NUMPY + "/setup.py", "build script; it imports numpy.distutils"),
        Rule(NUMPY + "/*/setup.py", "build scripts of the subpackages; they import numpy.distutils"),
        Rule(NUMPY + "/core/include/*", "C headers for compiling extensions against numpy"),
        Rule(NUMPY + "/core/lib/*", "libnpymath.a and pkg-config files for linking extensions"),
        Rule(NUMPY + "/doc/*", "documentation in module form, read with help(); nothing imports it"),
    ),
    "pyodide.asm.data": (
        Rule(STDLIB + "/distutils/*", "build and install tools for packages and C extensions; nothing imports them at run time"),
        Rule(STDLIB + "/pydoc_data/*", "the text of help()'s keyword and topic pages; pydoc reports their absence"),
        Rule(STDLIB + "/_pydecimal.py", "pure-Python decimal; decimal uses the C module _decimal, built into the runtime"),
        Rule(STDLIB + "/_pyio.py", "pure-Python io; io uses the C module _io, built into the runtime"),
        Rule(STDLIB + "/lzma.py", "needs the C module _lzma, which the runtime lacks, so it cannot be imported anyway"),
        Rule(STDLIB + "/ssl.py", "needs the C module _ssl, which the runtime lacks, so it cannot be imported anyway"),
        Rule(STDLIB + "/asyncio/windows_*.py", "asyncio imports these only on Windows"),
        Rule(STDLIB + "/multiprocessing/*", "starts processes, which a browser page cannot"),
        Rule(STDLIB + "/http/server.py", "an HTTP server; a browser page cannot accept connections"),
        Rule(STDLIB + "/socketserver.py", "network servers; a browser page cannot accept connections"),
        Rule(STDLIB + "/wsgiref/*", "a WSGI server and its helpers; a browser page cannot accept connections"),
        Rule(STDLIB + "/xmlrpc/*", "XML-RPC client and server over TCP connections, which a browser page cannot open"),
        Rule(STDLIB + "/smtpd.py", "a mail server; a browser page cannot accept connections"),
        Rule(STDLIB + "/asyncore.py", "socket servers and clients over TCP, which a browser page cannot open"),
        Rule(STDLIB + "/asynchat.py", "socket servers and clients over TCP, which a browser page cannot open"),
        Rule(STDLIB + "/ftplib.py", "an FTP client over TCP, which a browser page cannot open"),
        Rule(STDLIB + "/imaplib.py", "an IMAP client over TCP, which a browser page cannot open"),
        Rule(STDLIB + "/nntplib.py", "an NNTP client over TCP, which a browser page cannot open"),
        Rule(STDLIB + "/poplib.py", "a POP3 client over TCP, which a browser page cannot open"),
        Rule(STDLIB + "/smtplib.py", "an SMTP client over TCP, which a browser page cannot open"),
        Rule(STDLIB + "/telnetlib.py", "a Telnet client over TCP, which a browser page cannot open"),
    ),
}

FILE_ENTRY = re.compile(
    r'\{"?filename"?:("(?:[^"\\]|\\.)*"),"?start"?:([0-9.e+]+),"?end"?:([0-9.e+]+),"?audio"?:([0-9.e+]+)\}'
)
METADATA = re.compile(
    r'loadPackage\(\{(?P<quote>"?)files(?P=quote):\[(?P<files>.*?)\],'
    r'"?remote_package_size"?:(?P<size>[0-9.e+]+),"?package_uuid"?:"(?P<uuid>[^"]*)"\}\)',
    re.DOTALL,
)
# From "var curr;" in processPackageData to the call of Module.LZ4.loadPackage.
LZ4_LOAD = re.compile(
    r'var curr;var compressedData=(?P<table>\{.*?\});compressedData\["data"\]=byteArray;'
    r'assert\(typeof Module\.LZ4==="object",[^;]*\);'
    r'Module\.LZ4\.loadPackage\(\{"?metadata"?:metadata,"?compressedData"?:compressedData\},true\);',
    re.DOTALL,
)
CREATE_PATH = re.compile(r'Module\["FS_createPath"\]\(("(?:[^"\\]|\\.)*"),("(?:[^"\\]|\\.)*"),true,true\);')
# Creates every file of the package from the uncompressed buffer. The preload
# plugins run as they did under Module.LZ4.loadPackage(..., true), so Pyodide's
# plugin still compiles each .so file into Module.preloadedWasm. canOwn lets each
# file keep its slice of the buffer instead of a copy.
DIRECT_LOAD = (
    'metadata["files"].forEach(function(file){Module["FS_createPreloadedFile"](file["filename"],'
    'null,byteArray.subarray(file["start"],file["end"]),true,true,null,null,false,true)});'
)


class RepackError(Exception):
    """The package cannot be repacked; the message names the reason."""


@dataclass(frozen=True)
class Entry:
    filename: str
    start: int
    end: int
    audio: int


@dataclass(frozen=True)
class Repacked:
    loader_text: str
    data: bytes
    kept: dict  # filename -> bytes
    dropped: dict  # pattern -> list of filenames
    dropped_bytes: int


def integer(text: str) -> int:
    """Parse a number as Emscripten's minifier writes it (113e3 is 113000)."""
    value = float(text)
    if not value.is_integer():
        raise RepackError(f"expected an integer in the loader, found {text}")
    return int(value)


def decompress_block(source: bytes, size: int) -> bytes:
    """Decode one LZ4 block (the raw block format, without a frame) of size bytes."""
    try:
        output = _decode_sequences(source)
    except IndexError:
        raise RepackError("an LZ4 chunk ends inside a sequence") from None
    if len(output) != size:
        raise RepackError(f"an LZ4 chunk decoded to {len(output)} bytes, expected {size}")
    return output


def _decode_sequences(source: bytes) -> bytes:
    output = bytearray()
    append = output.extend
    position = 0
    while True:
        token = source[position]
        position += 1
        length = token >> 4  # literals
        if length == 15:
            extra = 255
            while extra == 255:
                extra = source[position]
                position += 1
                length += extra
        append(source[position : position + length])
        position += length
        if position >= len(source):
            return bytes(output)  # the last sequence has literals only
        offset = source[position] | source[position + 1] << 8
        position += 2
        if offset == 0 or offset > len(output):
            raise RepackError(f"invalid LZ4 match offset {offset}")
        length = token & 15  # match length minus 4
        if length == 15:
            extra = 255
            while extra == 255:
                extra = source[position]
                position += 1
                length += extra
        length += 4
        start = len(output) - offset
        if offset >= length:
            append(output[start : start + length])
        else:
            # The match overlaps the bytes it produces: it repeats the last offset bytes.
            append((output[start:] * (length // offset + 1))[:length])


def parse_array(table: str, key: str) -> list:
    match = re.search(r'"?' + key + r'"?:\[([^\]]*)\]', table)
    if not match:
        raise RepackError(f"the chunk table has no {key}")
    return [integer(value) for value in match.group(1).split(",") if value]


def parse_entries(loader_text: str) -> tuple:
    """Return the package's file entries and the match of its metadata."""
    metadata = METADATA.search(loader_text)
    if not metadata:
        raise RepackError("no file_packager metadata (loadPackage({files: ...})) found")
    entries = [
        Entry(json.loads(name), integer(start), integer(end), integer(audio))
        for name, start, end, audio in FILE_ENTRY.findall(metadata.group("files"))
    ]
    listed = metadata.group("files").count("filename")
    if len(entries) != listed:
        raise RepackError(f"parsed {len(entries)} of the {listed} file entries")
    return entries, metadata


def unpack(loader_text: str, data: bytes) -> dict:
    """Return {filename: bytes} of an LZ4 package, in the package's order."""
    entries, _ = parse_entries(loader_text)
    load = LZ4_LOAD.search(loader_text)
    if not load:
        raise RepackError("the loader does not call Module.LZ4.loadPackage as file_packager --lz4 writes it")
    table = load.group("table")
    offsets = parse_array(table, "offsets")
    sizes = parse_array(table, "sizes")
    successes = parse_array(table, "successes")
    if not len(offsets) == len(sizes) == len(successes):
        raise RepackError("the chunk table's offsets, sizes and successes differ in length")
    total = max((entry.end for entry in entries), default=0)
    if len(offsets) != -(-total // CHUNK_SIZE):
        raise RepackError(f"{len(offsets)} chunks cannot hold {total} bytes")
    chunks = []
    for index, (offset, size, compressed) in enumerate(zip(offsets, sizes, successes)):
        expected = min(CHUNK_SIZE, total - index * CHUNK_SIZE)
        block = data[offset : offset + size]
        chunks.append(decompress_block(block, expected) if compressed else block[:expected])
    plain = b"".join(chunks)
    return {entry.filename: plain[entry.start : entry.end] for entry in entries}


def matching_rule(filename: str, rules) -> Rule:
    for rule in rules:
        if fnmatch.fnmatchcase(filename, rule.pattern):
            return rule
    return None


def select(files: dict, rules) -> tuple:
    """Split files into the kept ones and, per rule pattern, the dropped names."""
    kept = {}
    dropped = {rule.pattern: [] for rule in rules}
    for filename, content in files.items():
        rule = matching_rule(filename, rules)
        if rule is None:
            kept[filename] = content
        else:
            dropped[rule.pattern].append(filename)
    return kept, dropped


def js_string(value: str) -> str:
    return json.dumps(value)


def keep_directory_calls(loader_text: str, kept: dict) -> str:
    """Remove the FS_createPath calls of directories that no kept file is in.

    An empty directory would still import as a namespace package, so a dropped
    subpackage such as numpy.f2py must not leave one behind.
    """

    def replace(match):
        parent, name = json.loads(match.group(1)), json.loads(match.group(2))
        directory = parent.rstrip("/") + "/" + name + "/"
        if any(filename.startswith(directory) for filename in kept):
            return match.group(0)
        return ""

    return CREATE_PATH.sub(replace, loader_text)


def write_loader(loader_text: str, kept: dict) -> str:
    """Return the loader for a data file of the kept files, uncompressed, in order."""
    entries, metadata = parse_entries(loader_text)
    quote = metadata.group("quote")
    audio = {entry.filename: entry.audio for entry in entries}
    rows = []
    position = 0
    for filename, content in kept.items():
        fields = (
            ("filename", js_string(filename)),
            ("start", str(position)),
            ("end", str(position + len(content))),
            ("audio", str(audio[filename])),
        )
        rows.append("{" + ",".join(f"{quote}{key}{quote}:{value}" for key, value in fields) + "}")
        position += len(content)
    new_metadata = (
        f"loadPackage({{{quote}files{quote}:[{','.join(rows)}],"
        f"{quote}remote_package_size{quote}:{position},"
        f"{quote}package_uuid{quote}:{js_string(metadata.group('uuid'))}}})"
    )
    text = loader_text[: metadata.start()] + new_metadata + loader_text[metadata.end() :]
    text, count = LZ4_LOAD.subn(lambda _: DIRECT_LOAD, text)
    if count != 1:
        raise RepackError(f"expected one call of Module.LZ4.loadPackage, found {count}")
    return keep_directory_calls(text, kept)


def repack(loader_text: str, data: bytes, rules) -> Repacked:
    """Repack one LZ4 package: drop the files that rules match, store the rest plain."""
    files = unpack(loader_text, data)
    kept, dropped = select(files, rules)
    new_loader = write_loader(loader_text, kept)
    new_data = b"".join(kept.values())
    if read_direct(new_loader, new_data) != kept:
        raise RepackError("the repacked package does not read back as the kept files")
    dropped_bytes = sum(len(files[name]) for names in dropped.values() for name in names)
    return Repacked(new_loader, new_data, kept, dropped, dropped_bytes)


def read_direct(loader_text: str, data: bytes) -> dict:
    """Return {filename: bytes} of a package written by this tool."""
    if DIRECT_LOAD not in loader_text:
        raise RepackError("the loader was not written by tools/repack.py")
    entries, _ = parse_entries(loader_text)
    return {entry.filename: data[entry.start : entry.end] for entry in entries}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cache_key(sources: dict) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + hashlib.sha256(sources[name]).digest())
    return digest.hexdigest()[:32]


def repack_all(sources: dict) -> tuple:
    """Return the new files {name: bytes} and a summary of what was dropped."""
    outputs, packages = {}, {}
    for package in PACKAGES:
        result = repack(sources[package.loader].decode("utf-8"), sources[package.data], DROPPED[package.data])
        outputs[package.loader] = result.loader_text.encode("utf-8")
        outputs[package.data] = result.data
        packages[package.data] = {
            "kept_files": len(result.kept),
            "dropped_files": sum(len(names) for names in result.dropped.values()),
            "dropped_bytes": result.dropped_bytes,
            "dropped_per_pattern": {pattern: len(names) for pattern, names in result.dropped.items()},
        }
    return outputs, {"packages": packages}


def replace_file(path: Path, source: Path) -> None:
    """Put source's content at path without writing through a hard link to site/."""
    path.unlink(missing_ok=True)
    try:
        os.link(source, path)
    except OSError:
        shutil.copyfile(source, path)


def cached_outputs(runtime_dir: Path, names: list) -> tuple:
    """Return the cache folder holding the repacked files for runtime_dir's inputs."""
    sources = {name: (runtime_dir / name).read_bytes() for name in names}
    folder = CACHE_DIR / cache_key(sources)
    summary_path = folder / "summary.json"
    if summary_path.exists():
        return folder, json.loads(summary_path.read_text())
    outputs, summary = repack_all(sources)
    staging = folder.with_name(folder.name + f".new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, content in outputs.items():
        (staging / name).write_bytes(content)
    summary["original"] = {name: {"size": len(data), "sha256": sha256_hex(data)} for name, data in sources.items()}
    (staging / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    try:
        staging.rename(folder)
    except OSError:
        if not summary_path.exists():
            raise
        shutil.rmtree(staging)  # a build running at the same time was first
    for old in CACHE_DIR.iterdir():
        if old != folder and ".new-" not in old.name:
            shutil.rmtree(old, ignore_errors=True)
    return folder, summary


def repack_folder(app_dir: Path) -> dict:
    """Replace the built folder's runtime packages with repacked ones; return the summary.

    Raises RepackError, leaving the folder unchanged, when the runtime files are not
    the LZ4 packages this tool reads.
    """
    runtime_dir = app_dir / "vendor" / "pyodide"
    manifest_path = runtime_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    if "repacked" in manifest:
        raise RepackError(f"{runtime_dir} is already repacked")
    names = [name for package in PACKAGES for name in (package.loader, package.data)]
    missing = [name for name in names if not (runtime_dir / name).exists()]
    if missing:
        raise RepackError(f"{runtime_dir} lacks {', '.join(missing)}")
    folder, summary = cached_outputs(runtime_dir, names)
    for name in names:
        replace_file(runtime_dir / name, folder / name)
        content = (runtime_dir / name).read_bytes()
        manifest["files"][name] = {"size": len(content), "sha256": sha256_hex(content)}
    manifest["repacked"] = {
        "tool": "tools/repack.py",
        "original": summary["original"],
        "dropped": summary["packages"],
    }
    manifest_path.unlink()  # a hard link to site/vendor/; write a new file
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return summary


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, GZIP_LEVEL, mtime=0))


def size_table(original_dir: Path, built_dir: Path) -> str:
    """Return a Markdown table of the runtime files' bytes before and after repacking."""
    names = sorted(path.name for path in original_dir.iterdir() if path.is_file() and path.name != MANIFEST)
    lines = [
        f"| file | before | before, gzip -{GZIP_LEVEL} | after | after, gzip -{GZIP_LEVEL} |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    totals = [0, 0, 0, 0]
    for name in names:
        before = (original_dir / name).read_bytes()
        after = (built_dir / name).read_bytes()
        figures = (len(before), gzip_size(before), len(after), gzip_size(after))
        totals = [total + figure for total, figure in zip(totals, figures)]
        lines.append(f"| {name} | " + " | ".join(f"{figure:,}" for figure in figures) + " |")
    lines.append("| all | " + " | ".join(f"{total:,}" for total in totals) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", action="store_true", help="print the runtime files' bytes before and after, plain and gzipped")
    parser.add_argument("--directory", type=Path, default=APP_DIR, help="built folder (default dist/attention-mechanism)")
    args = parser.parse_args()
    if not args.sizes:
        parser.error("nothing to do: tools/build.py repacks the built folder; --sizes reports on it")
    built = args.directory / "vendor" / "pyodide"
    if not (built / MANIFEST).exists() or not (VENDOR_DIR / MANIFEST).exists():
        sys.exit(f"repack: {built} or {VENDOR_DIR} is missing; run ./sim build first.")
    if "repacked" not in json.loads((built / MANIFEST).read_text()):
        print(f"repack: note: {built} holds the original runtime files")
    print(size_table(VENDOR_DIR, built))


if __name__ == "__main__":
    main()
