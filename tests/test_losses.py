"""lecturekit.losses: the margin losses have their textbook values and relations."""

import matplotlib
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecturekit import activations, losses

matplotlib.use("Agg")

M = np.linspace(-3.0, 3.0, 121)


def test_values_at_key_margins():
    m = np.array([-1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(losses.zero_one(m), [1, 1, 0, 0])
    np.testing.assert_array_equal(losses.hinge(m), [2, 1, 0, 0])
    np.testing.assert_array_equal(losses.squared_error(m), [4, 1, 0, 1])
    np.testing.assert_allclose(losses.logistic(m), np.log1p(np.exp(-m)))
    np.testing.assert_allclose(losses.cross_entropy([0.5, 1.0, 0.25]), [np.log(2), 0.0, np.log(4)])


def test_hinge_and_squared_error_bound_the_zero_one_loss():
    assert np.all(losses.hinge(M) >= losses.zero_one(M))
    assert np.all(losses.squared_error(M) >= losses.zero_one(M))
    assert np.all(losses.logistic(M) / np.log(2) >= losses.zero_one(M))


def test_only_squared_error_punishes_a_margin_beyond_one():
    # lecture 2's question: which loss is larger for a margin of 2 than for a margin of 1?
    grows = [name for name, loss in losses.MARGIN_LOSSES.items() if loss(2.0) > loss(1.0)]
    assert grows == ["squared error"]


def test_cross_entropy_of_the_squashed_score_is_the_logistic_loss():
    rng = np.random.default_rng(0)
    z = rng.uniform(-8, 8, size=500)
    y = rng.choice([-1.0, 1.0], size=500)
    # the sigmoid gives class +1 the probability sigmoid(z); the right class gets sigmoid(y z)
    p_plus = activations.sigmoid(z)
    p_right = np.where(y > 0, p_plus, 1 - p_plus)
    np.testing.assert_allclose(losses.cross_entropy(p_right), losses.logistic(y * z), rtol=1e-9)
    # the same through an output f = tanh(z / 2) in (-1, 1), read as the probability (1 + f) / 2
    f = np.tanh(z / 2)
    np.testing.assert_allclose((1 + f) / 2, p_plus, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(losses.cross_entropy((1 + y * f) / 2), losses.logistic(y * z), rtol=1e-9)


def test_margin_losses_are_the_losses_of_label_and_score():
    # The module docstring: for y in {-1, +1} and a raw score z the margin is m = y * z.
    rng = np.random.default_rng(1)
    z = rng.uniform(-4.0, 4.0, size=200)
    y = rng.choice([-1.0, 1.0], size=200)
    m = y * z
    np.testing.assert_allclose(losses.squared_error(m), (y - z) ** 2, rtol=1e-12)
    np.testing.assert_array_equal(losses.zero_one(m), (np.sign(z) != y).astype(float))
    np.testing.assert_allclose(
        losses.logistic(m),
        F.soft_margin_loss(torch.from_numpy(z), torch.from_numpy(y), reduction="none").numpy(), rtol=1e-12)
    # torch's binary cross-entropy of the score, with the labels written 0 and 1 (what
    # shallow.fit(loss="bce") minimises), is the logistic loss of the margin
    np.testing.assert_allclose(
        losses.logistic(m),
        F.binary_cross_entropy_with_logits(torch.from_numpy(z), torch.from_numpy((1 + y) / 2),
                                           reduction="none").numpy(), rtol=1e-10)


def test_logistic_is_stable_for_large_margins():
    values = losses.logistic(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(values, [1000.0, 0.0])


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: losses.cross_entropy([0.0]), ValueError, "p"),
        (lambda: losses.cross_entropy([1.5]), ValueError, "p"),
        (lambda: losses.hinge([np.nan]), ValueError, "m"),
        (lambda: losses.zero_one("margin"), TypeError, "m"),
    ],
)
def test_bad_inputs_name_the_argument(call, error, name):
    with pytest.raises(error, match=rf"\b{name}\b"):
        call()


def test_plot_draws_one_line_per_loss():
    fig = losses.plot_margin_losses()
    ax = fig.axes[0]
    curves = [line for line in ax.lines if not line.get_label().startswith("_")]
    assert len(curves) == len(losses.MARGIN_LOSSES)
    for line, (name, loss) in zip(curves, losses.MARGIN_LOSSES.items()):  # each curve is its loss
        assert line.get_label() == losses.LABELS.get(name, name)
        np.testing.assert_allclose(line.get_ydata(), loss(line.get_xdata()))
        assert (line.get_xdata().min(), line.get_xdata().max()) == (-2.0, 2.0)
    assert "cross-entropy" in losses.LABELS["logistic"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [c.get_label() for c in curves]
    assert ax.get_xlabel().startswith("margin $m")
    with pytest.raises(ValueError, match="names"):
        losses.plot_margin_losses(["hinge", "exponential"])
    with pytest.raises(ValueError, match="m_range"):
        losses.plot_margin_losses(m_range=(2.0, -2.0))
