"""Checks for the exercises of lecture 2 (networks, loss functions and SGD)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from torch import nn

from lecturekit import losses, sgd, shallow
from lecturekit.exercises.feedback import (
    Slip,
    attempt,
    compare,
    passed,
    unchanged,
    unpack,
)


def _network(sizes: list[int], seed: int) -> tuple[nn.Sequential, list[np.ndarray], list[np.ndarray]]:
    """A float64 ReLU network of PyTorch and copies of its weight matrices and bias vectors."""
    net = shallow.torch_mlp(sizes, activation="relu", seed=seed)
    layers = [layer for layer in net if isinstance(layer, nn.Linear)]
    return (net, [layer.weight.detach().numpy().copy() for layer in layers],
            [layer.bias.detach().numpy().copy() for layer in layers])


def check_mlp_forward(mlp_forward: Callable[..., Any]) -> None:
    """Check ``mlp_forward(weights, biases, X)`` against the same network in PyTorch."""
    rng = np.random.default_rng(0)
    layer_hint = ("each layer multiplies its input by the transpose of W^l, adds b^l, then applies ReLU; "
                  "the last layer has no ReLU.")
    cases = [
        ("a [2, 4, 1] network on a batch of five points", [2, 4, 1], 5, layer_hint),
        ("a batch of one sample through a [2, 3, 2] network", [2, 3, 2], 1,
         "X holds one sample per row, even when there is only one row; return shape (1, 2) here."),
        ("two hidden layers, [3, 5, 4, 2], on six samples", [3, 5, 4, 2], 6,
         "loop over all the layers; ReLU after every hidden layer, none after the last."),
        ("no hidden layer, [3, 2]: the output layer alone", [3, 2], 4,
         "with a single layer there is no ReLU at all: the output is that layer's weighted sum."),
        ("square weight matrices, [2, 2, 2, 2], on four samples", [2, 2, 2, 2], 4,
         "check the transposes: neuron j of a layer uses row j of W^l."),
    ]
    for seed, (case, sizes, n, hint) in enumerate(cases):
        net, weights, biases = _network(sizes, seed)
        X = rng.uniform(-2.0, 2.0, (n, sizes[0]))
        result = attempt(mlp_forward, "mlp_forward", weights, biases, X, case=case,
                         hint="W^l has shape n_l x n_(l-1) (one row per neuron) and X one sample per row: "
                              "multiply by the transpose of W^l.")
        want = shallow.predict(net, X)
        slips: list[Slip] = [("applied ReLU after the last layer too (it outputs raw scores z, which may "
                              "be negative)", np.maximum(want, 0.0))]
        if len(sizes) > 2:
            slips.append(("stopped at the last hidden layer (apply the output layer too)",
                          shallow.predict(net[:-1], X)))
        compare(result, want, "the network's output", case=case, hint=hint, slips=slips)
    passed("mlp_forward", f"{len(cases)} networks, including a batch of one and no hidden layer")


def _cost(z: np.ndarray, y: np.ndarray) -> float:
    """The mean logistic loss of the margins ``y * z``: the reference for :func:`check_logistic_cost`."""
    return float(np.mean(losses.logistic(y * z)))


def _numerical_gradient(z: np.ndarray, y: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Central finite differences of :func:`_cost` with respect to each score."""
    gradient = np.zeros_like(z)
    for i in range(len(z)):
        shift = np.zeros_like(z)
        shift[i] = step
        gradient[i] = (_cost(z + shift, y) - _cost(z - shift, y)) / (2 * step)
    return gradient


