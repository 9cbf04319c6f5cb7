"""Small networks of lecture 2 in PyTorch: universal approximation in 1-D and XOR in 2-D.

PyTorch computes the gradients here; lecture 3 shows how (backpropagation). Everything
runs in float64 on the CPU with fixed seeds, so the printed numbers are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from lecturekit._checks import (
    check_array,
    check_choice,
    check_module,
    check_positive_int,
    check_real,
    check_sizes,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_STEPS = 1_000_000  # full-batch steps of fit; more would run for hours

# Activation name -> torch layer, shared with lecturekit.backprop.to_torch.
TORCH_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def torch_mlp(sizes: Sequence[int], *, activation: str = "relu", seed: int = 0) -> nn.Sequential:
    """A fully connected float64 network with ``activation`` after every hidden layer (lecture 2).

    The output layer is linear (no activation); ``sizes`` is like ``[1, 32, 1]``.
    """
    sizes = check_sizes("sizes", sizes)
    check_choice("activation", activation, TORCH_ACTIVATIONS)
    check_positive_int("seed", seed, minimum=0)
    layers: list[nn.Module] = []
    # The seed sets these weights only: torch's global random state is left as it was.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(n_in, n_out, dtype=torch.float64), TORCH_ACTIVATIONS[activation]()]
    return nn.Sequential(*layers[:-1])


@contextmanager
def one_thread() -> Iterator[None]:
    """Run tiny networks on one CPU thread: thread start-up and hand-over cost more than they save."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def fit(model: nn.Module, X: Any, Y: Any, *, loss: str = "mse", optimizer: str = "adam",
        lr: float = 0.01, steps: int = 1000, schedule: str = "constant") -> list[float]:
    """Full-batch training of ``model`` on ``X, Y``; returns the loss before every step (lecture 2).

    Runs on one CPU thread, the fastest choice for networks this small.

    ``loss`` is ``"mse"`` (mean squared error, for regression) or ``"bce"`` (binary
    cross-entropy, for two classes: ``Y`` in {0, 1}, the model outputs a raw score whose sigmoid
    is the probability of class 1; it is the logistic loss of the margin,
    :func:`lecturekit.losses.logistic`). ``optimizer`` is ``"sgd"`` (plain gradient descent),
    ``"momentum"`` (momentum 0.9) or ``"adam"``, the update rules of :mod:`lecturekit.sgd`
    (``sgd_step``, ``momentum_step``, ``adam_step``). ``schedule="cosine"`` lets the learning
    rate fall from ``lr`` to zero along a half cosine: training then settles in a
    minimum instead of jittering around it, so the result no longer depends on rounding (the
    last digits differ from one CPU to the next).
    """
    X = _as_model_input(check_module("model", model), X)
    Y = torch.as_tensor(check_array("Y", Y, shape=(X.shape[0], None)), dtype=X.dtype, device=X.device)
    losses = {"mse": nn.MSELoss(), "bce": nn.BCEWithLogitsLoss()}
    check_choice("loss", loss, losses)
    optimizers = {"sgd": torch.optim.SGD, "momentum": partial(torch.optim.SGD, momentum=0.9),
                  "adam": torch.optim.Adam}
    check_choice("optimizer", optimizer, optimizers)
    lr = check_real("lr", lr, minimum=0.0, strict=True)
    steps = check_positive_int("steps", steps, maximum=MAX_STEPS)
    check_choice("schedule", schedule, ("constant", "cosine"))
    criterion = losses[loss]
    opt = optimizers[optimizer](model.parameters(), lr=lr)
    decay = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps) if schedule == "cosine" else None
    history = []
    with one_thread():
        for _ in range(steps):
            opt.zero_grad()
            value = criterion(model(X), Y)
            value.backward()
            opt.step()
            if decay is not None:
                decay.step()
            history.append(value.item())
    return history


