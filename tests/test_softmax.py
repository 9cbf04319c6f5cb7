"""lecturekit.softmax: softmax is a stable probability vector, the cross-entropy and its
gradient agree with torch (float64) and with finite differences, for ordinary and extreme scores."""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from lecturekit import backprop, softmax


def _scores(n, k, seed=0, scale=3.0):
    rng = np.random.default_rng(seed)
    return rng.normal(scale=scale, size=(n, k)), rng.integers(0, k, size=n)


@pytest.mark.parametrize(("n", "k"), [(1, 2), (5, 3), (32, 10)])
def test_softmax_matches_torch_and_sums_to_one(n, k):
    z, _ = _scores(n, k)
    p = softmax.softmax(z)
    np.testing.assert_allclose(p, torch.softmax(torch.from_numpy(z), dim=1).numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-14)
    assert np.all(p > 0)
    np.testing.assert_allclose(np.exp(softmax.log_softmax(z)), p, rtol=1e-12)


def test_softmax_ignores_a_shift_and_never_overflows():
    z = np.array([[1000.0, 999.0, 990.0], [-1000.0, -1001.0, -1010.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        p = softmax.softmax(z)
        log_p = softmax.log_softmax(z)
    np.testing.assert_allclose(p[0], p[1], rtol=1e-12)
    np.testing.assert_allclose(p[0], softmax.softmax(np.array([[10.0, 9.0, 0.0]]))[0], rtol=1e-12)
    assert np.all(np.isfinite(log_p))


@pytest.mark.parametrize(("n", "k"), [(1, 2), (7, 3), (64, 10)])
def test_cross_entropy_matches_torch(n, k):
    z, y = _scores(n, k, seed=n)
    expected = F.cross_entropy(torch.from_numpy(z), torch.from_numpy(y)).item()
    assert softmax.cross_entropy(z, y) == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_of_equal_scores_is_log_k():
    # An untrained network that cannot tell the classes apart: p_y = 1/K, C = ln K.
    for k in (2, 3, 10):
        assert softmax.cross_entropy(np.zeros((4, k)), np.arange(4) % k) == pytest.approx(np.log(k))


def test_cross_entropy_of_a_confident_wrong_answer_is_large_but_finite():
    z, y = np.array([[1000.0, 0.0]]), np.array([1])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        loss = softmax.cross_entropy(z, y)
        gradient = softmax.cross_entropy_gradient(z, y)
    assert loss == pytest.approx(1000.0)
    np.testing.assert_allclose(gradient, [[1.0, -1.0]])


@pytest.mark.parametrize(("n", "k"), [(1, 2), (5, 3), (16, 10)])
def test_gradient_matches_torch_autograd(n, k):
    z, y = _scores(n, k, seed=10 + n)
    z_t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    F.cross_entropy(z_t, torch.from_numpy(y)).backward()
    np.testing.assert_allclose(softmax.cross_entropy_gradient(z, y), z_t.grad.numpy(), rtol=1e-10, atol=1e-15)
    # and against autograd through our own formula, -mean(log_softmax(z)[y]), written in torch
    z_t.grad = None
    log_p = z_t - torch.logsumexp(z_t, dim=1, keepdim=True)
    (-log_p[torch.arange(n), torch.from_numpy(y)].mean()).backward()
    np.testing.assert_allclose(softmax.cross_entropy_gradient(z, y), z_t.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_gradient_matches_finite_differences():
    z, y = _scores(6, 4, seed=3)
    eps = 1e-6
    numerical = np.zeros_like(z)
    for index in np.ndindex(z.shape):
        plus, minus = z.copy(), z.copy()
        plus[index] += eps
        minus[index] -= eps
        numerical[index] = (softmax.cross_entropy(plus, y) - softmax.cross_entropy(minus, y)) / (2 * eps)
    np.testing.assert_allclose(softmax.cross_entropy_gradient(z, y), numerical, atol=1e-9)


def test_gradient_is_p_minus_onehot():
    z, y = _scores(5, 3, seed=4)
    gradient = softmax.cross_entropy_gradient(z, y) * len(y)
    p = softmax.softmax(z)
    for row in range(5):
        for j in range(3):
            assert gradient[row, j] == pytest.approx(p[row, j] - (j == y[row]), abs=1e-15)
    np.testing.assert_allclose(gradient.sum(axis=1), 0.0, atol=1e-15)  # the rows sum to zero


def test_two_classes_give_the_binary_cross_entropy_of_a_sigmoid():
    # Scores (0, t): p_1 = e^t / (1 + e^t) = sigmoid(t), so the K = 2 cross-entropy is the
    # binary one that NumpyMLP(..., loss="cross_entropy") uses.
    t = np.array([-3.0, -0.5, 0.0, 2.0, 40.0])
    y = np.array([1, 0, 1, 0, 1])
    z = np.stack([np.zeros_like(t), t], axis=1)
    for i in range(len(t)):
        binary = backprop.binary_cross_entropy(t[i:i + 1, None], y[i:i + 1, None].astype(float))
        assert softmax.cross_entropy(z[i:i + 1], y[i:i + 1]) == pytest.approx(binary, rel=1e-12, abs=1e-15)
