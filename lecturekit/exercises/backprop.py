"""Checks for the exercises of lecture 3 (backpropagation from scratch)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturekit import activations
from lecturekit import backprop as reference
from lecturekit import softmax as reference_softmax
from lecturekit.exercises.feedback import NotRightYet, Slip, attempt, compare, passed, unchanged, unpack

# --- exercise 3.1: BP2, BP3 and BP4 for one layer -------------------------------------------

def _layer_case(rng: np.random.Generator, n: int, m: int, k: int, j: int) -> tuple[np.ndarray, ...]:
    """delta^(l+1) (n, m), W^(l+1) (m, k), z^l (n, k) and a^(l-1) (n, j), random."""
    return (rng.normal(size=(n, m)), rng.normal(size=(m, k)), rng.normal(size=(n, k)),
            rng.uniform(0.05, 0.95, size=(n, j)))


def _network_case() -> tuple[np.ndarray, ...]:
    """The second hidden layer of NumpyMLP([2, 4, 3, 1]) on five points, delta^3 from BP1."""
    net = reference.NumpyMLP([2, 4, 3, 1], seed=3)
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(5, 2)), rng.uniform(size=(5, 1))
    zs, outputs = net.feedforward(X)
    delta3 = reference.output_error(outputs[-1], Y, zs[-1], activations.sigmoid_derivative)
    return delta3, net.weights[2], zs[1], outputs[1]


def check_layer_backward(layer_backward: Callable[..., Any]) -> None:
    """Check ``layer_backward(delta_next, w_next, z, a_prev, d_act)`` against BP2, BP3 and BP4
    of :mod:`lecturekit.backprop`."""
    rng = np.random.default_rng(0)
    cases = [
        ("a batch of 4 samples through sigmoid layers 3 units wide",
         _layer_case(rng, 4, 3, 3, 3), activations.sigmoid_derivative),
        ("the second hidden layer of the sigmoid network [2, 4, 3, 1] on a batch of 5 points",
         _network_case(), activations.sigmoid_derivative),
        ("a batch of one sample with tanh (4 inputs, 2 units, 3 units above)",
         _layer_case(rng, 1, 3, 2, 4), activations.tanh_derivative),
        ("a batch of 6 samples with ReLU (2 inputs, 5 units, 2 units above)",
         _layer_case(rng, 6, 2, 5, 2), activations.relu_derivative),
    ]
    name = "layer_backward"
    for case, arrays, d_act in cases:
        delta_next, w_next, z, a_prev = arrays
        copies = [array.copy() for array in arrays]
        result = attempt(layer_backward, name, *copies, d_act, case=case)
        for argument, before, after in zip(("delta_next", "w_next", "z", "a_prev"), arrays, copies):
            unchanged(before, after, name=name, argument=argument, case=case)
        delta, grad_w, grad_b = unpack(result, 3, name=name,
                                       what="a triple (delta, grad_w, grad_b)", case=case)
        n = len(z)
        want_delta = reference.backpropagate_error(delta_next, w_next, z, d_act)
        slips: list[Slip] = [
            ("left out the factor sigma'(z^l) (BP2 multiplies elementwise by the derivative of "
             "the activation at z^l)", delta_next @ w_next),
        ]
        if w_next.shape[0] == w_next.shape[1]:
            slips.append(("used W^(l+1) transposed (check the transpose in BP2: the sum over k runs "
                          "down column j of W^(l+1))", (delta_next @ w_next.T) * d_act(z)))
        compare(delta, want_delta, "delta (the error delta^l)", case=case, slips=slips,
                hint="BP2: pass delta^(l+1) back through W^(l+1) (check the transpose), "
                     "then multiply elementwise by sigma'(z^l).")
        want_w = reference.weight_gradient(want_delta, a_prev)
        compare(grad_w, want_w, "grad_w (dC/dW^l)", case=case,
                slips=[("summed over the batch (BP4 averages over the n samples)", want_w * n)],
                hint="BP4: dC/dw_jk = delta_j a_k^(l-1), averaged over the samples; W^l has one row "
                     "per unit j of layer l and one column per input k.")
        want_b = reference.bias_gradient(want_delta)
        compare(grad_b, want_b, "grad_b (dC/db^l)", case=case,
                slips=[("summed over the batch (BP3 averages over the n samples)", want_b * n)],
                hint="BP3: dC/db^l is delta^l averaged over the samples (the rows): one value per "
                     "unit of layer l.")
    passed(name, f"{len(cases)} cases, including a batch of one sample and a layer of the "
                 "network [2, 4, 3, 1]")


# --- exercise 3.2: the finite-difference gradient --------------------------------------------

def _network_loss() -> tuple[Callable[[np.ndarray], float], np.ndarray, np.ndarray]:
    """The loss of NumpyMLP([2, 3, 2]) on six points as a function of W^1, W^1, and backward's
    gradient for it."""
    net = reference.NumpyMLP([2, 3, 2], seed=1)
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(6, 2)), rng.uniform(size=(6, 2))

    def loss(w: np.ndarray) -> float:
        kept = net.weights[0]
        net.weights[0] = np.asarray(w, dtype=float)
        try:
            return net.batch_loss(X, Y)
        finally:
            net.weights[0] = kept

    return loss, net.weights[0].copy(), net.backward(X, Y)[0][0]


def _one_sided(f: Callable[[np.ndarray], float], p: np.ndarray, eps: float, sign: float) -> np.ndarray:
    grad = np.zeros_like(p)
    for index in np.ndindex(p.shape):
        step = np.zeros_like(p)
        step[index] = sign * eps
        grad[index] = (f(p + step) - f(p)) / (sign * eps)
    return grad


def check_numerical_gradient(numerical_gradient: Callable[..., Any]) -> None:
    """Check ``numerical_gradient(f, p, eps)`` against exact gradients, among them
    ``NumpyMLP.backward``'s."""
    rng = np.random.default_rng(2)
    network_loss, w1, backward_w1 = _network_loss()
    p_cube, p_sin = np.array([-1.5, 0.5, 2.0, -0.8]), rng.normal(scale=0.5, size=(2, 3))
    # (case, f, p, eps, exact gradient, atol); eps = 1e-6 leaves a one-sided difference within
    # rtol 1e-5 there, so that the case with eps = 1e-3 is the one that shows it up
    cases = [
        ("f(p) = sum(p**3) for a vector of 4 values", lambda p: float(np.sum(p ** 3)), p_cube,
         1e-6, 3 * p_cube ** 2, 1e-8),
        ("the loss of the network [2, 3, 2] on 6 points as a function of W^1 (3 x 2), against "
         "backward", network_loss, w1, 1e-6, backward_w1, 1e-6),
        ("f(p) = sum(sin(3 p)) for a 2 x 3 array with eps = 1e-3, where a one-sided difference "
         "is visibly less accurate", lambda p: float(np.sum(np.sin(3 * p))), p_sin, 1e-3,
         3 * np.cos(3 * p_sin), 1e-8),
        ("a single parameter, f(p) = sin(p[0])", lambda p: float(np.sin(p[0])), np.array([0.7]),
         1e-6, np.cos([0.7]), 1e-8),
    ]
    name = "numerical_gradient"
    for case, f, p, eps, want, atol in cases:
        argument = p.copy()
        got = attempt(numerical_gradient, name, f, argument, eps=eps, case=case)
        if not np.array_equal(argument, p):
            raise NotRightYet(f"`{name}` left different values in `p` on {case}: after changing an "
                              "entry, put its original value back before moving on.")
        one_sided = ("took a one-sided difference, which is only accurate to order eps (use the "
                     "centred difference (C(p + eps) - C(p - eps)) / (2 eps))")
        slips: list[Slip] = [
            (one_sided, lambda f=f, p=p, eps=eps: _one_sided(f, p, eps, 1.0)),
            (one_sided, lambda f=f, p=p, eps=eps: _one_sided(f, p, eps, -1.0)),
            ("divided by eps (p + eps and p - eps are 2 eps apart: divide by 2 eps)", 2 * want),
        ]
        compare(got, want, "the gradient", case=case, rtol=1e-5, atol=atol, slips=slips,
                hint="every entry of p needs its own centred difference, with only that entry "
                     "moved by +eps and -eps: check that your loop covers every entry, in every "
                     "dimension.")
    passed(name, f"{len(cases)} cases, including a network's weights against backward and a "
                 "single parameter")