def _as_model_input(model: nn.Module, X: Any) -> torch.Tensor:
    """``X`` (n rows of features) as a tensor of the model's dtype on the model's device."""
    parameter = next(model.parameters(), None)
    dtype = parameter.dtype if parameter is not None else torch.float64
    device = parameter.device if parameter is not None else torch.device("cpu")
    X = check_array("X", X, ndim=2)
    first = next((m for m in model.modules() if isinstance(m, nn.Linear)), None)
    if first is not None and X.shape[1] != first.in_features:
        raise ValueError(f"X must have {first.in_features} columns, one per input of the model, "
                         f"got shape {X.shape}")
    return torch.as_tensor(X, dtype=dtype, device=device)


def predict(model: nn.Module, X: Any) -> np.ndarray:
    """The model's outputs for the rows of ``X`` as a numpy array (lecture 2)."""
    X = _as_model_input(check_module("model", model), X)
    with torch.no_grad():
        return model(X).cpu().numpy()


def predict_classes(model: nn.Module, X: Any) -> np.ndarray:
    """The class (int64) the model gives each row of ``X`` (lecture 2): with one output, 1
    where its raw score is above 0 (the sigmoid above 1/2), else 0; with several, the index
    of the largest output."""
    scores = predict(model, X)
    if scores.shape[1] == 1:
        return (scores[:, 0] > 0).astype(np.int64)
    return np.argmax(scores, axis=1).astype(np.int64)


def spread_kinks(model: nn.Sequential, *, low: float = -1.0, high: float = 1.0,
                 seed: int = 0) -> nn.Sequential:
    """Re-initialise the first layer of a 1-input ReLU network: every kink inside the data (lecture 2).

    Unit ``k`` becomes ``relu(s_k * (x - t_k))`` with a random sign ``s_k`` and a kink ``t_k``
    uniform in ``[low, high]``; with PyTorch's default initialisation many kinks fall
    outside the data and those units barely help the fit.
    """
    first = model[0] if isinstance(model, nn.Sequential) and len(model) else None
    if not isinstance(first, nn.Linear) or first.in_features != 1:
        raise TypeError("model must be an nn.Sequential whose first layer is nn.Linear(1, width)")
    low, high = check_real("low", low), check_real("high", high)
    if not low < high:
        raise ValueError(f"low must be below high, got {low} and {high}")
    generator = torch.Generator().manual_seed(check_positive_int("seed", seed, minimum=0))
    width = first.out_features
    signs = torch.where(torch.rand(width, 1, generator=generator) < 0.5, -1.0, 1.0).to(first.weight.dtype)
    kinks = (low + (high - low) * torch.rand(width, generator=generator)).to(first.weight.dtype)
    with torch.no_grad():
        first.weight.copy_(signs)
        first.bias.copy_(-signs[:, 0] * kinks)
    return model


def interpolating_network(function: Any, width: int, *, low: float = -1.0,
                          high: float = 1.0) -> nn.Sequential:
    """A ``[1, width, 1]`` ReLU network built by hand, with no training (lecture 2).

    It is the straight-line interpolation of ``function`` between ``width + 1`` evenly spaced
    points of ``[low, high]``: unit ``k`` is ``relu(x - t_k)`` and its output weight is the
    change of slope at ``t_k``. It shows that good weights exist for every width.
    """
    if not callable(function):
        raise TypeError("function must be callable on a numpy array")
    width = check_positive_int("width", width, maximum=100_000)
    low, high = check_real("low", low), check_real("high", high)
    if not low < high:
        raise ValueError(f"low must be below high, got {low} and {high}")
    points = np.linspace(low, high, width + 1)
    values = np.asarray(function(points), dtype=np.float64)
    slopes = np.diff(values) / np.diff(points)
    model = torch_mlp([1, width, 1], activation="relu")
    with torch.no_grad():
        model[0].weight.fill_(1.0)
        model[0].bias.copy_(torch.as_tensor(-points[:-1]))
        model[2].weight.copy_(torch.as_tensor(np.diff(slopes, prepend=0.0)[None, :]))
        model[2].bias.fill_(float(values[0]))
    return model


@dataclass
class WidthResult:
    """One row of :func:`approximation_sweep`: a trained one-hidden-layer ReLU network (lecture 2)."""

    width: int
    parameters: int
    rms_error: float
    max_error: float
    hand_built_rms_error: float
    prediction: np.ndarray = field(repr=False)


