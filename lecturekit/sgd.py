"""Minibatch stochastic gradient descent on a linear neuron, in numpy (lecture 2).

The model is ``f(x) = w . x + b`` with the squared-error cost
``C = 1/(2n) * sum over samples of (f(x) - y)**2``. Its cost is a bowl (a quadratic), so the
effect of the learning rate can be predicted exactly: full-batch gradient descent converges
when the learning rate is below ``2 / lambda_max`` (the largest curvature of the bowl) and
diverges above it.

Three update rules share one signature, ``step(params, grad, state, *, lr) -> (params,
state)``: plain gradient descent (:func:`sgd_step`), momentum (:func:`momentum_step`) and
Adam (:func:`adam_step`); :func:`run_sgd` takes any of them by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from lecturekit._checks import check_array, check_bool, check_choice, check_positive_int, check_real

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


def gradients(weights: np.ndarray, bias: float, X: np.ndarray,
              y: np.ndarray) -> tuple[np.ndarray, float]:
    """``(dC/dw, dC/db)`` of :func:`cost` over the samples ``X, y`` (a minibatch) (lecture 2)."""
    residual = X @ weights + bias - y
    return X.T @ residual / len(y), float(np.mean(residual))


def curvatures(X: Any) -> np.ndarray:
    """The curvatures of the bowl :func:`cost`, smallest first (lecture 2).

    They are the eigenvalues of its Hessian (the matrix of second derivatives, the same
    everywhere for a quadratic): the second derivative of the cost along each of the
    bowl's principal directions. They depend on the inputs ``X`` only.
    """
    X = check_array("X", X, ndim=2)
    if len(X) == 0:
        raise ValueError("X must hold at least one sample (one row)")
    design = np.column_stack([X, np.ones(len(X))])  # the bias is the weight of a constant input 1
    hessian = design.T @ design / len(X)
    return np.linalg.eigvalsh(hessian)


def max_stable_learning_rate(X: Any) -> float:
    """``2 / lambda_max``: full-batch gradient descent on :func:`cost` diverges above it (lecture 2)."""
    return float(2.0 / curvatures(X)[-1])


def best_cost(X: Any, y: Any) -> float:
    """The lowest value of :func:`cost` that any weights reach (least squares) (lecture 2)."""
    X, y = _check_data(X, y)
    design = np.column_stack([X, np.ones(len(X))])
    solution = np.linalg.lstsq(design, y, rcond=None)[0]
    return cost(solution[:-1], float(solution[-1]), X, y)


# --- three update rules: step(params, grad, state, *, lr) -> (new params, new state) ---------

def sgd_step(params: np.ndarray, grad: np.ndarray, state: None, *,
             lr: float) -> tuple[np.ndarray, None]:
    """Plain gradient descent: ``params - lr * grad``; it keeps no state (lecture 2)."""
    return params - lr * grad, state


def momentum_step(params: np.ndarray, grad: np.ndarray, velocity: np.ndarray, *, lr: float,
                  beta: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent with momentum, as ``torch.optim.SGD(momentum=beta)`` (lecture 2)."""
    velocity = beta * velocity + grad
    return params - lr * velocity, velocity


def adam_step(params: np.ndarray, grad: np.ndarray, state: tuple, *, lr: float,
              beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8) -> tuple[np.ndarray, tuple]:
    """Adam (Kingma & Ba 2015) as ``torch.optim.Adam``; state: ``(m, v, t)`` (lecture 2)."""
    m, v, t = state
    t = t + 1
    m = beta1 * m + (1 - beta1) * grad          # average gradient
    v = beta2 * v + (1 - beta2) * grad**2       # average squared gradient
    m_hat = m / (1 - beta1**t)                  # bias correction: m and v start at 0
    v_hat = v / (1 - beta2**t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)


def initial_state(optimizer: str, size: int) -> Any:
    """The state an update rule starts from, for ``size`` parameters (lecture 2)."""
    check_choice("optimizer", optimizer, OPTIMIZERS)
    size = check_positive_int("size", size)
    if optimizer == "momentum":
        return np.zeros(size)
    if optimizer == "adam":
        return np.zeros(size), np.zeros(size), 0
    return None


