"""The checks of lecture 2's exercises accept the master solution, report the stub as not
done, and reject typical wrong answers with a message that says what differs."""

import numpy as np
import torch
from exercise_support import assert_accepts, assert_not_done, assert_rejects, master, stub

from lecturekit import sgd
from lecturekit.exercises import networks as checks


def test_mlp_forward(capsys):
    check = checks.check_mlp_forward
    assert_accepts(check, master("02", "mlp_forward"), capsys)
    assert_not_done(check, stub("02", "mlp_forward"))

    def relu_on_output(weights, biases, X):
        a = X
        for W, b in zip(weights, biases):
            a = np.maximum(0, a @ W.T + b)
        return a

    def no_transpose(weights, biases, X):
        a = X
        for W, b in zip(weights[:-1], biases[:-1]):
            a = np.maximum(0, a @ W + b)
        return a @ weights[-1] + biases[-1]

    def skips_output_layer(weights, biases, X):
        a = X
        for W, b in zip(weights[:-1], biases[:-1]):
            a = np.maximum(0, a @ W.T + b)
        return a

    def transposed_square(weights, biases, X):   # W.T only where the shapes force it
        a = X
        for W, b in zip(weights, biases):
            z = a @ W + b if W.shape[0] == W.shape[1] else a @ W.T + b
            a = np.maximum(0, z) if W is not weights[-1] else z
        return a

    assert_rejects(check, relu_on_output, "the network's output", "[2, 4, 1]",
                   "applied ReLU after the last layer too")
    assert_rejects(check, no_transpose, "ValueError", "[2, 4, 1]", "transpose of W^l")
    assert_rejects(check, skips_output_layer, "has shape (5, 4), expected (5, 1)", "apply the output layer")
    assert_rejects(check, transposed_square, "square weight matrices", "row j of W^l")


def test_logistic_cost(capsys):
    check = checks.check_logistic_cost
    assert_accepts(check, master("02", "logistic_cost"), capsys)
    assert_not_done(check, stub("02", "logistic_cost"))

    def sign_error(z, y):
        return np.mean(np.log(1 + np.exp(-y * z))), y / (1 + np.exp(y * z)) / len(z)

    def forgets_factor_y(z, y):
        return np.mean(np.log(1 + np.exp(-y * z))), -1 / (1 + np.exp(y * z)) / len(z)

    def sum_not_mean(z, y):
        return np.sum(np.log(1 + np.exp(-y * z))), -y / (1 + np.exp(y * z))

    def sum_gradient(z, y):
        return np.mean(np.log(1 + np.exp(-y * z))), -y / (1 + np.exp(y * z))

    assert_rejects(check, sign_error, "the gradient dC/dz", "finite differences", "wrong sign")
    assert_rejects(check, forgets_factor_y, "the gradient dC/dz", "wrong sign exactly where y = -1",
                   "chain rule")
    assert_rejects(check, sum_not_mean, "the cost C", "five scores", "mean over the n samples")
    assert_rejects(check, sum_gradient, "the gradient dC/dz", "5 times the right one", "factor 1/n")
    assert_rejects(check, lambda z, y: np.mean(np.log(1 + np.exp(-y * z))), "pair")


def test_sgd_epoch(capsys):
    check = checks.check_sgd_epoch
    assert_accepts(check, master("02", "sgd_epoch"), capsys)
    assert_not_done(check, stub("02", "sgd_epoch"))

    def skips_last_batch(weights, bias, X, y, order, batch_size, lr):
        for start in range(0, len(order) - batch_size + 1, batch_size):
            batch = order[start:start + batch_size]
            grad_w, grad_b = sgd.gradients(weights, bias, X[batch], y[batch])
            weights, bias = weights - lr * grad_w, bias - lr * grad_b
        return weights, bias

    def whole_data_gradient(weights, bias, X, y, order, batch_size, lr):
        for _ in range(0, len(order), batch_size):
            grad_w, grad_b = sgd.gradients(weights, bias, X, y)
            weights, bias = weights - lr * grad_w, bias - lr * grad_b
        return weights, bias

    def ascends(weights, bias, X, y, order, batch_size, lr):
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            grad_w, grad_b = sgd.gradients(weights, bias, X[batch], y[batch])
            weights, bias = weights + lr * grad_w, bias + lr * grad_b
        return weights, bias

    def in_place(weights, bias, X, y, order, batch_size, lr):
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            grad_w, grad_b = sgd.gradients(weights, bias, X[batch], y[batch])
            weights -= lr * grad_w
            bias -= lr * grad_b
        return weights, bias

    assert_rejects(check, skips_last_batch, "the weights after the epoch", "the last holds 2",
                   "last, smaller")
    assert_rejects(check, whole_data_gradient, "the weights after the epoch", "minibatch's samples")
    assert_rejects(check, ascends, "the weights after the epoch", "ten samples", "uphill")
    assert_rejects(check, in_place, "changed its argument `weights` in place")


def test_sgd_epoch_reference_is_one_epoch_of_run_sgd():
    # from zero weights and the order run_sgd draws, the check's reference is run_sgd's first epoch
    X, y = sgd.linear_data(10, seed=1)
    order = np.random.default_rng(0).permutation(len(y))
    params = checks._epoch(np.zeros(2), 0.0, X, y, order, 4, 0.1)
    run = sgd.run_sgd(X, y, lr=0.1, batch_size=4, epochs=1, seed=0)
    assert np.allclose(params, np.append(run.weights, run.bias))


def test_momentum_descent(capsys):
    check = checks.check_momentum_descent
    assert_accepts(check, master("02", "momentum_descent"), capsys)
    assert_not_done(check, stub("02", "momentum_descent"))

    def average_of_gradients(grad, params, lr, beta, steps):
        velocity = np.zeros_like(params)
        for _ in range(steps):
            velocity = beta * velocity + (1 - beta) * grad(params)
            params = params - lr * velocity
        return params

    def old_velocity(grad, params, lr, beta, steps):
        velocity = np.zeros_like(params)
        for _ in range(steps):
            params = params - lr * velocity
            velocity = beta * velocity + grad(params)
        return params

    def one_step_short(grad, params, lr, beta, steps):
        velocity = np.zeros_like(params)
        for _ in range(steps - 1):
            velocity = beta * velocity + grad(params)
            params = params - lr * velocity
        return params

    def in_place(grad, params, lr, beta, steps):
        velocity = np.zeros_like(params)
        for _ in range(steps):
            velocity = beta * velocity + grad(params)
            params -= lr * velocity
        return params

    assert_rejects(check, average_of_gradients, "the params after the steps", "narrow valley", "(1 - beta)")
    assert_rejects(check, old_velocity, "the params after the steps", "narrow valley", "one step fewer",
                   "updates the velocity first")
    assert_rejects(check, one_step_short, "the params after the steps", "narrow valley", "one step fewer",
                   "loop's bounds")
    assert_rejects(check, in_place, "changed its argument `params` in place")


def test_momentum_reference_takes_the_steps_of_torch():
    # the check compares with sgd.momentum_step; PyTorch's SGD with momentum takes the same steps
    A, c = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.3], [0.0, 0.3, 3.0]]), np.ones(3)
    start = np.array([1.0, -1.0, 2.0])
    p = torch.tensor(start, requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=0.1, momentum=0.5)
    for _ in range(7):
        optimizer.zero_grad()
        (0.5 * p @ torch.as_tensor(A) @ p - torch.as_tensor(c) @ p).backward()
        optimizer.step()
    assert np.allclose(checks._momentum(A, c, start, 0.1, 0.5, 7), p.detach().numpy(), rtol=1e-12)
