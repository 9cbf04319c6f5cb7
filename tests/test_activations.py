"""lecturekit.activations: the functions, their derivatives and their figure."""

import matplotlib
import numpy as np
import pytest

from lecturekit import activations

matplotlib.use("Agg")

Z = np.linspace(-4.0, 4.0, 81) + 0.0125  # avoid the kinks at 0


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "step"])
def test_derivative_matches_finite_differences(name):
    function, derivative = activations.get(name)
    h = 1e-6
    numeric = (function(Z + h) - function(Z - h)) / (2 * h)
    np.testing.assert_allclose(derivative(Z), numeric, atol=1e-6)


def test_values():
    np.testing.assert_array_equal(activations.step([-1.0, 0.0, 2.0]), [0, 1, 1])
    np.testing.assert_array_equal(activations.relu([-1.0, 0.0, 2.0]), [0, 0, 2])
    np.testing.assert_allclose(activations.sigmoid([0.0, -1000.0, 1000.0]), [0.5, 0.0, 1.0])
    np.testing.assert_allclose(activations.tanh_derivative(0.0), 1.0)
    assert activations.sigmoid(3.0).shape == ()


def test_bad_arguments():
    with pytest.raises(ValueError, match="name"):
        activations.get("softplus")
    with pytest.raises(TypeError, match="name"):
        activations.get(3)


def test_plot_activations_two_panels():
    fig = activations.plot_activations()
    left, right = fig.axes
    assert [line.get_label() for line in left.lines if not line.get_label().startswith("_")] == [
        "step", "sigmoid", "tanh", "relu"]
    assert len([line for line in right.lines if not line.get_label().startswith("_")]) == 4
    assert left.get_legend() is not None
    assert left.xaxis.label.get_fontsize() >= 13
    with pytest.raises(ValueError, match="name"):
        activations.plot_activations(["sigmoid", "swish"])
    with pytest.raises(ValueError, match="z_range"):
        activations.plot_activations(z_range=(1.0, -1.0))
    with pytest.raises(TypeError, match="names"):
        activations.plot_activations("relu")
