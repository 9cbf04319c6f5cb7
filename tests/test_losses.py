"""lecturekit.losses: the margin losses have their textbook values and relations."""

import matplotlib
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecturekit import activations, losses

matplotlib.use("Agg")

X = np.linspace(-3.0, 3.0, 121)


def test_values_at_key_margins():
    x = np.array([-1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(losses.zero_one(x), [1, 1, 0, 0])
    np.testing.assert_array_equal(losses.hinge(x), [2, 1, 0, 0])
    np.testing.assert_array_equal(losses.squared_error(x), [4, 1, 0, 1])
    np.testing.assert_allclose(losses.logistic(x), np.log1p(np.exp(-x)))
    np.testing.assert_allclose(losses.cross_entropy([0.0, 1.0, 0.5]), [np.log(2), 0.0, -np.log(0.75)])


def test_hinge_and_squared_error_bound_the_zero_one_loss():
    assert np.all(losses.hinge(X) >= losses.zero_one(X))
    assert np.all(losses.squared_error(X) >= losses.zero_one(X))
    assert np.all(losses.logistic(X) / np.log(2) >= losses.zero_one(X))


def test_cross_entropy_of_tanh_output_is_the_logistic_loss():
    z = np.linspace(-5, 5, 41)
    np.testing.assert_allclose(losses.cross_entropy(np.tanh(z / 2)), losses.logistic(z), rtol=1e-9)
    # same thing through the sigmoid: p = sigmoid(z) is the probability of the right class
    np.testing.assert_allclose(losses.logistic(z), -np.log(activations.sigmoid(z)), rtol=1e-12)


def test_margin_losses_are_the_losses_of_label_and_prediction():
    # The module docstring: for y in {-1, +1} and f in [-1, 1] the margin is x = y * f.
    rng = np.random.default_rng(0)
    f = rng.uniform(-0.99, 1.0, size=200)
    y = rng.choice([-1.0, 1.0], size=200)
    x = y * f
    np.testing.assert_allclose(losses.squared_error(x), (y - f) ** 2, rtol=1e-12)
    np.testing.assert_array_equal(losses.zero_one(x), (np.sign(f) != y).astype(float))
    np.testing.assert_allclose(
        losses.logistic(x),
        F.soft_margin_loss(torch.from_numpy(f), torch.from_numpy(y), reduction="none").numpy(), rtol=1e-12)
    # (1 + f) / 2 read as the probability of class +1; the target is (1 + y) / 2
    np.testing.assert_allclose(
        losses.cross_entropy(x),
        F.binary_cross_entropy(torch.from_numpy((1 + f) / 2), torch.from_numpy((1 + y) / 2),
                               reduction="none").numpy(), rtol=1e-10)


def test_logistic_is_stable_for_large_margins():
    values = losses.logistic(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(values, [1000.0, 0.0])


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: losses.cross_entropy([-1.0]), ValueError),
        (lambda: losses.cross_entropy([1.5]), ValueError),
        (lambda: losses.hinge([np.nan]), ValueError),
        (lambda: losses.zero_one("margin"), TypeError),
    ],
)
def test_bad_inputs_name_the_argument(call, error):
    with pytest.raises(error, match=r"\bx\b"):
        call()


def test_plot_draws_one_line_per_loss():
    fig = losses.plot_margin_losses()
    ax = fig.axes[0]
    curves = [line for line in ax.lines if not line.get_label().startswith("_")]
    assert [line.get_label() for line in curves] == list(losses.MARGIN_LOSSES)
    for line in curves:  # each curve is its loss function, drawn where it is defined
        np.testing.assert_allclose(line.get_ydata(), losses.MARGIN_LOSSES[line.get_label()](line.get_xdata()))
    entropy = next(line for line in ax.lines if line.get_label() == "cross-entropy")
    assert entropy.get_xdata().min() > -1.0 and entropy.get_xdata().max() <= 1.0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(losses.MARGIN_LOSSES)
    with pytest.raises(ValueError, match="names"):
        losses.plot_margin_losses(["hinge", "exponential"])
    with pytest.raises(ValueError, match="x_range"):
        losses.plot_margin_losses(x_range=(2.0, -2.0))
