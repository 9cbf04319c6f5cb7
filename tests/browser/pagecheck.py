"""Settings shared by the browser checks: which notebooks, where the build goes, which browser."""

from __future__ import annotations

import os
from pathlib import Path

from lecturekit.toolchain import notebooks

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = os.environ.get("LECTUREKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def notebook_list() -> list[Path]:
    listed = os.environ.get("LECTUREKIT_BROWSER_NOTEBOOKS")
    if listed:
        return [Path(item).resolve() for item in listed.split(os.pathsep) if item]
    return notebooks.notebook_paths(ROOT)


def build_dir() -> Path:
    return Path(os.environ.get("LECTUREKIT_BUILD_DIR", ROOT / "build")).resolve()
