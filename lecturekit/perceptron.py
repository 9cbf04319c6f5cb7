"""The perceptron and its learning rule (lecture 1).

A perceptron computes ``z = w . x + b`` and outputs the step of ``z``: 1 if ``z >= 0``,
else 0. The learning rule visits the training points one by one and, after each mistake,
moves the weights towards the point's side: ``w += lr * (y - y_hat) * x`` and
``b += lr * (y - y_hat)`` (``lr``, the learning rate, is the slides' eta).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from lecturekit._checks import check_array, check_bool, check_positive_int, check_real

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_EPOCHS = 100_000  # passes over the data; more would run for minutes on a toy problem


def _check_data(X: Any, y: Any | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    X = check_array("X", X, ndim=2)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must hold at least one sample and one feature, got shape {X.shape}")
    if y is None:
        return X, None
    labels = check_array("y", y, shape=(X.shape[0],))
    if not np.all((labels == 0) | (labels == 1)):
        raise ValueError("y must hold class labels 0 and 1 only")
    return X, labels.astype(np.int64)


def perceptron_update(weights: np.ndarray, bias: float, x: np.ndarray, y: int,
                      lr: float = 1.0) -> tuple[np.ndarray, float]:
    """One step of the perceptron rule for one sample ``(x, y)`` (lecture 1): the new
    ``(weights, bias)``, changed only when the prediction is wrong."""
    prediction = 1 if weights @ x + bias >= 0 else 0
    error = y - prediction  # +1, 0 or -1
    return weights + lr * error * x, bias + lr * error


@dataclass(frozen=True)
class EpochRecord:
    """The state of a perceptron at the end of one training epoch (lecture 1)."""

    epoch: int
    weights: np.ndarray
    bias: float
    mistakes: int
    accuracy: float

    def __repr__(self) -> str:
        weights = ", ".join(f"{w:.3g}" for w in self.weights)
        return (f"EpochRecord(epoch={self.epoch}, weights=[{weights}], bias={self.bias:.3g}, "
                f"mistakes={self.mistakes}, accuracy={self.accuracy:.2%})")


class Perceptron:
    """A single step-function neuron trained with the perceptron rule (lecture 1).

    Labels are 0 and 1. The weights start at zero; each epoch visits the samples in a new
    random order (``shuffle=True``, drawn from ``seed``) or in the given order, so training
    is deterministic. After :meth:`fit`, ``history`` holds one
    :class:`EpochRecord` per epoch (the boundary, the mistakes made during the epoch and
    the training accuracy at its end).
    """

    def __init__(self, lr: float = 1.0, *, shuffle: bool = True, seed: int = 0) -> None:
        self.lr = check_real("lr", lr, minimum=0.0, strict=True)
        self.shuffle = check_bool("shuffle", shuffle)
        self.seed = check_positive_int("seed", seed, minimum=0)
        self.weights: np.ndarray | None = None
        self.bias = 0.0
        self.history: list[EpochRecord] = []

    def __repr__(self) -> str:
        if self.weights is None:
            return f"Perceptron(lr={self.lr:g}, shuffle={self.shuffle}, not fitted)"
        weights = ", ".join(f"{w:.3g}" for w in self.weights)
        return (f"Perceptron(lr={self.lr:g}, weights=[{weights}], "
                f"bias={self.bias:.3g}, epochs={len(self.history)})")

    def fit(self, X: Any, y: Any, epochs: int = 20, *, stop_when_converged: bool = True) -> Perceptron:
        """Train on ``X`` of shape ``(n, d)`` and labels ``y`` in {0, 1} for up to ``epochs`` passes.

        With ``stop_when_converged`` training stops after the first epoch without a mistake.
        Returns the perceptron itself (lecture 1).
        """
        X, y = _check_data(X, y)
        epochs = check_positive_int("epochs", epochs, maximum=MAX_EPOCHS)
        stop_when_converged = check_bool("stop_when_converged", stop_when_converged)
        self.weights = np.zeros(X.shape[1])
        self.bias = 0.0
        self.history = []
        rng = np.random.default_rng(self.seed)
        for epoch in range(1, epochs + 1):
            mistakes = 0
            order = rng.permutation(len(y)) if self.shuffle else np.arange(len(y))
            for x_i, y_i in zip(X[order], y[order]):
                new_weights, new_bias = perceptron_update(self.weights, self.bias, x_i, int(y_i), self.lr)
                mistakes += int(new_bias != self.bias)  # the bias moves exactly after a mistake
                self.weights, self.bias = new_weights, float(new_bias)
            accuracy = float(np.mean(self.predict(X) == y))
            self.history.append(EpochRecord(epoch, self.weights.copy(), self.bias, mistakes, accuracy))
            if stop_when_converged and mistakes == 0:
                break
        return self

    @property
    def converged(self) -> bool:
        """Whether the last epoch of :meth:`fit` made no mistake (lecture 1)."""
        return bool(self.history) and self.history[-1].mistakes == 0

    @property
    def best_accuracy(self) -> float:
        """The highest training accuracy reached at the end of any epoch (lecture 1)."""
        return self.best_record.accuracy

    @property
    def best_record(self) -> EpochRecord:
        """The first epoch whose training accuracy is the highest of all (lecture 1)."""
        if not self.history:
            raise RuntimeError("the perceptron is not fitted yet; call fit(X, y) first")
        return max(self.history, key=lambda record: record.accuracy)

    def decision_function(self, X: Any) -> np.ndarray:
        """The weighted sums ``z = X @ w + b`` for each row of ``X`` (lecture 1)."""
        if self.weights is None:
            raise RuntimeError("the perceptron is not fitted yet; call fit(X, y) first")
        X, _ = _check_data(X)
        if X.shape[1] != self.weights.shape[0]:
            raise ValueError(f"X must have {self.weights.shape[0]} features, got {X.shape[1]}")
        return X @ self.weights + self.bias

    def predict(self, X: Any) -> np.ndarray:
        """Class labels (0 or 1, int64) for each row of ``X`` (lecture 1)."""
        return (self.decision_function(X) >= 0).astype(np.int64)


def linear_predictor(weights: Any, bias: float) -> Callable[[np.ndarray], np.ndarray]:
    """A function mapping an ``(m, d)`` array to step-neuron labels for fixed weights (lecture 1)."""
    weights = check_array("weights", weights, ndim=1)
    bias = check_real("bias", bias)

    def predict(X: np.ndarray) -> np.ndarray:
        return (np.asarray(X) @ weights + bias >= 0).astype(np.int64)

    return predict


def plot_boundary(weights: Any, bias: float, X: Any, y: Any, *, ax: Axes | None = None,
                  title: str | None = None) -> Figure:
    """The regions and boundary line of a 2-input step neuron over the data (lecture 1).

    The title (unless given) states the weights, the bias and the accuracy on ``(X, y)``.
    """
    from lecturekit import plotting

    X, y = _check_data(X, y)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 features to be drawn in the plane, got {X.shape[1]}")
    predict = linear_predictor(weights, bias)
    w = check_array("weights", weights, shape=(2,))
    if ax is None:
        fig, ax = plotting.new_figure(width=5.5, height=5.0)
    if title is None:
        accuracy = float(np.mean(predict(X) == y))
        title = f"w = ({w[0]:.2g}, {w[1]:.2g}), b = {float(bias):.2g}: {accuracy:.0%}"
    plotting.plot_decision_regions(predict, X, y, ax=ax, title=title)
    x_low, x_high = ax.get_xlim()
    if abs(w[1]) > 1e-12:
        xs = np.array([x_low, x_high])
        ax.plot(xs, -(w[0] * xs + bias) / w[1], color="k", linewidth=2)
    elif abs(w[0]) > 1e-12:
        ax.axvline(-bias / w[0], color="k", linewidth=2)
    ax.set_xlim(x_low, x_high)
    return ax.figure


def plot_boundaries(settings: Sequence[tuple[Any, float]], X: Any, y: Any) -> Figure:
    """One panel per ``(weights, bias)`` in ``settings``, side by side: each boundary line
    over the same data, its accuracy in the title (lecture 1)."""
    from lecturekit import plotting

    if isinstance(settings, (str, bytes)) or not isinstance(settings, Sequence) or not settings:
        raise TypeError("settings must be a non-empty list of (weights, bias) pairs")
    if len(settings) > 6:
        raise ValueError(f"settings must hold at most 6 (weights, bias) pairs, got {len(settings)}")
    for index, setting in enumerate(settings):
        if not isinstance(setting, (tuple, list)) or len(setting) != 2:
            raise TypeError(f"settings[{index}] must be a (weights, bias) pair, got {setting!r}")
        check_array(f"settings[{index}] weights", setting[0], shape=(2,))
        check_real(f"settings[{index}] bias", setting[1])
    X, y = _check_data(X, y)
    count = len(settings)
    fig, axes = plotting.new_figure(count, width=min(4.4 * count, 13.0), height=4.4,
                                    squeeze=False, sharey=True)
    for ax, (weights, bias) in zip(axes[0], settings):
        plot_boundary(weights, bias, X, y, ax=ax)
    for ax in axes[0][1:]:
        ax.set_ylabel("")
    return fig


def boundary_explorer(X: Any, y: Any, *, weights: Any = (1.0, 0.0), bias: float = -1.0) -> Any:
    """Sliders for ``w1``, ``w2`` and ``b`` beside the live :func:`plot_boundary` of the
    data (lecture 1).

    Returns an ipywidgets box: the sliders on the left (``box.children[0].children``, from
    ``weights`` and ``bias``), the figure on the right; moving a slider redraws the line.
    """
    X, y = _check_data(X, y)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 features to be drawn in the plane, got {X.shape[1]}")
    w1, w2 = check_array("weights", weights, shape=(2,))
    bias = check_real("bias", bias)
    if not (abs(w1) <= 3 and abs(w2) <= 3 and abs(bias) <= 6):
        raise ValueError(f"weights must lie in [-3, 3] and bias in [-6, 6], got {(w1, w2)} and {bias}")
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from lecturekit import plotting

    def slider(name: str, value: float, limit: float) -> Any:
        return widgets.FloatSlider(value=float(value), min=-limit, max=limit, step=0.1, description=name)

    sliders = {"w1": slider("w1", w1, 3.0), "w2": slider("w2", w2, 3.0), "b": slider("b", bias, 6.0)}

    def show(w1: float, w2: float, b: float) -> None:
        figure, ax = plotting.new_figure(width=4.4, height=3.4)
        plot_boundary([w1, w2], b, X, y, ax=ax)
        plt.show()
        plt.close(figure)

    output = widgets.interactive_output(show, sliders)
    return widgets.HBox([widgets.VBox(list(sliders.values())), output])


def plot_history(model: Perceptron, X: Any, y: Any, *, title: str = "accuracy after each epoch") -> Figure:
    """The training accuracy after each epoch, with a dashed line at the best (left), and the
    line of the first best epoch over the data (right) (lecture 1)."""
    from lecturekit import plotting

    if not isinstance(model, Perceptron):
        raise TypeError(f"model must be a Perceptron, got {type(model).__name__}")
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    best = model.best_record  # raises when the model is not fitted
    X, y = _check_data(X, y)
    accuracies = [record.accuracy for record in model.history]
    fig, (left, right) = plotting.new_figure(2, width=11.0, height=3.4)
    left.plot(range(1, len(accuracies) + 1), accuracies, "o-", markersize=4)
    left.axhline(best.accuracy, color="k", linestyle="--", linewidth=1.2)
    left.set_ylim(0, 1.05)
    left.set_xlabel("epoch")
    left.set_ylabel("training accuracy")
    left.set_title(title)
    plot_boundary(best.weights, best.bias, X, y, ax=right,
                  title=f"its best line (epoch {best.epoch}): {best.accuracy:.0%}")
    return fig


def plot_epochs(model: Perceptron, X: Any, y: Any, *, ncols: int = 4, max_panels: int = 8) -> Figure:
    """One panel per epoch of ``model.history`` with that epoch's boundary (lecture 1).

    The panels share their axes and are sized so that a row is at most 12 inches wide."""
    from lecturekit import plotting

    if not isinstance(model, Perceptron):
        raise TypeError(f"model must be a Perceptron, got {type(model).__name__}")
    if not model.history:
        raise RuntimeError("the perceptron is not fitted yet; call fit(X, y) first")
    ncols = check_positive_int("ncols", ncols, maximum=16)
    max_panels = check_positive_int("max_panels", max_panels, maximum=64)
    records = model.history[:max_panels]
    ncols = min(ncols, len(records))
    nrows = -(-len(records) // ncols)
    size = min(3.6, 12.0 / ncols)  # one panel, in inches
    fig, axes = plotting.new_figure(ncols, nrows, width=size * ncols, height=(size - 0.1) * nrows,
                                    squeeze=False, sharex=True, sharey=True)
    for ax, record in zip(axes.flat, records):
        plot_boundary(record.weights, record.bias, X, y, ax=ax,
                      title=f"epoch {record.epoch}: {record.accuracy:.0%}")
        ax.set_xlabel("")
        ax.set_ylabel("")
    for ax in list(axes.flat)[len(records):]:
        ax.axis("off")
    return fig