def approximation_sweep(widths: Sequence[int] = (2, 8, 32, 128), *, n_train: int = 200, steps: int = 2000,
                        lr: float = 0.01, seed: int = 0) -> tuple[np.ndarray, list[WidthResult]]:
    """Fit ``toydata.target_function`` on [-1, 1] with a ReLU network of each hidden width (lecture 2).

    Trains on ``n_train`` evenly spaced points with Adam and a cosine-decaying learning rate
    (kinks spread over the data by :func:`spread_kinks`) and measures the error on a grid
    four times finer, also for the hand-built :func:`interpolating_network` of the same
    width. Returns the grid and one :class:`WidthResult` per width.
    """
    from lecturekit import models, toydata

    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or not widths:
        raise TypeError("widths must be a non-empty list of hidden layer sizes")
    widths = [check_positive_int(f"widths[{i}]", w, maximum=10_000) for i, w in enumerate(widths)]
    x_train, y_train = toydata.regression_1d(check_positive_int("n_train", n_train, maximum=100_000))
    x_test = np.linspace(-1.0, 1.0, 4 * n_train + 1)[:, None]
    y_test = toydata.target_function(x_test)
    results = []
    for width in widths:
        model = spread_kinks(torch_mlp([1, width, 1], activation="relu", seed=seed), seed=seed)
        fit(model, x_train, y_train, lr=lr, steps=steps, schedule="cosine")
        prediction = predict(model, x_test)
        error = prediction - y_test
        hand_error = predict(interpolating_network(toydata.target_function, width), x_test) - y_test
        results.append(WidthResult(width, models.parameter_count([1, width, 1]),
                                   float(np.sqrt(np.mean(error**2))), float(np.max(np.abs(error))),
                                   float(np.sqrt(np.mean(hand_error**2))), prediction[:, 0]))
    return x_test[:, 0], results


def plot_approximation(x: Any, results: Sequence[WidthResult]) -> Figure:
    """The target and each width's fit (left), and the error against the width (right) (lecture 2)."""
    from lecturekit import plotting, toydata

    x = check_array("x", x, ndim=1)
    if not results or not all(isinstance(r, WidthResult) for r in results):
        raise TypeError("results must be a non-empty list of WidthResult from approximation_sweep")
    fig, (left, right) = plotting.new_figure(2, width=13.0, height=4.5)
    left.plot(x, toydata.target_function(x), color="k", linewidth=4, alpha=0.35, label="target")
    for result in results:
        left.plot(x, result.prediction, linewidth=1.8, label=f"width {result.width}")
    left.set_xlabel("$x$")
    left.set_ylabel("$f(x)$")
    left.set_ylim(-1.5, 2.1)
    left.legend(loc="upper center", ncols=3, fontsize=12)
    left.set_title("fits")
    widths = [r.width for r in results]
    right.loglog(widths, [r.rms_error for r in results], "o-", label="trained (RMS)")
    right.loglog(widths, [r.hand_built_rms_error for r in results], "s--", label="built by hand (RMS)")
    right.set_xticks(widths, [str(w) for w in widths])
    right.minorticks_off()
    right.set_xlabel("hidden units")
    right.set_ylabel("error")
    right.set_title("error against width")
    right.legend(loc="upper right")
    return fig


def plot_training(model: nn.Module, X: Any, y: Any, losses: Any) -> Figure:
    """A 2-input classifier after training (lecture 2): the plane shaded by the class
    :func:`predict_classes` gives each point, with the data (left), and the training loss
    of every step on a log scale (right)."""
    from lecturekit import plotting

    check_module("model", model)
    X = check_array("X", X, shape=(None, 2))
    y = check_array("y", y, shape=(X.shape[0],))
    losses = check_array("losses", losses, ndim=1)
    if not len(losses):
        raise ValueError("losses must hold the loss of at least one step")
    fig, (left, right) = plotting.new_figure(2, width=11.0, height=3.8)
    plotting.plot_decision_regions(partial(predict_classes, model), X, y, ax=left,
                                   title="decision regions")
    right.plot(losses)
    right.set_yscale("log")
    right.set_xlabel("step")
    right.set_ylabel("loss")
    right.set_title("training loss")
    return fig