def check_logistic_cost(logistic_cost: Callable[..., Any]) -> None:
    """Check ``logistic_cost(z, y)``, which returns ``(cost, gradient)``, against
    :func:`lecturekit.losses.logistic` and finite differences of it."""
    rng = np.random.default_rng(4)
    cases = [
        ("five scores with labels of both signs", [2.0, -1.0, 0.5, -3.0, 1.5], [1, 1, -1, -1, -1]),
        ("a single sample", [0.7], [-1]),
        ("scores of exactly 0 (each loss is ln 2)", [0.0, 0.0], [1, -1]),
        ("confidently wrong scores (margins -30 and -8)", [-30.0, 8.0], [1, -1]),
        ("six samples, all labelled -1", rng.uniform(-3.0, 3.0, 6), [-1] * 6),
    ]
    for case, z, y in cases:
        z, y = np.array(z, dtype=float), np.array(y, dtype=float)
        copies = z.copy(), y.copy()
        result = attempt(logistic_cost, "logistic_cost", z, y, case=case,
                         hint="z and y are arrays of n numbers: work elementwise with numpy.")
        unchanged(copies[0], z, name="logistic_cost", argument="z", case=case)
        unchanged(copies[1], y, name="logistic_cost", argument="y", case=case)
        result = unpack(result, 2, name="logistic_cost", what="a pair (cost, gradient)", case=case)
        compare(result[0], _cost(z, y), "the cost C", case=case, rtol=1e-7,
                hint="C is the mean over the n samples of ln(1 + e^(-m)), with the margin m = y z.")
        exact = -y / (1.0 + np.exp(y * z)) / len(z)
        compare(result[1], _numerical_gradient(z, y),
                "the gradient dC/dz (against finite differences of the cost)", case=case, rtol=1e-5,
                atol=1e-7, slips=[
                    ("left out the factor y_i (your gradient has the wrong sign exactly where y = -1: the "
                     "chain rule through the margin m = y z brings a factor y_i)", exact * y),
                    ("left out the factor 1/n (C is a mean: its gradient carries the factor 1/n)",
                     exact * len(z)),
                ], hint="dC/dz_i = (1/n) l'(m_i) y_i with l'(m) = -1 / (1 + e^m): check the sign, the 1/n "
                        "and the factor y_i.")
    passed("logistic_cost", f"{len(cases)} cases, including a single sample and confidently wrong scores")


def _epoch(weights: np.ndarray, bias: float, X: np.ndarray, y: np.ndarray, order: np.ndarray,
           batch_size: int, lr: float, every_sample: bool = False) -> np.ndarray:
    """One epoch with lecturekit's ``sgd.gradients`` and ``sgd.sgd_step``: the weights, then the bias.

    With ``every_sample`` each step makes the slip of using the gradient of all the samples."""
    params = np.append(weights, bias)
    for start in range(0, len(order), batch_size):
        batch = order if every_sample else order[start:start + batch_size]
        grad_w, grad_b = sgd.gradients(params[:-1], params[-1], X[batch], y[batch])
        params, _ = sgd.sgd_step(params, np.append(grad_w, grad_b), None, lr=lr)
    return params


def check_sgd_epoch(sgd_epoch: Callable[..., Any]) -> None:
    """Check ``sgd_epoch(weights, bias, X, y, order, batch_size, lr)`` against
    :func:`lecturekit.sgd.gradients` and :func:`lecturekit.sgd.sgd_step` (from zero weights,
    it is one epoch of :func:`lecturekit.sgd.run_sgd`)."""
    X2, y2 = sgd.linear_data(10, seed=1)
    X3, y3 = sgd.linear_data(7, weights=(1.0, 0.5, -2.0), bias=-1.0, seed=2)
    cases = [
        ("ten samples in minibatches of 4 (the last holds 2)", [0.0, 0.0], 0.0, X2, y2, 4, 0.1),
        ("minibatches of one sample (plain SGD)", [0.0, 0.0], 0.0, X2[:5], y2[:5], 1, 0.2),
        ("one minibatch holding all the samples (full batch)", [0.5, 0.5], 0.0, X2[:8], y2[:8], 8, 0.3),
        ("three inputs, a non-zero start and minibatches of 3 out of 7", [0.3, -0.2, 0.1], 0.5,
         X3, y3, 3, 0.05),
    ]
    for seed, (case, weights, bias, X, y, batch_size, lr) in enumerate(cases):
        weights = np.array(weights)
        order = np.random.default_rng(seed).permutation(len(y))
        copies = weights.copy(), X.copy(), order.copy()
        result = attempt(sgd_epoch, "sgd_epoch", weights, bias, X, y, order, batch_size, lr, case=case,
                         hint="a minibatch is a piece of `order`, the indices of its samples in X and y.")
        for given, copy, argument in zip((weights, X, order), copies, ("weights", "X", "order")):
            unchanged(copy, given, name="sgd_epoch", argument=argument, case=case)
        result = unpack(result, 2, name="sgd_epoch", what="a pair (weights, bias)", case=case)
        want = _epoch(weights, bias, X, y, order, batch_size, lr)
        full = len(y) - len(y) % batch_size
        slips = [
            ("left out the last, smaller minibatch (the loop must cover every index of `order`)",
             _epoch(weights, bias, X, y, order[:full], batch_size, lr)),
            ("stepped uphill (subtract lr times the gradient, to step against it)",
             _epoch(weights, bias, X, y, order, batch_size, -lr)),
            ("used the gradient of all the samples for every step (use only the minibatch's samples "
             "for each step)", _epoch(weights, bias, X, y, order, batch_size, lr, every_sample=True)),
        ]
        hint = ("cut `order` into consecutive minibatches of batch_size indices; for each one, compute the "
                "gradient of that minibatch's cost (a mean over its samples) and step against it.")
        compare(result[0], want[:-1], "the weights after the epoch", case=case, hint=hint,
                slips=[(words, run[:-1]) for words, run in slips])
        compare(result[1], want[-1], "the bias after the epoch", case=case, hint=hint,
                slips=[(words, run[-1]) for words, run in slips])
    passed("sgd_epoch", f"{len(cases)} epochs, including a smaller last minibatch and plain SGD")


