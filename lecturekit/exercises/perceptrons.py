"""Checks for the exercises of lecture 1 (perceptrons)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturekit import activations, perceptron, toydata
from lecturekit.exercises.feedback import NotRightYet, attempt, compare, passed, unchanged, unpack


def check_perceptron_update(perceptron_update: Callable[..., Any]) -> None:
    """Check ``perceptron_update(weights, bias, x, y, lr)`` against the perceptron rule."""
    cases = [
        ("a class-1 point on the wrong side", [0.5, -1.0], 0.0, [1.0, 2.0], 1, 1.0),
        ("a class-0 point on the wrong side", [1.0, 1.0], 0.5, [2.0, 1.0], 0, 1.0),
        ("a point on the right side (nothing should change)", [1.0, -2.0], 0.0, [3.0, 1.0], 1, 1.0),
        ("a class-0 point exactly on the line (w.x + b = 0 counts as class 1)", [1.0, 1.0], -2.0,
         [1.0, 1.0], 0, 1.0),
        ("learning rate 0.5 and three inputs", [0.2, -0.4, 0.1], -0.3, [1.0, 0.5, -2.0], 1, 0.5),
    ]
    hints = {
        0: "a missed class-1 point should move the weights towards x: w + lr * x.",
        1: "a missed class-0 point should move the weights away from x: w - lr * x.",
        2: "the rule only changes the weights when the prediction is wrong.",
        3: "the step function outputs 1 when w.x + b >= 0, including exactly 0.",
        4: "scale the step by the learning rate lr.",
    }
    for number, (case, weights, bias, x, y, lr) in enumerate(cases):
        args = (np.array(weights), bias, np.array(x), y)
        result = attempt(perceptron_update, "perceptron_update", *args, lr=lr, case=case)
        result = unpack(result, 2, name="perceptron_update", what="a pair (new_weights, new_bias)", case=case)
        want_weights, want_bias = perceptron.perceptron_update(*args, lr=lr)
        compare(result[0], want_weights, "the new weights", case=case, hint=hints[number])
        compare(result[1], want_bias, "the new bias", case=case,
                hint="the bias moves like a weight whose input is always 1.")
    passed("perceptron_update", f"{len(cases)} cases, including a point exactly on the line")


def check_perceptron_predict(perceptron_predict: Callable[..., Any]) -> None:
    """Check ``perceptron_predict(weights, bias, X)`` against :func:`perceptron.linear_predictor`."""
    rng = np.random.default_rng(1)
    cases = [
        ("five points in the plane", [1.0, -2.0], 0.5, rng.uniform(-2, 2, (5, 2)),
         "compute w.x + b for every row of X, then apply the step function."),
        ("a batch of one sample", [2.0, -1.0], 0.5, np.array([[1.0, 3.0]]),
         "return one label per row of X: an array of shape (1,) here."),
        ("points exactly on the line (w.x + b = 0 counts as class 1)", [1.0, 1.0], -2.0,
         np.array([[1.0, 1.0], [2.0, 0.0], [0.0, 1.0], [3.0, 0.0]]),
         "the step function outputs 1 when w.x + b >= 0, including exactly 0."),
        ("two samples with two inputs each", [1.0, -1.0], 0.0, np.array([[2.0, 1.0], [-1.0, 3.0]]),
         "each row of X is one sample: its label uses that row, not a column."),
        ("three inputs and a bias of -4", [1.0, 2.0, 0.5], -4.0, rng.uniform(0, 3, (6, 3)),
         "do not forget to add the bias to the weighted sum."),
    ]
    for case, weights, bias, X, hint in cases:
        weights = np.array(weights)
        result = attempt(perceptron_predict, "perceptron_predict", weights, bias, X, case=case,
                       hint="X holds one sample per row (shape n x d) and w one weight per column of X: "
                            "check the order of the matrix product.")
        labels = np.asarray(result.detach() if hasattr(result, "detach") else result)
        if labels.dtype.kind in "biuf" and labels.shape == (len(X),):
            odd = [value for value in np.unique(labels) if value not in (0, 1)]
            if odd:
                raise NotRightYet(f"the labels on {case} should all be 0 or 1, but yours include "
                                  f"{odd[0]:g}.\nHint: the step function outputs 1 or 0 (not the sign "
                                  f"-1 or +1, and not the weighted sum itself).")
        compare(result, perceptron.linear_predictor(weights, bias)(X), "the labels", case=case, hint=hint,
                slips=[("used the same perceptron without its bias (add b to w.x)",
                        perceptron.linear_predictor(weights, 0.0)(X))])
    passed("perceptron_predict", f"{len(cases)} batches, including points exactly on the line")


def _epoch(weights: np.ndarray, bias: float, X: np.ndarray, y: np.ndarray,
           lr: float) -> tuple[np.ndarray, float, int]:
    """One epoch in order with lecturekit's rule: the reference for :func:`check_perceptron_epoch`."""
    mistakes = 0
    for x_i, y_i in zip(X, y):
        new_weights, new_bias = perceptron.perceptron_update(weights, bias, x_i, int(y_i), lr)
        mistakes += int(new_bias != bias)
        weights, bias = new_weights, new_bias
    return weights, float(bias), mistakes


