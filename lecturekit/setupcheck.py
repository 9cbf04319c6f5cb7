"""What the setup-check notebook (lecture 0) reports: versions, device, data, and advice.

Nothing here imports torch until it is known to be installed, so the check itself runs
on a half-installed machine and says what is missing.
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata

REQUIRED = ("torch", "torchvision", "numpy", "matplotlib", "ipywidgets", "tqdm")
MIN_PYTHON = (3, 10)


def package_versions(names: tuple[str, ...] = REQUIRED) -> dict[str, str | None]:
    """Installed version of each package, or None when it is missing (lecture 0)."""
    if isinstance(names, str) or not isinstance(names, (tuple, list)):
        raise TypeError(f"names must be a tuple of package names such as ('torch', 'numpy'), "
                        f"got {type(names).__name__}")
    for index, name in enumerate(names):
        if not isinstance(name, str):
            raise TypeError(f"names[{index}] must be a package name (a string), got {type(name).__name__}")
        if not name.strip():
            raise ValueError(f"names[{index}] must be a non-empty package name")
    versions: dict[str, str | None] = {"Python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def problems() -> list[str]:
    """Plain-words advice for everything that would stop a lecture from running (lecture 0)."""
    from lecturekit import data

    advice = []
    if sys.version_info < MIN_PYTHON:
        advice.append(
            f"Python {platform.python_version()} is too old: install Python "
            f"{MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer (3.11 is what the course is tested on)."
        )
    missing = [name for name, version in package_versions().items() if version is None]
    if missing:
        advice.append(
            f"Missing packages: {', '.join(missing)}. From the repository folder run "
            "`make test` once (it builds .venv), or `pip install -e .`, then restart the kernel."
        )
    if not data.mnist_present():
        advice.append(
            "MNIST is not on this computer yet. With internet, lecture 6 downloads it by itself; "
            f"without, copy the MNIST folder from a classmate and point {data.ENV_VAR} at the "
            "folder that contains it (see README, 'MNIST offline')."
        )
    else:
        try:
            data.check_mnist()
        except data.MNISTCorruptError as error:
            advice.append(str(error))
    return advice
