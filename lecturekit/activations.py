"""Activation functions and their derivatives, as plain numpy functions (lecture 1).

Each function takes a real array (or a number) and returns a float64 array of the same
shape: the formula and nothing else, since backpropagation calls them at every layer of
every step. ``ACTIVATIONS`` maps a name to the pair ``(function, derivative)``;
:func:`plot_activations` draws them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lecturekit._checks import check_array

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def step(z: Any) -> np.ndarray:
    """The perceptron's step function: 1 where ``z >= 0``, else 0 (lecture 1)."""
    return (np.asarray(z) >= 0).astype(np.float64)


def step_derivative(z: Any) -> np.ndarray:
    """Derivative of the step function: 0 everywhere (undefined at 0, taken as 0) (lecture 1)."""
    return np.zeros(np.shape(z))


def sigmoid(z: Any) -> np.ndarray:
    """The logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow (lecture 1)."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=np.float64)))


def sigmoid_derivative(z: Any) -> np.ndarray:
    """Derivative of the sigmoid: ``sigmoid(z) * (1 - sigmoid(z))`` (lecture 1)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: Any) -> np.ndarray:
    """The hyperbolic tangent, a sigmoid stretched to the range (-1, 1) (lecture 1)."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_derivative(z: Any) -> np.ndarray:
    """Derivative of tanh: ``1 - tanh(z)**2`` (lecture 1)."""
    return 1.0 - tanh(z) ** 2


def relu(z: Any) -> np.ndarray:
    """The rectified linear unit ``max(0, z)`` (lecture 1)."""
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def relu_derivative(z: Any) -> np.ndarray:
    """Derivative of ReLU: 1 where ``z > 0``, else 0 (undefined at 0, taken as 0) (lecture 1)."""
    return (np.asarray(z) > 0).astype(np.float64)


ACTIVATIONS: dict[str, tuple[Callable[[Any], np.ndarray], Callable[[Any], np.ndarray]]] = {
    "step": (step, step_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
}


def get(name: str) -> tuple[Callable[[Any], np.ndarray], Callable[[Any], np.ndarray]]:
    """The pair ``(function, derivative)`` for an activation name such as ``"relu"`` (lecture 1)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    if name not in ACTIVATIONS:
        raise ValueError(f"name must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def plot_activations(names: Sequence[str] = ("step", "sigmoid", "tanh", "relu"), *,
                     z_range: tuple[float, float] = (-4.0, 4.0)) -> Figure:
    """Activation functions (left) and their derivatives (right) at slide size (lecture 1)."""
    from lecturekit.plotting import new_figure

    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise TypeError("names must be a non-empty list of activation names")
    pairs = [(name, *get(name)) for name in names]
    low, high = (check_array("z_range", z_range, shape=(2,)))
    if not low < high:
        raise ValueError(f"z_range must be (low, high) with low < high, got {tuple(z_range)}")
    z = np.linspace(low, high, 801)
    fig, (left, right) = new_figure(2, width=12.0, height=4.8)
    for name, function, derivative in pairs:
        style = "--" if name == "relu" else "-"  # ReLU overlaps the step for z < 0
        left.plot(z, function(z), style, label=name)
        right.plot(z, derivative(z), style, label=name)
    left.set_title("activation $\\sigma(z)$")
    right.set_title("derivative $\\sigma'(z)$")
    for ax in (left, right):
        ax.set_xlabel("$z$")
        ax.axhline(0.0, color="k", linewidth=0.8)
        ax.axvline(0.0, color="k", linewidth=0.8)
    left.set_ylim(-1.3, 2.3)
    right.set_ylim(-0.1, 1.2)
    left.legend(loc="upper left")
    return fig
