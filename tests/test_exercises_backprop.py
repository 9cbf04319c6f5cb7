"""The checks of lecture 3's exercises accept the master solution, report the stub as not
done, and reject typical wrong answers with a message that says what differs."""

import time

import numpy as np
from exercise_support import assert_accepts, assert_not_done, assert_rejects, master, stub

from lecturekit.exercises import backprop as checks


def test_layer_backward(capsys):
    check = checks.check_layer_backward
    assert_accepts(check, master("03", "layer_backward"), capsys)
    assert_not_done(check, stub("03", "layer_backward"))

    def no_transpose_fix(delta_next, w_next, z, a_prev, d_act):
        delta = (delta_next @ w_next.T) * d_act(z)
        return delta, delta.T @ a_prev / len(delta), delta.mean(axis=0)

    def forgets_derivative(delta_next, w_next, z, a_prev, d_act):
        delta = delta_next @ w_next
        return delta, delta.T @ a_prev / len(delta), delta.mean(axis=0)

    def sums_over_batch(delta_next, w_next, z, a_prev, d_act):
        delta = (delta_next @ w_next) * d_act(z)
        return delta, delta.T @ a_prev, delta.sum(axis=0)

    def transposed_grad_w(delta_next, w_next, z, a_prev, d_act):
        delta = (delta_next @ w_next) * d_act(z)
        return delta, a_prev.T @ delta / len(delta), delta.mean(axis=0)

    def bias_wrong_axis(delta_next, w_next, z, a_prev, d_act):
        delta = (delta_next @ w_next) * d_act(z)
        return delta, delta.T @ a_prev / len(delta), delta.mean(axis=1)

    def in_place(delta_next, w_next, z, a_prev, d_act):
        z *= 0.0
        return forgets_derivative(delta_next, w_next, z, a_prev, d_act)

    assert_rejects(check, no_transpose_fix, "delta (the error delta^l)", "4 samples",
                   "check the transpose in BP2")
    assert_rejects(check, forgets_derivative, "delta (the error delta^l)", "left out the factor sigma'(z^l)")
    assert_rejects(check, sums_over_batch, "grad_w (dC/dW^l)", "every value is 4 times",
                   "BP4 averages over the n samples")
    assert_rejects(check, transposed_grad_w, "grad_w (dC/dW^l)", "transpose of the right result")
    assert_rejects(check, bias_wrong_axis, "grad_b (dC/db^l)", "shape (4,), expected (3,)", "BP3")
    assert_rejects(check, in_place, "changed its argument `z` in place")
    assert_rejects(check, lambda *args: args[0], "triple (delta, grad_w, grad_b)")


def test_numerical_gradient(capsys):
    check = checks.check_numerical_gradient
    assert_accepts(check, master("03", "numerical_gradient"), capsys)
    assert_not_done(check, stub("03", "numerical_gradient"))

    def forward_difference(f, p, eps=1e-6):
        grad = np.zeros_like(p)
        for index in np.ndindex(p.shape):
            step = np.zeros_like(p)
            step[index] = eps
            grad[index] = (f(p + step) - f(p)) / eps
        return grad

    def divides_by_eps(f, p, eps=1e-6):
        grad = np.zeros_like(p)
        for index in np.ndindex(p.shape):
            step = np.zeros_like(p)
            step[index] = eps
            grad[index] = (f(p + step) - f(p - step)) / eps
        return grad

    def off_by_one(f, p, eps=1e-6):
        grad = np.zeros(p.size)
        flat = p.ravel()
        for i in range(p.size - 1):
            step = np.zeros(p.size)
            step[i] = eps
            grad[i] = (f((flat + step).reshape(p.shape)) - f((flat - step).reshape(p.shape))) / (2 * eps)
        return grad.reshape(p.shape)

    def rows_only(f, p, eps=1e-6):
        grad = np.zeros_like(p)
        for i in range(len(p)):
            step = np.zeros_like(p)
            step[i] = eps
            grad[i] = (f(p + step) - f(p - step)) / (2 * eps)
        return grad

    def no_restore(f, p, eps=1e-6):
        grad = np.zeros_like(p)
        for index in np.ndindex(p.shape):
            p[index] += eps
            plus = f(p)
            p[index] -= 2 * eps
            grad[index] = (plus - f(p)) / (2 * eps)
        return grad

    assert_rejects(check, forward_difference, "the gradient", "eps = 1e-3", "centred difference",
                   "order eps")
    assert_rejects(check, divides_by_eps, "the gradient", "2 times the right one", "divide by 2 eps")
    assert_rejects(check, off_by_one, "the gradient", "sum(p**3)", "at [3]", "loop covers every entry")
    assert_rejects(check, rows_only, "the gradient", "network [2, 3, 2]", "every dimension")
    assert_rejects(check, no_restore, "left different values in `p`", "original value back")


def test_softmax_cross_entropy(capsys):
    check = checks.check_softmax_cross_entropy
    assert_accepts(check, master("03", "softmax_cross_entropy"), capsys)
    assert_not_done(check, stub("03", "softmax_cross_entropy"))

    def naive(z, y):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            return -np.mean(np.log(p[np.arange(len(y)), y])), (p - np.eye(z.shape[1])[y]) / len(y)

    def log_of_p(z, y):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore"):
            return -np.mean(np.log(p[np.arange(len(y)), y])), (p - np.eye(z.shape[1])[y]) / len(y)

    def master_with(change):
        solution = master("03", "softmax_cross_entropy")

        def wrong(z, y):
            loss, grad = solution(z, y)
            return change(z, y, loss, grad)

        return wrong

    def wrong_axis(z, y):
        shifted = z - z.max(axis=0, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
        n = len(y)
        return -np.mean(log_p[np.arange(n), y]), (np.exp(log_p) - np.eye(z.shape[1])[y]) / n

    def in_place(z, y):
        z -= z.max(axis=1, keepdims=True)
        return master("03", "softmax_cross_entropy")(z, y)

    summed_loss = master_with(lambda z, y, loss, grad: (loss * len(y), grad))
    gradient_not_averaged = master_with(lambda z, y, loss, grad: (loss, grad * len(y)))
    sign_error = master_with(lambda z, y, loss, grad: (loss, -grad))
    per_sample_loss = master_with(lambda z, y, loss, grad: (np.full(len(y), loss), grad))

    assert_rejects(check, naive, "the loss", "overflow a naive exp", "nan", "largest score")
    assert_rejects(check, log_of_p, "the loss", "rounds to 0", "log-softmax")
    assert_rejects(check, wrong_axis, "the loss", "4 samples", "each row")
    assert_rejects(check, summed_loss, "the loss", "4 samples", "the loss is their mean")
    assert_rejects(check, gradient_not_averaged, "the gradient dC/dz", "4 times", "divided by n")
    assert_rejects(check, sign_error, "the gradient dC/dz", "wrong sign", "p - onehot(y)")
    assert_rejects(check, per_sample_loss, "one number")
    assert_rejects(check, in_place, "changed its argument `z` in place")


def test_the_checks_are_fast():
    solutions = {name: master("03", name) for name in
                 ("layer_backward", "numerical_gradient", "softmax_cross_entropy")}
    for name, solution in solutions.items():
        start = time.perf_counter()
        getattr(checks, f"check_{name}")(solution)
        assert time.perf_counter() - start < 1.0, name
