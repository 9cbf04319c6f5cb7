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


def test_perceptron_predict(capsys):
    check = checks.check_perceptron_predict
    assert_accepts(check, master("01", "perceptron_predict"), capsys)
    assert_not_done(check, stub("01", "perceptron_predict"))

    def strict_step(weights, bias, X):
        return (X @ weights + bias > 0).astype(int)

    def sign_labels(weights, bias, X):
        return np.sign(X @ weights + bias)

    def forgets_bias(weights, bias, X):
        return (X @ weights >= 0).astype(int)

    def wrong_axis(weights, bias, X):
        return (weights @ X + bias >= 0).astype(int)

    assert_rejects(check, strict_step, "the labels", "exactly on the line", ">= 0")
    assert_rejects(check, sign_labels, "0 or 1", "-1", "step function")
    assert_rejects(check, forgets_bias, "the labels", "five points", "without its bias")
    assert_rejects(check, wrong_axis, "five points", "ValueError", "order of the matrix product")
    assert_rejects(check, lambda weights, bias, X: X @ weights + bias, "0 or 1", "weighted sum")


def test_perceptron_epoch(capsys):
    check = checks.check_perceptron_epoch
    assert_accepts(check, master("01", "perceptron_epoch"), capsys)
    assert_not_done(check, stub("01", "perceptron_epoch"))
    rule = master("01", "perceptron_update")

    def skips_last(weights, bias, X, y, lr=1.0):
        mistakes = 0
        for i in range(len(y) - 1):
            new_weights, bias_after = rule(weights, bias, X[i], y[i], lr)
            mistakes += int(bias_after != bias)
            weights, bias = new_weights, bias_after
        return weights, bias, mistakes

    def frozen_weights(weights, bias, X, y, lr=1.0):
        errors = y - (X @ weights + bias >= 0)
        return weights + lr * errors @ X, bias + lr * errors.sum(), int(np.sum(errors != 0))

    def counts_right_answers(weights, bias, X, y, lr=1.0):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            new_weights, new_bias = rule(weights, bias, x_i, y_i, lr)
            mistakes += int(new_bias == bias)
            weights, bias = new_weights, new_bias
        return weights, bias, mistakes

    def in_place(weights, bias, X, y, lr=1.0):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            error = y_i - (1 if weights @ x_i + bias >= 0 else 0)
            weights += lr * error * x_i
            bias += lr * error
            mistakes += int(error != 0)
        return weights, bias, mistakes

    assert_rejects(check, skips_last, "the weights after the epoch", "single sample", "last sample")
    assert_rejects(check, frozen_weights, "the weights after the epoch", "two clouds", "started from")
    assert_rejects(check, counts_right_answers, "the number of mistakes", "prediction was wrong")
    assert_rejects(check, in_place, "changed its argument `weights` in place", "+=")
    assert_rejects(check, lambda weights, bias, X, y, lr=1.0: (weights, bias), "triple", "tuple of 2")


def test_sigmoid(capsys):
    check = checks.check_sigmoid
    assert_accepts(check, master("01", "sigmoid"), capsys)
    assert_not_done(check, stub("01", "sigmoid"))

    def sign_error(z):
        s = 1 / (1 + np.exp(z))
        return s, s * (1 - s)

    def tanh_pattern(z):
        s = 1 / (1 + np.exp(-z))
        return s, 1 - s**2

    def slope_of_z(z):
        return 1 / (1 + np.exp(-z)), z * (1 - z)

    assert_rejects(check, sign_error, "sigma(z)", "z = -2", "sign of the exponent")
    assert_rejects(check, tanh_pattern, "the derivative sigma'(z)", "tanh")
    assert_rejects(check, slope_of_z, "the derivative sigma'(z)", "then use it, not z")
    assert_rejects(check, lambda z: 1 / (1 + np.exp(-z)), "pair")