# Optimizer name -> update rule; the names shallow.fit takes too.
OPTIMIZERS: dict[str, Callable[..., tuple[np.ndarray, Any]]] = {
    "sgd": sgd_step,
    "momentum": momentum_step,
    "adam": adam_step,
}


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
    optimizer: str = "sgd"
    lr: float = float("nan")

    def __repr__(self) -> str:
        return (f"SGDRun(optimizer={self.optimizer!r}, lr={self.lr:.3g}, updates={len(self.costs) - 1}, "
                f"final cost={self.costs[-1]:.3g}, diverged={self.diverged})")

    def updates_to(self, threshold: float) -> int | None:
        """How many updates it took until the cost on all the data was at most ``threshold``
        for the first time; ``None`` if it never was (lecture 2)."""
        threshold = check_real("threshold", threshold)
        reached = np.flatnonzero(self.costs <= threshold)
        return int(reached[0]) if len(reached) else None


def run_sgd(X: Any, y: Any, *, lr: float, batch_size: int, epochs: int, seed: int = 0,
            optimizer: str = "sgd") -> SGDRun:
    """Minibatch SGD on a linear neuron starting from zero weights (lecture 2).

    Each epoch shuffles the samples (with ``seed``) and takes one step per minibatch of
    ``batch_size`` samples: ``w -= lr * dC/dw`` for ``optimizer="sgd"``, or the update rule
    ``"momentum"`` or ``"adam"`` of :data:`OPTIMIZERS`. ``losses[k]`` is the cost of update
    ``k``'s batch before the step; ``costs[0]`` is the cost before training and ``costs[k]``
    the cost on all the data after update ``k``.
    Training stops early once the cost exceeds ``DIVERGED`` or is no longer finite.
    """
    X, y = _check_data(X, y)
    lr = check_real("lr", lr, minimum=0.0, strict=True)
    batch_size = check_positive_int("batch_size", batch_size)
    if batch_size > len(y):
        raise ValueError(f"batch_size must be at most the number of samples ({len(y)}), got {batch_size}")
    epochs = check_positive_int("epochs", epochs, maximum=MAX_EPOCHS)
    seed = check_positive_int("seed", seed, minimum=0)
    check_choice("optimizer", optimizer, OPTIMIZERS)
    step = OPTIMIZERS[optimizer]
    rng = np.random.default_rng(seed)
    params = np.zeros(X.shape[1] + 1)  # the weights, then the bias
    state = initial_state(optimizer, len(params))
    losses, costs = [], [cost(params[:-1], params[-1], X, y)]
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            order = rng.permutation(len(y))
            for start in range(0, len(y), batch_size):
                batch = order[start:start + batch_size]
                losses.append(cost(params[:-1], params[-1], X[batch], y[batch]))
                grad_w, grad_b = gradients(params[:-1], params[-1], X[batch], y[batch])
                params, state = step(params, np.append(grad_w, grad_b), state, lr=lr)
                costs.append(cost(params[:-1], params[-1], X, y))
                if not costs[-1] <= DIVERGED:
                    diverged = True
                    break
            if diverged:
                break
    updates_per_epoch = -(-len(y) // batch_size)
    return SGDRun(params[:-1], float(params[-1]), losses, np.array(costs), updates_per_epoch,
                  diverged, optimizer, lr)


def fastest_run(X: Any, y: Any, *, optimizer: str, rates: Any, threshold: float,
                steps: int) -> SGDRun:
    """Full-batch runs of ``steps`` updates, one per learning rate in ``rates`` (lecture 2).

    Returns the run that first brings the cost down to ``threshold`` (the smallest rate
    wins a tie); ``ValueError`` if none does.
    """
    threshold = check_real("threshold", threshold)
    rates = check_array("rates", rates, ndim=1)
    if not len(rates):
        raise ValueError("rates must hold at least one learning rate")
    X, y = _check_data(X, y)
    runs = [run_sgd(X, y, lr=float(lr), batch_size=len(y), epochs=steps, optimizer=optimizer)
            for lr in np.sort(rates)]
    reached = [run for run in runs if run.updates_to(threshold) is not None]
    if not reached:
        raise ValueError(f"no rate in rates brings the cost down to threshold={threshold:.3g} "
                         f"within {steps} steps")
    return min(reached, key=lambda run: run.updates_to(threshold))


def plot_costs(runs: Mapping[str, SGDRun], *, per_epoch: bool = False, ax: Axes | None = None,
               title: str | None = None, minimum: float | None = None) -> Figure:
    """Cost curves of several runs on a log scale, labelled by the keys of ``runs`` (lecture 2).

    The x-axis counts updates, or epochs with ``per_epoch=True`` (so that runs with
    different batch sizes line up). A diverged run is drawn up to the point where it stopped.
    With ``minimum`` (the lowest cost, :func:`best_cost`) the curves show how far each cost
    is above it, floored at ``1e-16`` so that the log scale can show a cost that reached it.
    """
    per_epoch = check_bool("per_epoch", per_epoch)
    from lecturekit import plotting

    if minimum is not None:
        minimum = check_real("minimum", minimum)
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be a non-empty dict from a label to an SGDRun")
    if ax is None:
        _, ax = plotting.new_figure(width=9.0, height=3.6)
    for label, run in runs.items():
        if not isinstance(run, SGDRun):
            raise TypeError(f"runs[{label!r}] must be an SGDRun, got {type(run).__name__}")
        steps = np.arange(len(run.costs))
        x = steps / run.updates_per_epoch if per_epoch else steps
        shown = np.minimum(run.costs, DIVERGED)
        if minimum is not None:
            shown = np.maximum(shown - minimum, 1e-16)
        ax.plot(x, shown, label=label, linewidth=1.8)
    ax.set_yscale("log")
    ax.set_xlabel("epochs" if per_epoch else "updates")
    ax.set_ylabel("cost $C$ on all the data" if minimum is None else "$C - C_{\\min}$ on all the data")
    ax.legend(loc="best")
    if title:
        ax.set_title(title)
    return ax.figure


def plot_batch_runs(runs: Mapping[str, SGDRun]) -> Figure:
    """The cost curves of ``runs`` twice, side by side: against epochs (left) and against
    updates on a log scale (right), so that runs with different batch sizes compare both
    per pass over the data and per step (lecture 2)."""
    from lecturekit import plotting

    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be a non-empty dict from a label to an SGDRun")
    fig, (left, right) = plotting.new_figure(2, width=12.0, height=3.1)
    plot_costs(runs, per_epoch=True, ax=left, title="per epoch")
    plot_costs(runs, ax=right, title="per update")
    right.set_xscale("log")
    right.set_xlabel("updates (log scale)")
    return fig


def _check_races(runs: Any) -> dict[str, dict[str, SGDRun]]:
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be a non-empty dict from a problem to a dict of SGDRun")
    for problem, inner in runs.items():
        if not isinstance(inner, Mapping) or not inner:
            raise TypeError(f"runs[{problem!r}] must be a non-empty dict from a label to an SGDRun")
        for label, run in inner.items():
            if not isinstance(run, SGDRun):
                raise TypeError(f"runs[{problem!r}][{label!r}] must be an SGDRun, got {type(run).__name__}")
    return {problem: dict(inner) for problem, inner in runs.items()}


def steps_table(runs: Mapping[str, Mapping[str, SGDRun]], threshold: float) -> str:
    """A table of how many updates each run needed to bring the cost down to ``threshold``,
    with its learning rate in brackets: one row per label (optimiser), one column per
    problem (the outer keys of ``runs``); "-" where a run never got there (lecture 2)."""
    runs = _check_races(runs)
    threshold = check_real("threshold", threshold)
    labels = list(dict.fromkeys(label for inner in runs.values() for label in inner))
    first = max(len("steps (eta)"), *(len(label) for label in labels))
    widths = [max(18, len(problem) + 2) for problem in runs]
    lines = [f"{'steps (eta)':<{first}}" + "".join(f"{p:>{w}}" for p, w in zip(runs, widths))]
    for label in labels:
        cells = []
        for inner in runs.values():
            run = inner.get(label)
            steps = None if run is None else run.updates_to(threshold)
            cells.append("-" if steps is None else f"{steps} ({run.lr:.2g})")
        lines.append(f"{label:<{first}}" + "".join(f"{c:>{w}}" for c, w in zip(cells, widths)))
    return "\n".join(lines)


def plot_races(runs: Mapping[str, Mapping[str, SGDRun]], *, minimum: float, goal: float) -> Figure:
    """One panel per problem (the outer keys of ``runs``), sharing the y-axis: the cost above
    its ``minimum`` for each run in it (:func:`plot_costs`) and a dotted line at the ``goal``
    cost (lecture 2)."""
    from lecturekit import plotting

    runs = _check_races(runs)
    minimum = check_real("minimum", minimum)
    goal = check_real("goal", goal)
    if not goal > minimum:
        raise ValueError(f"goal must be above the minimum ({minimum:.3g}), got {goal:.3g}")
    if len(runs) > 4:
        raise ValueError(f"runs must hold at most 4 problems (one panel each), got {len(runs)}")
    fig, axes = plotting.new_figure(len(runs), width=min(6.0 * len(runs), 12.0), height=3.2,
                                    squeeze=False, sharey=True)
    for ax, (problem, inner) in zip(axes[0], runs.items()):
        plot_costs(inner, ax=ax, minimum=minimum, title=f"{problem}: cost above its minimum")
        ax.axhline(goal - minimum, color="k", linestyle=":", linewidth=1.2)
    for ax in axes[0][1:]:
        ax.set_ylabel("")
    return fig
