"""Small 2-D and 1-D data sets generated with numpy, deterministic given a seed.

Introduced in lecture 1 (separable blobs, XOR) and used in lectures 2 and 3 (moons,
spirals, a 1-D target function).
"""

from __future__ import annotations

import numpy as np

from lecturekit._checks import check_array, check_positive_int, check_real

MAX_SAMPLES = 10_000_000  # points held in memory; more is a typo, not a toy data set


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(check_positive_int("seed", seed, minimum=0))


def separable_blobs(n: int = 100, *, gap: float = 1.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two linearly separable clouds in 2-D with labels 0 and 1 (lecture 1).

    Points of class 1 lie above the line ``x1 + x2 = 0`` by at least ``gap / 2``, class 0 below.
    Returns ``X`` of shape ``(n, 2)`` and ``y`` of shape ``(n,)`` with ints in {0, 1}.
    """
    check_positive_int("n", n, maximum=MAX_SAMPLES)
    check_real("gap", gap, minimum=0.0)
    rng = _rng(seed)
    y = np.arange(n) % 2
    rng.shuffle(y)
    along = rng.uniform(-2.5, 2.5, size=n)
    across = rng.uniform(gap / 2, gap / 2 + 2.0, size=n) * np.where(y == 1, 1.0, -1.0)
    direction = np.array([1.0, -1.0]) / np.sqrt(2.0)
    normal = np.array([1.0, 1.0]) / np.sqrt(2.0)
    X = along[:, None] * direction + across[:, None] * normal
    return X, y.astype(np.int64)


def xor(n: int = 4, *, noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem (lecture 1): corners of the unit square, label 1 where exactly one input is 1.

    ``n`` points cycle through the four corners; ``noise`` adds Gaussian jitter of that scale.
    """
    check_positive_int("n", n, maximum=MAX_SAMPLES)
    check_real("noise", noise, minimum=0.0)
    rng = _rng(seed)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    X = corners[np.arange(n) % 4] + noise * rng.standard_normal((n, 2))
    y = (corners[np.arange(n) % 4].sum(axis=1) == 1).astype(np.int64)
    return X, y


def moons(n: int = 200, *, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (lecture 3), ``n`` points split evenly, labels 0 and 1."""
    check_positive_int("n", n, maximum=MAX_SAMPLES)
    check_real("noise", noise, minimum=0.0)
    rng = _rng(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n_upper, dtype=np.int64), np.ones(n_lower, dtype=np.int64)])
    order = rng.permutation(n)
    return X[order], y[order]


def spirals(n: int = 200, *, turns: float = 1.5, noise: float = 0.05,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two intertwined spirals (lecture 3), ``n`` points split evenly, labels 0 and 1."""
    check_positive_int("n", n, maximum=MAX_SAMPLES)
    check_real("turns", turns, minimum=0.0, strict=True)
    check_real("noise", noise, minimum=0.0)
    rng = _rng(seed)
    y = np.arange(n) % 2
    t = np.sqrt(rng.uniform(0.05, 1.0, size=n))
    angle = 2 * np.pi * turns * t + np.pi * y
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)]) + noise * rng.standard_normal((n, 2))
    return X, y.astype(np.int64)


def target_function(x: np.ndarray) -> np.ndarray:
    """A wiggly 1-D function on [-1, 1] to approximate with a network (lecture 2)."""
    x = check_array("x", x)
    return np.sin(3 * np.pi * x) * np.exp(-x**2) + 0.5 * x


def regression_1d(n: int = 200, *, noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Samples ``x`` on [-1, 1] (shape ``(n, 1)``) and ``target_function(x)`` plus noise (lecture 2)."""
    check_positive_int("n", n, maximum=MAX_SAMPLES)
    check_real("noise", noise, minimum=0.0)
    rng = _rng(seed)
    x = np.linspace(-1.0, 1.0, n)[:, None]
    return x, target_function(x) + noise * rng.standard_normal(x.shape)
