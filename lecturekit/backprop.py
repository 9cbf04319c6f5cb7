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

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lecturekit import activations
from lecturekit._checks import check_array, check_choice, check_positive_int, check_real, check_sizes

if TYPE_CHECKING:
    import torch

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


def output_error(a_out: np.ndarray, y: np.ndarray, z_out: np.ndarray, d_act: Activation) -> np.ndarray:
    """BP1: delta^L = (a^L - y) * sigma'(z^L) (lecture 3)."""
    return (a_out - y) * d_act(z_out)


def binary_cross_entropy(z_out: np.ndarray, y: np.ndarray) -> float:
    """C = -[y ln a^L + (1 - y) ln(1 - a^L)] for a^L = sigmoid(z^L), summed over the outputs
    and averaged over the samples; written as ln(1 + e^z) - y z, never ln 0 (lecture 3)."""
    return float(np.mean(np.sum(np.logaddexp(0.0, z_out) - y * z_out, axis=1)))


def cross_entropy_output_error(a_out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """BP1 for the cross-entropy: delta^L = a^L - y, no factor sigma'(z^L) (lecture 3)."""
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
        """z^l = a^(l-1) W^l.T + b^l and a^l = sigma(z^l), layer by layer; returns all z and all a."""
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
        """Gradients (dC/dW, dC/db) of the loss on the batch: BP1, BP2 going back, BP3 and BP4."""
        _, d_act = ACTIVATIONS[self.activation]
        zs, outputs = self.feedforward(X)
        if self.loss_name == "cross_entropy":
            deltas = [cross_entropy_output_error(outputs[-1], Y)]
        else:
            deltas = [output_error(outputs[-1], Y, zs[-1], d_act)]
        for layer in reversed(range(len(self.weights) - 1)):
            deltas.insert(0, backpropagate_error(deltas[0], self.weights[layer + 1], zs[layer], d_act))
        grad_w = [weight_gradient(delta, a_prev) for delta, a_prev in zip(deltas, outputs[:-1])]
        grad_b = [bias_gradient(delta) for delta in deltas]
        return grad_w, grad_b

    def sgd_step(self, grad_w: list[np.ndarray], grad_b: list[np.ndarray], lr: float) -> None:
        """One gradient-descent step in place: W <- W - lr dC/dW and b <- b - lr dC/db."""
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


def train(model: NumpyMLP, X: np.ndarray, Y: np.ndarray, *, epochs: int, batch_size: int, lr: float,
          seed: int = 0) -> list[float]:
    """Minibatch SGD (lecture 3): every epoch shuffles the data and takes one step per batch.
    Returns the loss of every step, on its batch, before the step."""
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
    """The gradients of the same loss computed by ``torch.autograd`` in float64 (lecture 3)."""
    import torch
    from torch.nn import functional as F

    net = to_torch(model)
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)
    if model.loss_name == "cross_entropy":  # net[:-1] stops before the last sigmoid: z^L
        loss = F.binary_cross_entropy_with_logits(net[:-1](X_t), Y_t, reduction="sum")
        loss = loss / len(X)
    else:
        loss = 0.5 * ((net(X_t) - Y_t) ** 2).sum(dim=1).mean()
    loss.backward()
    linears = [layer for layer in net if isinstance(layer, torch.nn.Linear)]
    return ([layer.weight.grad.numpy() for layer in linears],
            [layer.bias.grad.numpy() for layer in linears])
