"""A small multilayer perceptron in numpy, with backpropagation written out (lecture 3).

The notation follows Nielsen, *Neural Networks and Deep Learning*, chapter 2. A batch holds
one sample per row, so for layer ``l`` (1 = first hidden layer, ``L`` = output layer)::

    z^l     = a^(l-1) W^l.T + b^l,   a^l = sigma(z^l)      feedforward (a^0 = x)
    delta^L = (a^L - y) * sigma'(z^L)                      BP1  output error
    delta^l = (delta^(l+1) W^(l+1)) * sigma'(z^l)          BP2  backpropagate the error
    dC/db^l = delta^l, averaged over the batch             BP3  bias gradient
    dC/dW^l = delta^l.T a^(l-1) / n                        BP4  weight gradient

for the loss ``C = 0.5 * mean over samples of sum((a^L - y)**2)`` (``loss="mse"``). With
``loss="cross_entropy"`` (a sigmoid output read as a probability, Nielsen chapter 3) the loss is
``C = -mean over samples of sum(y ln a^L + (1 - y) ln(1 - a^L))`` and BP1 becomes
``delta^L = a^L - y``: the factor sigma'(z^L) cancels. Each equation is one short function
below, so that the code can be read next to the slide. In the code the lists are 0-based:
``weights[0]`` is ``W^1``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lecturekit import activations
from lecturekit._checks import check_array, check_choice, check_positive_int, check_real, check_sizes

if TYPE_CHECKING:
    import torch
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Gradients = tuple[list[np.ndarray], list[np.ndarray]]
Activation = Callable[[np.ndarray], np.ndarray]

MAX_EPOCHS = 100_000  # more would run for hours on these numpy networks
MAX_SAMPLES = 10_000_000  # minibatches holds a permutation of every sample index


# The activation functions and their derivatives come from lecture 1 (lecturekit.activations);
# backpropagation needs a derivative that is not zero everywhere, so the step function is left out.
ACTIVATIONS: dict[str, tuple[Activation, Activation]] = {
    name: activations.ACTIVATIONS[name] for name in ("sigmoid", "tanh", "relu")
}


# --- the loss and the four backpropagation equations ----------------------------------------

def mse_loss(a_out: np.ndarray, y: np.ndarray) -> float:
    """C = 0.5 * mean over samples of sum((a^L - y)**2) (lecture 3)."""
    return float(0.5 * np.mean(np.sum((a_out - y) ** 2, axis=1)))


def output_error(a_out: np.ndarray, y: np.ndarray, z_out: np.ndarray,
                 d_act: Activation) -> np.ndarray:
    """BP1: delta^L = (a^L - y) * sigma'(z^L) (lecture 3)."""
    return (a_out - y) * d_act(z_out)


def binary_cross_entropy(z_out: np.ndarray, y: np.ndarray) -> float:
    """C = -[y ln a^L + (1 - y) ln(1 - a^L)] for a^L = sigmoid(z^L), summed over
    the outputs and averaged over the samples; written as ln(1 + e^z) - y z, which
    never takes ln 0 (lecture 3)."""
    return float(np.mean(np.sum(np.logaddexp(0.0, z_out) - y * z_out, axis=1)))


