"""tools/repack.py: its LZ4 decoder, the repacked packages' contents, and the manifest.

The original packages are decoded here independently of the tool: with the lz4
package's LZ4 block decoder and a parser of the loader scripts written for this
test. Every kept file must come out of the repacked data byte for byte.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import lz4.block
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
VENDOR_DIR = ROOT / "site" / "vendor" / "pyodide"
sys.path.insert(0, str(ROOT / "tools"))

import repack  # noqa: E402

NAMES = [name for package in repack.PACKAGES for name in (package.loader, package.data)]
ENTRY = re.compile(r'\{"?filename"?:"([^"]+)","?start"?:([0-9.e]+),"?end"?:([0-9.e]+)')
PATH_CALL = re.compile(r'Module\["FS_createPath"\]\("([^"]*)","([^"]*)",true,true\)')


def needs_vendor():
    missing = [name for name in NAMES if not (VENDOR_DIR / name).exists()]
    if missing:
        pytest.skip(f"{VENDOR_DIR} lacks {', '.join(missing)}; run ./sim vendor")


def number_list(text: str, key: str) -> list:
    start = text.index(key + "[", text.index("compressedData={")) + len(key) + 1
    return [int(float(value)) for value in text[start : text.index("]", start)].split(",") if value]


def file_spans(loader_text: str) -> list:
    return [(name, int(float(start)), int(float(end))) for name, start, end in ENTRY.findall(loader_text)]


def decode_original(package) -> dict:
    """Return {filename: bytes} of a vendored LZ4 package, decoded with the lz4 package."""
    text = (VENDOR_DIR / package.loader).read_text(encoding="utf-8")
    data = (VENDOR_DIR / package.data).read_bytes()
    quote = '"' if '"offsets":' in text else ""
    offsets = number_list(text, f"{quote}offsets{quote}:")
    sizes = number_list(text, f"{quote}sizes{quote}:")
    successes = number_list(text, f"{quote}successes{quote}:")
    plain = bytearray()
    for offset, size, compressed in zip(offsets, sizes, successes):
        block = data[offset : offset + size]
        plain += lz4.block.decompress(block, uncompressed_size=2048) if compressed else block
    return {name: bytes(plain[start:end]) for name, start, end in file_spans(text)}


@pytest.fixture(scope="module")
def originals() -> dict:
    needs_vendor()
    return {package.data: decode_original(package) for package in repack.PACKAGES}


@pytest.fixture(scope="module")
def repacked() -> dict:
    needs_vendor()
    sources = {name: (VENDOR_DIR / name).read_bytes() for name in NAMES}
    outputs, summary = repack.repack_all(sources)
    return {"outputs": outputs, "summary": summary}


def expected_kept(files: dict, data_name: str) -> dict:
    patterns = [rule.pattern for rule in repack.DROPPED[data_name]]
    return {
        name: content
        for name, content in files.items()
        if not any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
    }


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=3000),
        st.builds(lambda piece, count: piece * count, st.binary(min_size=1, max_size=40), st.integers(1, 300)),
        st.builds(lambda head, tail: head + b"\0" * 700 + head + tail, st.binary(max_size=600), st.binary(max_size=600)),
    )
)
def test_decoder_matches_lz4_package(data):
    block = lz4.block.compress(data, store_size=False)
    assert repack.decompress_block(block, len(data)) == data


def test_decoder_rejects_offset_before_start():
    block = bytes([0x10]) + b"a" + (5).to_bytes(2, "little") + bytes([0x10]) + b"b"
    with pytest.raises(repack.RepackError, match="offset 5"):
        repack.decompress_block(block, 7)


def test_decoder_rejects_wrong_size():
    block = lz4.block.compress(b"attention " * 50, store_size=False)
    with pytest.raises(repack.RepackError, match="expected 499"):
        repack.decompress_block(block, 499)


def test_minified_numbers_parse():
    assert repack.integer("113e3") == 113000
    assert repack.integer("25e4") == 250000
    assert repack.integer("2048") == 2048
    with pytest.raises(repack.RepackError):
        repack.integer("1.5")


def test_tool_decodes_originals(originals):
    for package in repack.PACKAGES:
        text = (VENDOR_DIR / package.loader).read_text(encoding="utf-8")
        files = repack.unpack(text, (VENDOR_DIR / package.data).read_bytes())
        assert files == originals[package.data], package.data


def test_kept_files_equal_original_bytes(originals, repacked):
    for package in repack.PACKAGES:
        text = repacked["outputs"][package.loader].decode("utf-8")
        data = repacked["outputs"][package.data]
        spans = file_spans(text)
        stored = {name: data[start:end] for name, start, end in spans}
        kept = expected_kept(originals[package.data], package.data)
        assert len(stored) == len(spans), f"{package.loader} lists a file twice"
        assert sorted(stored) == sorted(kept), f"{package.data} keeps other files than the rules leave"
        for name, content in kept.items():
            assert stored[name] == content, f"{name} differs from the original"


def test_data_holds_kept_files_only(originals, repacked):
    for package in repack.PACKAGES:
        text = repacked["outputs"][package.loader].decode("utf-8")
        data = repacked["outputs"][package.data]
        spans = sorted((start, end) for _, start, end in file_spans(text))
        assert spans[0][0] == 0
        assert all(end == next_start for (_, end), (next_start, _) in zip(spans, spans[1:])), "gaps in the data"
        assert spans[-1][1] == len(data)
        assert int(re.search(r'remote_package_size"?:([0-9]+)', text).group(1)) == len(data)


def test_loader_creates_files_without_lz4(repacked):
    for package in repack.PACKAGES:
        text = repacked["outputs"][package.loader].decode("utf-8")
        original = (VENDOR_DIR / package.loader).read_text(encoding="utf-8")
        # pyodide.asm.js also contains the LZ4 library, whose own code names
        # compressedData; only the package loader's uses of it must be gone.
        lz4_call = repack.LZ4_LOAD.search(original).group(0)
        expected = original.count("compressedData") - lz4_call.count("compressedData")
        # Counts, not "x not in text": a failed "in" on megabytes of text makes
        # pytest compute a diff for hours.
        assert text.count("Module.LZ4.loadPackage") == 0, package.loader
        assert text.count("compressedData") == expected, package.loader
        assert text.count('Module["FS_createPreloadedFile"](file["filename"]') == 1


def test_loader_creates_exactly_needed_directories(repacked):
    for package in repack.PACKAGES:
        text = repacked["outputs"][package.loader].decode("utf-8")
        created = {parent.rstrip("/") + "/" + name for parent, name in PATH_CALL.findall(text)}
        needed = set()
        for filename, _, _ in file_spans(text):
            parts = filename.split("/")[1:-1]
            needed.update("/" + "/".join(parts[: index + 1]) for index in range(len(parts)))
        assert created == needed, package.loader


def test_dropped_subpackages_leave_no_directory(repacked):
    text = repacked["outputs"]["numpy.js"].decode("utf-8")
    for directory in ("f2py", "distutils", "doc", "tests"):
        created = f'"/lib/python3.8/site-packages/numpy","{directory}"' in text
        assert not created, directory


def loader_skeleton(text: str) -> str:
    """Return the loader without its file list, directory calls and package loading."""
    text = re.sub(r'Module\["FS_createPath"\]\([^)]*\);', "", text)
    text = re.sub(r'loadPackage\(\{"?files"?:\[.*?\],"?remote_package_size"?:[0-9e]+', "<files>", text, flags=re.DOTALL)
    text = re.sub(r"var curr;var compressedData=.*?Module\.LZ4\.loadPackage\([^)]*\);", "<load>", text, flags=re.DOTALL)
    return text.replace(repack.DIRECT_LOAD, "<load>")


def first_difference(first: str, second: str) -> int:
    return next((i for i, (a, b) in enumerate(zip(first, second)) if a != b), min(len(first), len(second)))


def test_rest_of_loader_unchanged(repacked):
    for package in repack.PACKAGES:
        before = (VENDOR_DIR / package.loader).read_text(encoding="utf-8")
        after = repacked["outputs"][package.loader].decode("utf-8")
        assert loader_skeleton(before).count("<load>") == 1
        skeleton_before, skeleton_after = loader_skeleton(before), loader_skeleton(after)
        same = skeleton_after == skeleton_before  # no pytest diff of megabytes on failure
        assert same, f"{package.loader} differs from character {first_difference(skeleton_before, skeleton_after)}"


def test_every_rule_drops_files(originals):
    for data_name, rules in repack.DROPPED.items():
        for rule in rules:
            matched = [name for name in originals[data_name] if fnmatch.fnmatchcase(name, rule.pattern)]
            assert matched, f"{rule.pattern} matches no file of {data_name}"


def test_rules_have_reasons_and_differ():
    for rules in repack.DROPPED.values():
        patterns = [rule.pattern for rule in rules]
        assert len(patterns) == len(set(patterns))
        for rule in rules:
            assert len(rule.reason.split()) >= 4, rule.pattern


def test_page_modules_are_kept(originals):
    must_keep = [
        "/lib/python3.8/site-packages/numpy/__init__.py",
        "/lib/python3.8/site-packages/numpy/core/_multiarray_umath.so",
        "/lib/python3.8/site-packages/numpy/core/_multiarray_tests.so",
        "/lib/python3.8/site-packages/numpy/linalg/_umath_linalg.so",
        "/lib/python3.8/site-packages/numpy/linalg/lapack_lite.so",
        "/lib/python3.8/site-packages/numpy/fft/_pocketfft_internal.so",
        "/lib/python3.8/site-packages/numpy/random/mtrand.so",
        "/lib/python3.8/site-packages/numpy/testing/_private/utils.py",
        "/lib/python3.8/site-packages/numpy/LICENSE.txt",
    ]
    kept = expected_kept(originals["numpy.data"], "numpy.data")
    for name in must_keep:
        assert name in kept, name
    stdlib = expected_kept(originals["pyodide.asm.data"], "pyodide.asm.data")
    for name in ("json/__init__.py", "urllib/parse.py", "asyncio/__init__.py", "unittest/__init__.py", "LICENSE.txt"):
        assert "/lib/python3.8/" + name in stdlib, name


def test_unrecognised_loader_raises():
    with pytest.raises(repack.RepackError, match="metadata"):
        repack.unpack("var Module = {};", b"")
    loader = 'loadPackage({files:[{filename:"/a.py",start:0,end:3,audio:0}],remote_package_size:3,package_uuid:"x"})'
    with pytest.raises(repack.RepackError, match="LZ4.loadPackage"):
        repack.unpack(loader, b"abc")


def link_runtime(target: Path) -> Path:
    runtime = target / "vendor" / "pyodide"
    runtime.mkdir(parents=True)
    for path in VENDOR_DIR.iterdir():
        os.link(path, runtime / path.name)
    return runtime


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("repack-cache")


def test_repack_folder_replaces_copies_only(tmp_path, monkeypatch, cache_dir):
    needs_vendor()
    monkeypatch.setattr(repack, "CACHE_DIR", cache_dir)
    originals = {name: hashlib.sha256((VENDOR_DIR / name).read_bytes()).hexdigest() for name in NAMES}
    runtime = link_runtime(tmp_path / "app")

    summary = repack.repack_folder(tmp_path / "app")

    for name in NAMES:
        assert hashlib.sha256((VENDOR_DIR / name).read_bytes()).hexdigest() == originals[name], f"site/ {name} changed"
    manifest = json.loads((runtime / "manifest.json").read_text())
    for name in NAMES:
        content = (runtime / name).read_bytes()
        assert manifest["files"][name] == {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        assert manifest["repacked"]["original"][name]["sha256"] == originals[name]
    assert json.loads((VENDOR_DIR / "manifest.json").read_text()).get("repacked") is None
    assert manifest["repacked"]["dropped"] == summary["packages"]
    for data_name, rules in repack.DROPPED.items():
        counts = manifest["repacked"]["dropped"][data_name]["dropped_per_pattern"]
        assert sorted(counts) == sorted(rule.pattern for rule in rules)
    with pytest.raises(repack.RepackError, match="already repacked"):
        repack.repack_folder(tmp_path / "app")


def test_repack_folder_uses_cache(tmp_path, monkeypatch, cache_dir):
    needs_vendor()
    monkeypatch.setattr(repack, "CACHE_DIR", cache_dir)
    link_runtime(tmp_path / "first")
    repack.repack_folder(tmp_path / "first")

    def fail(sources):
        raise AssertionError("repacked again despite a cached result")

    monkeypatch.setattr(repack, "repack_all", fail)
    runtime = link_runtime(tmp_path / "second")
    repack.repack_folder(tmp_path / "second")
    for name in NAMES:
        assert (runtime / name).read_bytes() == (tmp_path / "first" / "vendor" / "pyodide" / name).read_bytes()


def test_repack_folder_leaves_unknown_runtime(tmp_path, monkeypatch):
    needs_vendor()
    monkeypatch.setattr(repack, "CACHE_DIR", tmp_path / "cache")
    runtime = link_runtime(tmp_path / "app")
    (runtime / "numpy.js").unlink()
    (runtime / "numpy.js").write_text("var Module = {};")
    before = {path.name: path.read_bytes() for path in runtime.iterdir()}
    with pytest.raises(repack.RepackError):
        repack.repack_folder(tmp_path / "app")
    assert {path.name: path.read_bytes() for path in runtime.iterdir()} == before