def _momentum(A: np.ndarray, c: np.ndarray, params: np.ndarray, lr: float, beta: float,
              steps: int) -> np.ndarray:
    """``steps`` steps of :func:`lecturekit.sgd.momentum_step` on the cost ``p.A.p / 2 - c.p``
    from a zero velocity: the steps of ``torch.optim.SGD(momentum=beta)``."""
    velocity = np.zeros_like(params)
    for _ in range(steps):
        params, velocity = sgd.momentum_step(params, A @ params - c, velocity, lr=lr, beta=beta)
    return params


def _slip(A: np.ndarray, c: np.ndarray, params: np.ndarray, lr: float, beta: float, steps: int,
          scale: float = 1.0, late: bool = False) -> np.ndarray:
    """Momentum with a usual slip: the velocity adds ``scale`` times the gradient, or (``late``)
    the parameters step along the velocity before it is updated."""
    velocity = np.zeros_like(params)
    for _ in range(steps):
        gradient = A @ params - c
        if late:
            params = params - lr * velocity
        velocity = beta * velocity + scale * gradient
        if not late:
            params = params - lr * velocity
    return params


def check_momentum_descent(momentum_descent: Callable[..., Any]) -> None:
    """Check ``momentum_descent(grad, params, lr, beta, steps)`` against
    :func:`lecturekit.sgd.momentum_step`, the rule of ``torch.optim.SGD(momentum=beta)``."""
    valley = np.diag([1.0, 100.0])
    tilted = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.3], [0.0, 0.3, 3.0]])
    cases = [
        ("20 steps in a narrow valley (curvatures 1 and 100)", valley, [-2.0, 1.0], 0.015, 0.9, 20),
        ("one step (the velocity starts at zero, so it is a plain step)", valley, [1.0, 1.0], 0.01, 0.9, 1),
        ("beta = 0: plain gradient descent, 10 steps", valley, [1.0, 1.0], 0.01, 0.0, 10),
        ("zero steps (nothing should change)", valley, [1.0, 1.0], 0.01, 0.9, 0),
        ("three parameters, 7 steps, beta = 0.5", tilted, [1.0, -1.0, 2.0], 0.1, 0.5, 7),
    ]
    for case, A, start, lr, beta, steps in cases:
        c = np.ones(len(A))
        params = np.array(start)
        copy = params.copy()

        def grad(p: np.ndarray, A: np.ndarray = A, c: np.ndarray = c) -> np.ndarray:
            return A @ p - c

        result = attempt(momentum_descent, "momentum_descent", grad, params, lr=lr, beta=beta, steps=steps,
                         case=case, hint="grad(params) returns the gradient at params, an array like params.")
        unchanged(copy, params, name="momentum_descent", argument="params", case=case)
        run = partial(_momentum, A, c, params, lr, beta)
        compare(result, run(steps), "the params after the steps", case=case, slips=[
            ("added (1 - beta) times the gradient to the velocity (the slides, and PyTorch, add the whole "
             "gradient)", _slip(A, c, params, lr, beta, steps, scale=1 - beta)),
            ("stepped along the velocity of the previous step (update the velocity first, then step "
             "along the new one)", _slip(A, c, params, lr, beta, steps, late=True)),
            ("took one step fewer than `steps` (check the loop's bounds, and that each step updates the "
             "velocity first, then moves the params along the new velocity)", run(max(steps - 1, 0))),
            ("took one step too many (take exactly `steps` steps)", run(steps + 1)),
        ], hint="start from a zero velocity; at each step add the gradient at the current params to "
                "beta times the velocity, then move the params against the new velocity.")
    passed("momentum_descent", f"{len(cases)} runs, including beta = 0 and zero steps")
