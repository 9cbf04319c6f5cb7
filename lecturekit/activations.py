"""Activation functions and their derivatives, as plain numpy functions (lecture 1).

Each function takes a real array (or a number) and returns a float64 array of the same
shape. ``ACTIVATIONS`` maps a name to the pair ``(function, derivative)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturekit._checks import check_array


def step(z: Any) -> np.ndarray:
    """The perceptron's step function: 1 where ``z >= 0``, else 0 (lecture 1)."""
    z = check_array("z", z)
    return (z >= 0).astype(np.float64)


def step_derivative(z: Any) -> np.ndarray:
    """Derivative of the step function: 0 everywhere (undefined at 0, taken as 0) (lecture 1)."""
    z = check_array("z", z)
    return np.zeros_like(z)


def sigmoid(z: Any) -> np.ndarray:
    """The logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow (lecture 1)."""
    z = check_array("z", z)
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_derivative(z: Any) -> np.ndarray:
    """Derivative of the sigmoid: ``sigmoid(z) * (1 - sigmoid(z))`` (lecture 1)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: Any) -> np.ndarray:
    """The hyperbolic tangent, a sigmoid stretched to the range (-1, 1) (lecture 1)."""
    return np.tanh(check_array("z", z))


def tanh_derivative(z: Any) -> np.ndarray:
    """Derivative of tanh: ``1 - tanh(z)**2`` (lecture 1)."""
    return 1.0 - tanh(z) ** 2


def relu(z: Any) -> np.ndarray:
    """The rectified linear unit ``max(0, z)`` (lecture 1)."""
    return np.maximum(check_array("z", z), 0.0)


def relu_derivative(z: Any) -> np.ndarray:
    """Derivative of ReLU: 1 where ``z > 0``, else 0 (undefined at 0, taken as 0) (lecture 1)."""
    z = check_array("z", z)
    return (z > 0).astype(np.float64)


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
