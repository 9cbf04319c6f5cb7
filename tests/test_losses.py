"""lecturekit.losses: the margin losses have their textbook values and relations."""

import matplotlib
import numpy as np
import pytest

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


def test_logistic_is_stable_for_large_margins():
    values = losses.logistic(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(values, [1000.0, 0.0])


def test_bad_inputs():
    with pytest.raises(ValueError, match="x must lie"):
        losses.cross_entropy([-1.0])
    with pytest.raises(ValueError, match="x must lie"):
        losses.cross_entropy([1.5])
    with pytest.raises(ValueError, match="finite"):
        losses.hinge([np.nan])
    with pytest.raises(TypeError, match="x"):
        losses.zero_one("margin")


def test_plot_draws_one_line_per_loss():
    fig = losses.plot_margin_losses()
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.lines if not line.get_label().startswith("_")]
    assert labels == list(losses.MARGIN_LOSSES)
    entropy = next(line for line in ax.lines if line.get_label() == "cross-entropy")
    assert entropy.get_xdata().min() > -1.0 and entropy.get_xdata().max() <= 1.0
    assert len(ax.get_legend().get_texts()) == 5
    with pytest.raises(ValueError, match="names"):
        losses.plot_margin_losses(["hinge", "exponential"])
    with pytest.raises(ValueError, match="x_range"):
        losses.plot_margin_losses(x_range=(2.0, -2.0))
