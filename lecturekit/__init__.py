"""lecturekit: the helpers behind the neural-network lecture notebooks.

Import it under a short name, ``import lecturekit as lk``, and reach the topic modules as
attributes (``lk.data``, ``lk.plotting``, ...). Submodules load on first use, so importing
the package stays light: neither torch nor matplotlib is imported until a helper needs it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__version__ = "0.1.0"

_SUBMODULES = (
    "activations",
    "backprop",
    "cnn",
    "convplots",
    "data",
    "diagrams",
    "figures",
    "generative",
    "history",
    "kernels",
    "losses",
    "models",
    "notebooks",
    "perceptron",
    "plotting",
    "publish",
    "quiz",
    "setupcheck",
    "sgd",
    "shallow",
    "toydata",
    "training",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'lecturekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
