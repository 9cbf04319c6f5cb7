"""Checks for the exercises of lecture 1 (perceptrons)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturekit import perceptron
from lecturekit.exercises.feedback import NotRightYet, attempt, compare, passed


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
        if not isinstance(result, tuple) or len(result) != 2:
            raise NotRightYet(f"`perceptron_update` should return a pair (new_weights, new_bias), "
                              f"got {type(result).__name__} on {case}.")
        want_weights, want_bias = perceptron.perceptron_update(*args, lr=lr)
        compare(result[0], want_weights, "the new weights", case=case, hint=hints[number])
        compare(result[1], want_bias, "the new bias", case=case,
                hint="the bias moves like a weight whose input is always 1.")
    passed("perceptron_update", f"{len(cases)} cases, including a point exactly on the line")