def cross_entropy_output_error(a_out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """BP1 for the cross-entropy: delta^L = a^L - y, no sigma'(z^L) (lecture 3)."""
    return a_out - y


def backpropagate_error(delta_next: np.ndarray, w_next: np.ndarray, z: np.ndarray,
                        d_act: Activation) -> np.ndarray:
    """BP2: delta^l = (delta^(l+1) W^(l+1)) * sigma'(z^l) (lecture 3)."""
    return (delta_next @ w_next) * d_act(z)


def bias_gradient(delta: np.ndarray) -> np.ndarray:
    """BP3: dC/db^l = delta^l, averaged over the batch (lecture 3)."""
    return delta.mean(axis=0)


def weight_gradient(delta: np.ndarray, a_prev: np.ndarray) -> np.ndarray:
    """BP4: dC/dW^l = delta^l.T a^(l-1), averaged over the batch (lecture 3)."""
    return delta.T @ a_prev / len(delta)


# The losses a NumpyMLP can be trained on; "cross_entropy" needs a sigmoid output layer.
LOSSES = ("mse", "cross_entropy")


# --- the network ----------------------------------------------------------------------------

class NumpyMLP:
    """A multilayer perceptron in numpy, trained by backpropagation written out (lecture 3).

    ``sizes`` lists the units per layer, inputs first, e.g. ``[2, 4, 1]``. Every layer, the
    output layer included, applies ``activation`` ("sigmoid", "tanh" or "relu"). Weights
    start as Gaussian numbers scaled by 1/sqrt(inputs of the layer), biases at zero.
    ``weights[l]`` has shape ``(sizes[l+1], sizes[l])`` and ``biases[l]`` shape ``(sizes[l+1],)``.
    ``loss`` is "mse" (squared error) or "cross_entropy" (binary cross-entropy of a sigmoid
    output read as a probability; it needs ``activation="sigmoid"`` and targets in [0, 1]).

    The methods the lecture shows (``feedforward``, ``backward``, ``sgd_step``) are the
    equations alone. Data comes in through the constructor's settings and :meth:`fit`,
    :meth:`loss` and :meth:`predict`, which check it once.
    """

    def __init__(self, sizes: Sequence[int], *, activation: str = "sigmoid", loss: str = "mse",
                 seed: int = 0) -> None:
        self.sizes = check_sizes("sizes", sizes)
        self.activation = check_choice("activation", activation, ACTIVATIONS)
        self.loss_name = check_choice("loss", loss, LOSSES)
        if self.loss_name == "cross_entropy" and self.activation != "sigmoid":
            raise ValueError(f"loss='cross_entropy' reads the output as a probability and needs "
                             f"activation='sigmoid', got activation={activation!r}")
        self.seed = check_positive_int("seed", seed, minimum=0)
        rng = np.random.default_rng(self.seed)
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        self.weights = [rng.standard_normal((n_out, n_in)) / np.sqrt(n_in) for n_in, n_out in pairs]
        self.biases = [np.zeros(n_out) for _, n_out in pairs]

    def __repr__(self) -> str:
        return (f"NumpyMLP({self.sizes}, activation={self.activation!r}, loss={self.loss_name!r}, "
                f"seed={self.seed})")

    def check_inputs(self, X: Any) -> np.ndarray:
        """``X`` as a float64 array of shape ``(n, sizes[0])``, n >= 1, finite (the boundary check)."""
        X = check_array("X", X, shape=(None, self.sizes[0]))
        if X.shape[0] == 0:
            raise ValueError("X must hold at least one sample (one row), got shape " + str(X.shape))
        return X

    def check_batch(self, X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
        """``X`` and targets ``Y`` of shape ``(n, sizes[-1])`` as float64 arrays (the boundary check);
        for the cross-entropy the targets are probabilities, in [0, 1]."""
        X = self.check_inputs(X)
        Y = check_array("Y", Y, shape=(X.shape[0], self.sizes[-1]))
        if self.loss_name == "cross_entropy" and np.any((Y < 0.0) | (Y > 1.0)):
            raise ValueError("Y must lie in [0, 1] for loss='cross_entropy' (targets are probabilities)")
        return X, Y

    def feedforward(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """z^l = a^(l-1) W^l.T + b^l and a^l = sigma(z^l), layer by layer;
        returns all z and all a."""
        act, _ = ACTIVATIONS[self.activation]
        zs, outputs = [], [X]
        for w, b in zip(self.weights, self.biases):
            zs.append(outputs[-1] @ w.T + b)
            outputs.append(act(zs[-1]))
        return zs, outputs

    def forward(self, X: np.ndarray) -> np.ndarray:
        """The output activations a^L, shape ``(n, sizes[-1])``, for inputs of shape ``(n, sizes[0])``."""
        return self.feedforward(X)[1][-1]

    def loss(self, X: np.ndarray, Y: np.ndarray) -> float:
        """The loss C (squared error or cross-entropy, as chosen) on the batch ``(X, Y)``, checked."""
        X, Y = self.check_batch(X, Y)
        return self.batch_loss(X, Y)

    def batch_loss(self, X: np.ndarray, Y: np.ndarray) -> float:
        """The loss C on a batch, computed from the output layer's z^L and a^L."""
        zs, outputs = self.feedforward(X)
        if self.loss_name == "cross_entropy":
            return binary_cross_entropy(zs[-1], Y)
        return mse_loss(outputs[-1], Y)

    def backward(self, X: np.ndarray, Y: np.ndarray) -> Gradients:
        """Gradients (dC/dW, dC/db) on the batch: BP1, BP2 going back, BP3 and BP4."""
        _, d_act = ACTIVATIONS[self.activation]
        zs, outputs = self.feedforward(X)
        if self.loss_name == "cross_entropy":
            deltas = [cross_entropy_output_error(outputs[-1], Y)]
        else:
            deltas = [output_error(outputs[-1], Y, zs[-1], d_act)]
        for layer in reversed(range(len(self.weights) - 1)):
            w_next = self.weights[layer + 1]
            deltas.insert(0, backpropagate_error(deltas[0], w_next, zs[layer], d_act))
        grad_w = [weight_gradient(delta, a_prev)
                  for delta, a_prev in zip(deltas, outputs[:-1])]
        grad_b = [bias_gradient(delta) for delta in deltas]
        return grad_w, grad_b

    def sgd_step(self, grad_w: list[np.ndarray], grad_b: list[np.ndarray],
                 lr: float) -> None:
        """One gradient-descent step, in place: W <- W - lr dC/dW, b <- b - lr dC/db."""
        for w, b, gw, gb in zip(self.weights, self.biases, grad_w, grad_b):
            w -= lr * gw
            b -= lr * gb

    def fit(self, X: Any, Y: Any, *, epochs: int, batch_size: int, lr: float, seed: int = 0) -> list[float]:
        """Check the data and settings once, then train with :func:`train`; returns its losses."""
        X, Y = self.check_batch(X, Y)
        epochs = check_positive_int("epochs", epochs, maximum=MAX_EPOCHS)
        batch_size = check_positive_int("batch_size", batch_size, maximum=len(X))
        lr = check_real("lr", lr, minimum=0.0, strict=True)
        return train(self, X, Y, epochs=epochs, batch_size=batch_size, lr=lr,
                     seed=check_positive_int("seed", seed, minimum=0))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class labels: output >= 0.5 for one output unit, else the index of the largest output."""
        out = self.forward(self.check_inputs(X))
        if out.shape[1] == 1:
            return (out[:, 0] >= 0.5).astype(np.int64)
        return out.argmax(axis=1).astype(np.int64)


# --- training and checking ------------------------------------------------------------------

def minibatches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffle the sample indices 0..n-1 and cut them into batches of ``batch_size`` (lecture 3)."""
    n = check_positive_int("n", n, maximum=MAX_SAMPLES)
    batch_size = check_positive_int("batch_size", batch_size)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def train(model: NumpyMLP, X: np.ndarray, Y: np.ndarray, *, epochs: int,
          batch_size: int, lr: float, seed: int = 0) -> list[float]:
    """Minibatch SGD (lecture 3): every epoch shuffles the data and takes one step
    per batch. Returns the loss of every step, on its batch, before the step."""
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        for batch in minibatches(len(X), batch_size, rng):
            losses.append(model.batch_loss(X[batch], Y[batch]))
            grad_w, grad_b = model.backward(X[batch], Y[batch])
            model.sgd_step(grad_w, grad_b, lr)
    return losses


def numerical_gradient(model: NumpyMLP, X: np.ndarray, Y: np.ndarray, *, eps: float = 1e-6) -> Gradients:
    """Centred finite differences (lecture 3): dC/dp ~ (C(p + eps) - C(p - eps)) / (2 eps) for
    every weight and bias p, one at a time. Slow (two loss evaluations per parameter), but simple."""
    if not isinstance(model, NumpyMLP):
        raise TypeError(f"model must be a NumpyMLP, got {type(model).__name__}")
    X, Y = model.check_batch(X, Y)
    eps = check_real("eps", eps, minimum=0.0, strict=True)
    return ([_numerical_partials(model, w, X, Y, eps) for w in model.weights],
            [_numerical_partials(model, b, X, Y, eps) for b in model.biases])


def _numerical_partials(model: NumpyMLP, param: np.ndarray, X: np.ndarray, Y: np.ndarray,
                        eps: float) -> np.ndarray:
    grad = np.zeros_like(param)
    for index in np.ndindex(param.shape):
        original = param[index]
        param[index] = original + eps
        plus = model.batch_loss(X, Y)
        param[index] = original - eps
        minus = model.batch_loss(X, Y)
        param[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def largest_difference(first: Gradients, second: Gradients) -> float:
    """The largest absolute difference between two sets of gradients (dC/dW, dC/db) (lecture 3)."""
    pairs = [(a, b) for part_a, part_b in zip(first, second, strict=True)
             for a, b in zip(part_a, part_b, strict=True)]
    for a, b in pairs:
        if np.shape(a) != np.shape(b):
            raise ValueError(f"gradients of different shapes cannot be compared: "
                             f"{np.shape(a)} vs {np.shape(b)}")
    if not pairs:
        raise ValueError("first and second must hold at least one gradient array each")
    return max(float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) for a, b in pairs)


# --- the same network in PyTorch --------------------------------------------------------------

def to_torch(model: NumpyMLP) -> torch.nn.Sequential:
    """The same network as a float64 ``torch.nn.Sequential`` on the CPU, starting from a copy of
    the model's current weights and biases (lecture 3)."""
    import torch
    from torch import nn

    if not isinstance(model, NumpyMLP):
        raise TypeError(f"model must be a NumpyMLP, got {type(model).__name__}")
    from lecturekit.shallow import TORCH_ACTIVATIONS

    layer_type = TORCH_ACTIVATIONS[model.activation]
    layers: list[nn.Module] = []
    for w, b in zip(model.weights, model.biases):
        linear = nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, layer_type()]
    return nn.Sequential(*layers)


def torch_gradients(model: NumpyMLP, X: np.ndarray, Y: np.ndarray) -> Gradients:
    """The gradients of the same loss by ``torch.autograd``, in float64 (lecture 3)."""
    import torch
    from torch.nn import functional as F

    net = to_torch(model)
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)
    if model.loss_name == "cross_entropy":  # net[:-1] stops before the sigmoid: z^L
        terms = F.binary_cross_entropy_with_logits(net[:-1](X_t), Y_t, reduction="none")
    else:
        terms = 0.5 * (net(X_t) - Y_t) ** 2
    terms.sum(dim=1).mean().backward()  # C: sum over outputs, mean over samples
    linears = [layer for layer in net if isinstance(layer, torch.nn.Linear)]
    return ([layer.weight.grad.numpy() for layer in linears],
            [layer.bias.grad.numpy() for layer in linears])


# --- the figures of the lecture -----------------------------------------------------------------

def layer_gradient_rms(model: NumpyMLP, X: Any, Y: Any) -> np.ndarray:
    """The root mean square of dC/dW^l for every layer l = 1..L on the batch ``(X, Y)``, from
    :meth:`NumpyMLP.backward` (lecture 3): how fast gradient descent moves each layer's weights."""
    if not isinstance(model, NumpyMLP):
        raise TypeError(f"model must be a NumpyMLP, got {type(model).__name__}")
    X, Y = model.check_batch(X, Y)
    grad_w, _ = model.backward(X, Y)
    return np.array([np.sqrt(np.mean(g**2)) for g in grad_w])


def _check_runs(name: str, runs: Any) -> None:
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"{name} must be a non-empty dict from a label to its values")


