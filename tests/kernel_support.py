"""Run a notebook in a throwaway kernel that needs no network, not even the loopback interface.

Jupyter kernels talk to their client over TCP on 127.0.0.1 by default; in a network namespace
with no network (``unshare -n``) the loopback interface is down and such a kernel never answers.
On POSIX systems these kernels use Unix domain sockets (jupyter_client's ``ipc`` transport)
in a private temporary folder instead.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


def execute(notebook: Any, folder: Path, timeout: int, **options: Any) -> Any:
    """Run every cell of ``notebook`` in a fresh ``python3`` kernel started in ``folder``;
    ``options`` go to nbclient's NotebookClient. Returns the notebook, with its outputs."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="lk-kernel-") as sockets:
        transport = {"transport": "ipc", "ip": str(Path(sockets) / "kernel")} if os.name == "posix" else {}
        manager = KernelManager(kernel_name="python3", **transport)
        try:
            NotebookClient(notebook, km=manager, timeout=timeout, kernel_name="python3",
                           resources={"metadata": {"path": str(folder)}}, **options).execute()
        finally:  # nbclient leaves a kernel it did not start itself running
            if manager.has_kernel:
                manager.shutdown_kernel(now=True)
    return notebook
