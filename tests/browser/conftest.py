"""Fixtures for the browser checks: a fresh build, a local HTTP server, headless Chromium
with every request that leaves localhost blocked (and recorded), and JupyterLab for RISE.

Environment (all optional):
- ``LECTUREKIT_BROWSER_NOTEBOOKS``: notebooks to check, separated by ``os.pathsep``
  (default: every notebook in notebooks/).
- ``LECTUREKIT_BUILD_DIR``: where the pages are built (default: build/).
- ``LECTUREKIT_CHROMIUM``: the browser binary (default: /usr/bin/chromium).
"""

from __future__ import annotations

import functools
import http.server
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pagecheck import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, ROOT, build_dir, notebook_list

from lecturekit.toolchain import notebooks
from lecturekit.toolchain.pdf import QuietHandler


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} is missing (install Debian's chromium; .ci/run does it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _browser_missing()
    if reason is None:
        return
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Build the course page, handouts and slides of the checked notebooks (atomically), once
    per test session: with pytest-xdist the first worker builds under a file lock and the
    other finds the build done, so no worker's screenshots vanish in another one's rebuild."""
    import fcntl

    from lecturekit.toolchain.build import build

    out = build_dir()
    session = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        session = session.parent  # shared by the workers of this run
    with open(session / "browser-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = session / "browser-build.done"
        if not done.is_file():
            explicit = os.environ.get("LECTUREKIT_BROWSER_NOTEBOOKS")
            build(ROOT, notebook_list() if explicit else None, out)
            (out / "screenshots").mkdir(exist_ok=True)
            done.write_text(str(out))
    return out


@pytest.fixture(scope="session")
def site(built: Path):
    """``built`` served over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(built))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Recorder:
    """What a page did wrong: blocked (non-local) requests, failed requests, HTTP errors,
    console errors and uncaught exceptions."""

    def __init__(self) -> None:
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.http_errors: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def watch(self, page) -> None:
        page.on("requestfailed", lambda request: self.failed.append(
            f"{request.url} ({request.failure})"))
        page.on("response", lambda response: response.status >= 400 and self.http_errors.append(
            f"{response.status} {response.url}"))
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(
            message.text))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))


@pytest.fixture()
def context(browser):
    """A fresh 16:9 browser context with the network blocked except for localhost."""
    recorder = Recorder()
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    ctx.route("**/*", recorder.route)
    ctx.recorder = recorder
    yield ctx
    ctx.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def jupyter(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, private config/runtime folders, serving a copy
    of the notebooks (so nothing the slideshow runs or autosaves touches the repository)."""
    root = tmp_path_factory.mktemp("rise-root")
    (root / "notebooks").mkdir()
    (root / "images").mkdir()
    rise_css = notebooks.notebook_dir(ROOT) / "rise.css"
    for path in notebook_list():
        shutil.copy2(path, root / "notebooks" / path.name)
        if (path.parent / "rise.css").is_file():
            rise_css = path.parent / "rise.css"
        images = path.parent.parent / "images"
        if images.is_dir():
            shutil.copytree(images, root / "images", dirs_exist_ok=True)
    if rise_css.is_file():
        shutil.copy2(rise_css, root / "notebooks" / "rise.css")
    home = tmp_path_factory.mktemp("jupyter-home")
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
    )
    # Trust the copies as an instructor does once (`make trust`): JupyterLab then keeps the
    # script and style of stored HTML outputs such as the in-class questions.
    copies = sorted(str(path) for path in (root / "notebooks").glob("*.ipynb"))
    subprocess.run([sys.executable, "-m", "nbformat.sign", "--log-level=WARN", *copies],
                   env=env, check=True, capture_output=True)
    port, token = _free_port(), secrets.token_hex(16)
    log = open(home / "server.log", "w")  # noqa: SIM115 - closed below
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {(home / 'server.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start within 90 s") from None
                time.sleep(0.5)
        yield {"base": base, "token": token, "root": root, "log": home / "server.log"}
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()