def plot_gradient_rms(rms: Mapping[str, Any], *, ax: Axes | None = None,
                      title: str | None = None) -> Figure:
    """Bars of the gradient size of every layer (:func:`layer_gradient_rms`), one colour per entry
    of ``rms`` (e.g. per activation function), side by side on a log scale (lecture 3).

    Draws on ``ax`` (a new 10 x 4.2 inch figure when it is None) and returns the figure.
    """
    _check_runs("rms", rms)
    arrays = {label: check_array(f"rms[{label!r}]", values, ndim=1) for label, values in rms.items()}
    lengths = {len(values) for values in arrays.values()}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(f"rms must hold one value per layer, the same number for every entry, "
                         f"got lengths {sorted(lengths)}")
    if any(np.any(values <= 0) for values in arrays.values()):
        raise ValueError("rms must hold positive values: they are drawn on a log scale")
    if ax is None:
        from lecturekit import plotting

        _, ax = plotting.new_figure(width=10.0, height=4.2)
    layers = np.arange(1, lengths.pop() + 1)
    width = 0.8 / len(arrays)
    for index, (label, values) in enumerate(arrays.items()):
        offset = (index - (len(arrays) - 1) / 2) * width
        ax.bar(layers + offset, values, width=width, label=str(label))
    ax.set_yscale("log")
    ax.set(xlabel="layer $l$", ylabel=r"RMS of $\partial C / \partial W^l$", xticks=layers)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax.figure


