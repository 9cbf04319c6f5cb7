"""The checks of lecture 1's exercises accept the master solution, report the stub as not
done, and reject typical wrong answers with a message that says what differs."""

import numpy as np
from exercise_support import assert_accepts, assert_not_done, assert_rejects, master, stub

from lecturekit.exercises import perceptrons as checks


def test_perceptron_update(capsys):
    check = checks.check_perceptron_update
    assert_accepts(check, master("01", "perceptron_update"), capsys)
    assert_not_done(check, stub("01", "perceptron_update"))

    def sign_error(weights, bias, x, y, lr=1.0):
        error = y - (1 if weights @ x + bias >= 0 else 0)
        return weights - lr * error * x, bias - lr * error

    def strict_step(weights, bias, x, y, lr=1.0):
        error = y - (1 if weights @ x + bias > 0 else 0)
        return weights + lr * error * x, bias + lr * error

    def forgets_lr(weights, bias, x, y, lr=1.0):
        error = y - (1 if weights @ x + bias >= 0 else 0)
        return weights + error * x, bias + error

    assert_rejects(check, sign_error, "the new weights", "towards x")
    assert_rejects(check, strict_step, "exactly on the line", "w.x + b >= 0")
    assert_rejects(check, forgets_lr, "learning rate 0.5", "lr")
    assert_rejects(check, lambda w, b, x, y, lr=1.0: w, "pair")
    assert np.array_equal(master("01", "perceptron_update")(np.ones(2), 0.0, np.ones(2), 1)[0], np.ones(2))
