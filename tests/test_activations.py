"""lecturekit.activations: the functions, their derivatives and their figure."""

import matplotlib
import numpy as np
import pytest
import torch

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


@pytest.mark.parametrize(("name", "reference"),
                         [("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("relu", torch.relu)])
def test_functions_match_torch(name, reference):
    z = np.concatenate([np.linspace(-40.0, 40.0, 801), [-1e4, 1e4]])
    function, _ = activations.get(name)
    np.testing.assert_allclose(function(z), reference(torch.from_numpy(z)).numpy(), rtol=1e-12, atol=1e-300)


def test_derivatives_match_torch_autograd():
    z = torch.linspace(-6.0, 6.0, 97, dtype=torch.float64) + 0.0125
    for name, reference in [("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("relu", torch.relu)]:
        leaf = z.clone().requires_grad_(True)
        reference(leaf).sum().backward()
        _, derivative = activations.get(name)
        np.testing.assert_allclose(derivative(z.numpy()), leaf.grad.numpy(), rtol=1e-10, atol=1e-15,
                                   err_msg=name)


@pytest.mark.parametrize(("argument", "error"), [("softplus", ValueError), (3, TypeError)])
def test_bad_arguments(argument, error):
    with pytest.raises(error, match="name"):
        activations.get(argument)


def test_plot_activations_two_panels():
    names = ("sigmoid", "relu", "step")
    fig = activations.plot_activations(names)
    left, right = fig.axes
    for ax, part in ((left, 0), (right, 1)):
        curves = [line for line in ax.lines if not line.get_label().startswith("_")]
        assert [line.get_label() for line in curves] == list(names)
        for line in curves:  # each curve is the function (left) or its derivative (right)
            expected = activations.get(line.get_label())[part](line.get_xdata())
            np.testing.assert_allclose(line.get_ydata(), expected)
    assert [t.get_text() for t in left.get_legend().get_texts()] == list(names)
    assert left.xaxis.label.get_fontsize() >= 13
    with pytest.raises(ValueError, match="name"):
        activations.plot_activations(["sigmoid", "swish"])
    with pytest.raises(ValueError, match="z_range"):
        activations.plot_activations(z_range=(1.0, -1.0))
    with pytest.raises(TypeError, match="names"):
        activations.plot_activations("relu")