def _frozen_epoch(weights: np.ndarray, bias: float, X: np.ndarray, y: np.ndarray,
                  lr: float) -> tuple[np.ndarray, float]:
    """The slip of predicting every sample with the weights the epoch started from."""
    errors = y - perceptron.linear_predictor(weights, bias)(X)
    return weights + lr * errors @ X, bias + lr * float(errors.sum())


def check_perceptron_epoch(perceptron_epoch: Callable[..., Any]) -> None:
    """Check ``perceptron_epoch(weights, bias, X, y, lr)`` against :func:`perceptron.perceptron_update`
    applied to the samples in order."""
    X_blobs, y_blobs = toydata.separable_blobs(12, gap=0.5, seed=3)
    X_xor, y_xor = toydata.xor()
    cases = [
        ("twelve points of two clouds, from zero weights", [0.0, 0.0], 0.0, X_blobs, y_blobs, 1.0),
        ("a single sample", [0.5, -1.0], 0.0, np.array([[1.0, 2.0]]), np.array([1]), 1.0),
        ("the four XOR points, from zero weights", [0.0, 0.0], 0.0, X_xor, y_xor, 1.0),
        ("data the weights already separate (nothing should change)", [1.0, 1.0], 0.0,
         X_blobs, y_blobs, 1.0),
        ("learning rate 0.5, three inputs, non-zero start", [0.2, -0.4, 0.1], -0.3,
         np.random.default_rng(2).uniform(-2, 2, (7, 3)), np.array([1, 0, 0, 1, 1, 0, 1]), 0.5),
    ]
    for case, weights, bias, X, y, lr in cases:
        weights = np.array(weights)
        copies = weights.copy(), X.copy()
        result = attempt(perceptron_epoch, "perceptron_epoch", weights, bias, X, y, lr=lr, case=case,
                         hint="visit the rows of X and the labels y together, one sample at a time.")
        unchanged(copies[0], weights, name="perceptron_epoch", argument="weights", case=case)
        unchanged(copies[1], X, name="perceptron_epoch", argument="X", case=case)
        result = unpack(result, 3, name="perceptron_epoch",
                        what="a triple (weights, bias, mistakes)", case=case)
        want_weights, want_bias, want_mistakes = _epoch(weights, bias, X, y, lr)
        short, frozen = _epoch(weights, bias, X[:-1], y[:-1], lr), _frozen_epoch(weights, bias, X, y, lr)
        hint = "apply the rule to every sample once, in order, each time with the weights as they are now."
        for part, what in enumerate(("the weights after the epoch", "the bias after the epoch")):
            compare(result[part], (want_weights, want_bias)[part], what, case=case, hint=hint, slips=[
                ("stopped the epoch before the last sample (check the loop's end)", short[part]),
                ("predicted every sample with the weights the epoch started from (predict each sample "
                 "with the weights updated by the samples before it)", frozen[part]),
            ])
        compare(result[2], want_mistakes, "the number of mistakes", case=case,
                hint="count the samples whose prediction was wrong (y differs from the prediction).")
    passed("perceptron_epoch", f"{len(cases)} epochs, including a single sample and XOR")


def check_sigmoid(sigmoid: Callable[..., Any]) -> None:
    """Check ``sigmoid(z)``, which returns ``(sigma(z), sigma'(z))``, against
    :mod:`lecturekit.activations`."""
    cases = [
        ("z = -2, -1, 0, 1, 2", np.arange(-2.0, 3.0)),
        ("the single number z = 0 (sigma = 0.5, slope 0.25)", np.array(0.0)),
        ("large |z| = 20 (sigma close to 0 or 1, slope close to 0)", np.array([-20.0, -8.0, 8.0, 20.0])),
        ("a 2 x 3 array of z", np.linspace(-3.0, 3.0, 6).reshape(2, 3)),
    ]
    for case, z in cases:
        copy = z.copy()
        result = attempt(sigmoid, "sigmoid", z, case=case, hint="use numpy's np.exp, elementwise.")
        unchanged(copy, z, name="sigmoid", argument="z", case=case)
        result = unpack(result, 2, name="sigmoid", what="a pair (sigma(z), its derivative)", case=case)
        compare(result[0], activations.sigmoid(z), "sigma(z)", case=case, rtol=1e-7, atol=1e-12,
                hint="sigma(z) = 1 / (1 + e^(-z)) grows from 0 to 1 as z grows: check the sign of the "
                     "exponent.")
        compare(result[1], activations.sigmoid_derivative(z), "the derivative sigma'(z)", case=case,
                rtol=1e-7, atol=1e-12,
                hint="sigma'(z) = sigma(z) (1 - sigma(z)): first compute sigma(z), then use it, not z.",
                slips=[("used 1 - sigma(z)^2, the pattern of tanh's derivative (sigma' is "
                        "sigma(z) (1 - sigma(z)))", 1 - activations.sigmoid(z) ** 2)])
    passed("sigmoid", f"{len(cases)} arrays, including z = 0 and large |z|")