# --- exercise 3.3: softmax with cross-entropy and its gradient ------------------------------

def check_softmax_cross_entropy(softmax_cross_entropy: Callable[..., Any]) -> None:
    """Check ``softmax_cross_entropy(z, y)`` (mean loss, dC/dz) against
    :mod:`lecturekit.softmax`."""
    rng = np.random.default_rng(4)
    cases = [
        ("a batch of 4 samples and 3 classes", rng.normal(scale=2.0, size=(4, 3)),
         np.array([0, 2, 1, 2])),
        ("a batch of one sample and 5 classes", rng.normal(size=(1, 5)), np.array([3])),
        ("6 samples whose largest scores sit in different columns",
         rng.normal(size=(6, 4)) + 3.0 * np.eye(4)[[0, 1, 2, 3, 1, 0]], np.array([0, 1, 3, 3, 2, 0])),
        ("large scores (around 1000) that overflow a naive exp",
         1000.0 + rng.normal(size=(3, 4)), np.array([1, 0, 3])),
        ("a very confident wrong answer: the right class gets a probability that rounds to 0",
         np.array([[0.0, 800.0, 2.0], [1.0, 2.0, 3.0]]), np.array([0, 2])),
    ]
    name = "softmax_cross_entropy"
    for case, z, y in cases:
        n = len(y)
        z_copy, y_copy = z.copy(), y.copy()
        result = attempt(softmax_cross_entropy, name, z_copy, y_copy, case=case)
        unchanged(z, z_copy, name=name, argument="z", case=case)
        unchanged(y, y_copy, name=name, argument="y", case=case)
        loss, grad = unpack(result, 2, name=name, what="a pair (loss, gradient)", case=case)
        big = "large scores" in case
        want_loss = reference_softmax.cross_entropy(z, y)
        loss_hint = ("compute ln p_y in one step from the scores (log-softmax): "
                     "ln p_y = z_y - ln sum_k exp(z_k), with the largest score subtracted "
                     "first; never take the log of a probability that may round to 0."
                     if "confident" in case else
                     "subtract each row's largest score before exp." if big else
                     "C is -ln p_y of each sample's right class y, averaged over the samples; "
                     "softmax normalises each row (one sample per row).")
        if np.ndim(loss) != 0:
            raise NotRightYet(f"the loss on {case} should be one number (the mean over the "
                              f"samples), got an array of shape {np.shape(loss)}.")
        compare(loss, want_loss, "the loss", case=case, hint=loss_hint,
                slips=[("summed over the samples (the loss is their mean)", want_loss * n)])
        want_grad = reference_softmax.cross_entropy_gradient(z, y)
        grad_hint = ("subtract each row's largest score before exp." if big else
                     "dC/dz = (p - onehot(y)) / n, with p the softmax of each row.")
        compare(grad, want_grad, "the gradient dC/dz", case=case, hint=grad_hint, slips=[
            ("left out the division by n (the loss is a mean over the n samples, so every row "
             "of the gradient is divided by n)", want_grad * n),
            ("flipped the sign (the gradient is p - onehot(y))", -want_grad),
        ])
    passed(name, f"{len(cases)} cases, including a batch of one sample and scores that overflow "
                 "a naive exp")
