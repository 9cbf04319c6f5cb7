"""Argument checks shared by the public helpers: each raises a clear TypeError or ValueError
that names the argument and says what was expected."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np


def to_numpy(value: Any) -> Any:
    """A torch tensor (on any device, with or without gradients) as a numpy array; anything else as is."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        return value.detach().cpu().numpy()
    return value


def check_bool(name: str, value: Any) -> bool:
    """``value`` must be True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_choice(name: str, value: Any, choices: Any) -> str:
    """``value`` must be one of the strings in ``choices``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {sorted(choices)}, got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def check_module(name: str, value: Any) -> Any:
    """``value`` must be a ``torch.nn.Module`` (torch is imported only here, when needed)."""
    from torch import nn

    if not isinstance(value, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(value).__name__}")
    return value


def check_positive_int(name: str, value: Any, *, minimum: int = 1, maximum: int | None = None) -> int:
    """``value`` must be an int (not a bool) of at least ``minimum`` and at most ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum:,}, got {value:,}")
    return int(value)


MAX_LAYERS = 1_000  # layer sizes lists longer than this are a mistake, not a network
MAX_UNITS = 100_000  # units in one layer
MAX_PARAMETERS = 50_000_000  # weights and biases of a fully connected network (400 MB in float64)


def check_sizes(name: str, sizes: Any) -> list[int]:
    """``sizes`` must list 2 or more layer sizes (inputs first) of a network that fits in memory."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"{name} must be a list of layer sizes such as [2, 4, 1], got {type(sizes).__name__}")
    if not 2 <= len(sizes) <= MAX_LAYERS:
        raise ValueError(f"{name} must list between 2 and {MAX_LAYERS:,} layers (input and output "
                         f"included), got {len(sizes)}")
    checked = [check_positive_int(f"{name}[{i}]", size, maximum=MAX_UNITS) for i, size in enumerate(sizes)]
    parameters = sum(n_in * n_out + n_out for n_in, n_out in zip(checked[:-1], checked[1:]))
    if parameters > MAX_PARAMETERS:
        raise ValueError(f"{name} = {checked} has {parameters:,} weights and biases, more than the "
                         f"{MAX_PARAMETERS:,} these helpers accept")
    return checked


def check_real(name: str, value: Any, *, minimum: float | None = None, strict: bool = False) -> float:
    """``value`` must be a finite real number, optionally ``>= minimum`` (``> minimum`` if strict)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        relation = ">" if strict else ">="
        raise ValueError(f"{name} must be {relation} {minimum}, got {value}")
    return value


def check_array(name: str, value: Any, *, ndim: int | None = None,
                shape: tuple[int | None, ...] | None = None, finite: bool = True) -> np.ndarray:
    """Convert ``value`` to a float64 array and check its dimensions, shape and finiteness.

    ``shape`` may hold ``None`` for "any size" along an axis.
    """
    try:
        array = np.asarray(to_numpy(value), dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a numeric array, got {type(value).__name__}") from error
    if shape is not None:
        ndim = len(shape)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got an array of shape {array.shape}")
    if shape is not None:
        for axis, (got, want) in enumerate(zip(array.shape, shape)):
            if want is not None and got != want:
                expected = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")"
                raise ValueError(f"{name} must have shape {expected}, got {array.shape} (axis {axis})")
    if finite and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return array


def check_labels(name: str, value: Any, *, num_classes: int | None = None, count: int | None = None,
                 count_name: str = "images") -> np.ndarray:
    """``value`` must be a 1-D sequence of integer class indices, ``count`` of them if given, each in
    ``[0, num_classes)`` if given; returns them as an int64 array (a CPU tensor is not copied)."""
    try:
        array = np.asarray(to_numpy(value))
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"{name} must be a 1-D array of integer class indices, "
                        f"got {type(value).__name__}") from error
    if array.ndim == 1 and array.size == 0:
        array = array.astype(np.int64)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must hold integer class indices, got {array.dtype} ({type(value).__name__})")
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one class index per example), got shape {array.shape}")
    if count is not None and len(array) != count:
        raise ValueError(f"{name} must have the same length as {count_name} ({count}), got {len(array)}")
    if num_classes is not None and len(array):
        outside = (array < 0) | (array >= num_classes)
        if outside.any():
            index = int(np.argmax(outside))
            raise ValueError(f"{name} must be class indices in [0, {num_classes - 1}] "
                             f"({num_classes} classes), got {array[index]} at index {index}")
    return array.astype(np.int64, copy=False)
