"""Minibatch stochastic gradient descent on a linear neuron, in numpy (lecture 2).

The model is ``f(x) = w . x + b`` with the squared-error cost
``C = 1/(2n) * sum over samples of (f(x) - y)**2``. Its cost is a bowl (a quadratic), so the
effect of the learning rate can be predicted exactly: full-batch gradient descent converges
when the learning rate is below ``2 / lambda_max`` (the largest curvature of the bowl) and
diverges above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from lecturekit._checks import check_array, check_positive_int, check_real

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DIVERGED = 1e12  # a cost above this counts as diverged; training stops there
MAX_SAMPLES = 10_000_000  # linear_data holds every sample in memory
MAX_EPOCHS = 100_000  # run_sgd keeps the cost after every update: more would fill memory


def linear_data(n: int = 200, *, weights: tuple[float, ...] = (2.0, -1.0), bias: float = 0.5,
                noise: float = 0.3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``X`` ~ N(0, 1) of shape ``(n, d)`` and targets ``X @ weights + bias + noise`` (lecture 2)."""
    n = check_positive_int("n", n, maximum=MAX_SAMPLES)
    true_weights = check_array("weights", weights, ndim=1)
    bias = check_real("bias", bias)
    noise = check_real("noise", noise, minimum=0.0)
    check_positive_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, true_weights.shape[0]))
    return X, X @ true_weights + bias + noise * rng.standard_normal(n)


def _check_data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = check_array("X", X, ndim=2)
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one sample")
    return X, check_array("y", y, shape=(X.shape[0],))


def cost(weights: np.ndarray, bias: float, X: np.ndarray, y: np.ndarray) -> float:
    """The squared-error cost ``1/(2n) * sum((X @ w + b - y)**2)`` (lecture 2)."""
    residual = X @ weights + bias - y
    return float(0.5 * np.mean(residual**2))


def gradients(weights: np.ndarray, bias: float, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """``(dC/dw, dC/db)`` of :func:`cost` over the samples ``X, y`` (a minibatch) (lecture 2)."""
    residual = X @ weights + bias - y
    return X.T @ residual / len(y), float(np.mean(residual))


def max_stable_learning_rate(X: Any) -> float:
    """``2 / lambda_max``: full-batch gradient descent on :func:`cost` diverges above it (lecture 2)."""
    X = check_array("X", X, ndim=2)
    if len(X) == 0:
        raise ValueError("X must hold at least one sample (one row)")
    design = np.column_stack([X, np.ones(len(X))])  # the bias is the weight of a constant input 1
    hessian = design.T @ design / len(X)
    return float(2.0 / np.linalg.eigvalsh(hessian)[-1])


@dataclass
class SGDRun:
    """The result of :func:`run_sgd` (lecture 2): the final parameters, ``losses`` (the loss of
    every update on its batch, before the step, as every training loop of lecturekit returns
    them) and, for the experiments of lecture 2, ``costs``: the cost on all the data before
    training and after every update."""

    weights: np.ndarray
    bias: float
    losses: list[float] = field(repr=False)
    costs: np.ndarray = field(repr=False)
    updates_per_epoch: int
    diverged: bool

    def __repr__(self) -> str:
        return (f"SGDRun(updates={len(self.costs) - 1}, final cost={self.costs[-1]:.3g}, "
                f"diverged={self.diverged})")


def run_sgd(X: Any, y: Any, *, lr: float, batch_size: int, epochs: int, seed: int = 0) -> SGDRun:
    """Minibatch SGD on a linear neuron starting from zero weights (lecture 2).

    Each epoch shuffles the samples (with ``seed``) and takes one step
    ``w -= lr * dC/dw`` per minibatch of ``batch_size`` samples. ``losses[k]`` is the cost of
    update ``k``'s batch before the step; ``costs[0]`` is the cost before training and
    ``costs[k]`` the cost on all the data after update ``k``.
    Training stops early once the cost exceeds ``DIVERGED`` or is no longer finite.
    """
    X, y = _check_data(X, y)
    lr = check_real("lr", lr, minimum=0.0, strict=True)
    batch_size = check_positive_int("batch_size", batch_size)
    if batch_size > len(y):
        raise ValueError(f"batch_size must be at most the number of samples ({len(y)}), got {batch_size}")
    epochs = check_positive_int("epochs", epochs, maximum=MAX_EPOCHS)
    seed = check_positive_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    weights, bias = np.zeros(X.shape[1]), 0.0
    losses, costs = [], [cost(weights, bias, X, y)]
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            order = rng.permutation(len(y))
            for start in range(0, len(y), batch_size):
                batch = order[start:start + batch_size]
                losses.append(cost(weights, bias, X[batch], y[batch]))
                grad_w, grad_b = gradients(weights, bias, X[batch], y[batch])
                weights = weights - lr * grad_w
                bias = bias - lr * grad_b
                costs.append(cost(weights, bias, X, y))
                if not costs[-1] <= DIVERGED:
                    diverged = True
                    break
            if diverged:
                break
    updates_per_epoch = -(-len(y) // batch_size)
    return SGDRun(weights, bias, losses, np.array(costs), updates_per_epoch, diverged)


def plot_costs(runs: Mapping[str, SGDRun], *, per_epoch: bool = False, ax: Axes | None = None,
               title: str | None = None) -> Figure:
    """Cost curves of several runs on a log scale, labelled by the keys of ``runs`` (lecture 2).

    The x-axis counts updates, or epochs with ``per_epoch=True`` (so that runs with
    different batch sizes line up). A diverged run is drawn up to the point where it stopped.
    """
    from lecturekit import plotting

    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be a non-empty dict from a label to an SGDRun")
    if ax is None:
        _, ax = plotting.new_figure(width=9.0, height=4.6)
    for label, run in runs.items():
        if not isinstance(run, SGDRun):
            raise TypeError(f"runs[{label!r}] must be an SGDRun, got {type(run).__name__}")
        steps = np.arange(len(run.costs))
        x = steps / run.updates_per_epoch if per_epoch else steps
        ax.plot(x, np.minimum(run.costs, DIVERGED), label=label, linewidth=1.8)
    ax.set_yscale("log")
    ax.set_xlabel("epochs" if per_epoch else "updates")
    ax.set_ylabel("cost $C$ on all the data")
    ax.legend(loc="best")
    if title:
        ax.set_title(title)
    return ax.figure