def plot_loss_curve(epoch_loss: Any, *, ax: Axes | None = None, title: str | None = None) -> Figure:
    """The mean batch loss of every epoch (the first is epoch 1) on a log scale (lecture 3).

    Draws on ``ax`` (a new 10 x 2.7 inch figure when it is None) and returns the figure.
    """
    curve = check_array("epoch_loss", epoch_loss, ndim=1)
    if curve.size == 0 or np.any(curve <= 0):
        raise ValueError("epoch_loss must hold at least one loss, all positive (log scale)")
    if ax is None:
        from lecturekit import plotting

        _, ax = plotting.new_figure(width=10.0, height=2.7)
    ax.plot(np.arange(1, len(curve) + 1), curve)
    ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="mean batch loss C")
    if title:
        ax.set_title(title)
    return ax.figure


def plot_loss_comparison(runs: Mapping[str, tuple[Any, Any]], *, target: float = 0.95) -> Figure:
    """Runs trained side by side, one line per entry ``label: (epoch_loss, accuracy)`` (lecture 3).

    Left: each run's mean batch loss per epoch divided by its epoch-1 value, on a log scale.
    Right: its training accuracy after every epoch, with a dotted line at ``target``.
    """
    _check_runs("runs", runs)
    target = check_real("target", target, minimum=0.0)
    checked = {}
    for label, run in runs.items():
        if not isinstance(run, tuple) or len(run) != 2:
            raise TypeError(f"runs[{label!r}] must be a pair (epoch_loss, accuracy)")
        curve = check_array(f"runs[{label!r}] epoch_loss", run[0], ndim=1)
        accuracy = check_array(f"runs[{label!r}] accuracy", run[1], shape=(len(curve),))
        if curve.size == 0 or np.any(curve <= 0):
            raise ValueError(f"runs[{label!r}] epoch_loss must hold positive losses (log scale)")
        checked[label] = (curve, accuracy)
    from lecturekit import plotting

    fig, (left, right) = plotting.new_figure(2, width=12.0, height=3.6)
    for label, (curve, accuracy) in checked.items():
        epochs = np.arange(1, len(curve) + 1)
        left.semilogy(epochs, curve / curve[0], label=str(label))
        right.plot(epochs, accuracy, label=str(label))
    left.set(xlabel="epoch", title="mean batch loss / its epoch-1 value")
    right.set(xlabel="epoch", title=f"training accuracy (dotted: {target:.0%})", ylim=(0.5, 1.02))
    right.axhline(target, color="grey", linestyle=":")
    right.legend(loc="lower right")
    return fig


def plot_decision_panels(networks: Mapping[str, NumpyMLP], X: Any, y: Any, *,
                         height: float = 4.2) -> Figure:
    """The decision regions of several networks with two inputs on the same data, side by side,
    each panel titled with its label and the network's training accuracy (lecture 3)."""
    _check_runs("networks", networks)
    for label, network in networks.items():
        if not isinstance(network, NumpyMLP):
            raise TypeError(f"networks[{label!r}] must be a NumpyMLP, got {type(network).__name__}")
    X = check_array("X", X, shape=(None, 2))
    y = check_array("y", y, shape=(len(X),))
    height = check_real("height", height, minimum=0.0, strict=True)
    from lecturekit import plotting

    fig, axes = plotting.new_figure(len(networks), width=5.5 * len(networks), height=height,
                                    squeeze=False)
    for ax, (label, network) in zip(axes.flat, networks.items()):
        accuracy = np.mean(network.predict(X) == y)
        plotting.plot_decision_regions(network.predict, X, y, ax=ax,
                                       title=f"{label}: {accuracy:.0%} correct")
    axes.flat[-1].legend(loc="lower right")
    return fig
