"""lecturekit.shallow: small torch networks for universal approximation and XOR."""

import matplotlib
import numpy as np
import pytest
import torch

from lecturekit import models, shallow, toydata

matplotlib.use("Agg")


def test_mlp_shapes_and_seed():
    model = shallow.torch_mlp([2, 5, 3, 1], activation="tanh", seed=1)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(2, 5), (5, 3), (3, 1)]
    assert isinstance(model[-1], torch.nn.Linear)  # linear output
    assert sum(p.numel() for p in model.parameters()) == models.parameter_count([2, 5, 3, 1])
    again = shallow.torch_mlp([2, 5, 3, 1], activation="tanh", seed=1)
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), again.parameters()))
    assert linears[0].weight.dtype == torch.float64


def test_interpolating_network_is_exact_at_the_knots():
    model = shallow.interpolating_network(toydata.target_function, 16)
    knots = np.linspace(-1, 1, 17)[:, None]
    np.testing.assert_allclose(shallow.predict(model, knots), toydata.target_function(knots), atol=1e-12)
    line = shallow.interpolating_network(lambda x: 3 * x - 1, 3)
    grid = np.linspace(-1, 1, 11)[:, None]
    np.testing.assert_allclose(shallow.predict(line, grid), 3 * grid - 1, atol=1e-12)


def test_spread_kinks_puts_every_kink_in_the_interval():
    model = shallow.spread_kinks(shallow.torch_mlp([1, 50, 1]), low=-1.0, high=1.0, seed=2)
    weight, bias = model[0].weight[:, 0].detach(), model[0].bias.detach()
    kinks = -bias / weight
    assert torch.all(kinks.abs() <= 1.0) and torch.all(weight.abs() == 1.0)
    with pytest.raises(TypeError, match="nn.Linear"):
        shallow.spread_kinks(shallow.torch_mlp([2, 3, 1]))


def test_small_sweep_error_decreases_with_width():
    widths = [2, 32]
    x, results = shallow.approximation_sweep(widths, n_train=100, steps=800)
    # the error is measured on an even grid over [-1, 1], four times finer than the training points
    x_train, _ = toydata.regression_1d(100)
    assert (x[0], x[-1]) == (-1.0, 1.0)
    np.testing.assert_allclose(np.diff(x), np.diff(x).mean(), rtol=1e-9)
    assert np.diff(x).max() <= np.diff(x_train[:, 0]).min() / 4 + 1e-12
    assert results[1].rms_error < results[0].rms_error
    assert results[1].hand_built_rms_error < results[0].hand_built_rms_error
    for width, result in zip(widths, results):
        assert result.width == width
        assert result.parameters == sum(p.numel() for p in shallow.torch_mlp([1, width, 1]).parameters())
        error = result.prediction - toydata.target_function(x)
        assert result.rms_error == pytest.approx(np.sqrt(np.mean(error**2)), rel=1e-9)
        assert result.max_error == pytest.approx(np.max(np.abs(error)), rel=1e-9)
    fig = shallow.plot_approximation(x, results)
    target, *fits = fig.axes[0].lines
    np.testing.assert_allclose(target.get_ydata(), toydata.target_function(x))
    assert len(fits) == len(results)
    for line, result in zip(fits, results):
        np.testing.assert_allclose(line.get_ydata(), result.prediction)


def test_fit_solves_xor():
    X, y = toydata.xor()
    model = shallow.torch_mlp([2, 4, 1], activation="tanh", seed=0)
    losses = shallow.fit(model, X, y[:, None], loss="bce", optimizer="sgd", lr=0.5, steps=1000)
    assert losses[-1] < 0.05 < losses[0]
    assert np.array_equal((shallow.predict(model, X)[:, 0] > 0).astype(int), y)


def test_bad_arguments():
    with pytest.raises(ValueError, match="activation"):
        shallow.torch_mlp([1, 2, 1], activation="gelu")
    with pytest.raises(ValueError, match="sizes"):
        shallow.torch_mlp([1, 0, 1])
    model = shallow.torch_mlp([1, 2, 1])
    with pytest.raises(ValueError, match="loss"):
        shallow.fit(model, np.zeros((3, 1)), np.zeros((3, 1)), loss="hinge")
    with pytest.raises(ValueError, match="optimizer"):
        shallow.fit(model, np.zeros((3, 1)), np.zeros((3, 1)), optimizer="lbfgs")
    with pytest.raises(ValueError, match=r"\bY\b"):
        shallow.fit(model, np.zeros((3, 1)), np.zeros((2, 1)))
    with pytest.raises(TypeError, match="model"):
        shallow.fit("model", np.zeros((3, 1)), np.zeros((3, 1)))
    with pytest.raises(TypeError, match="widths"):
        shallow.approximation_sweep([])
    with pytest.raises(ValueError, match="widths"):
        shallow.approximation_sweep([4, 0])


def test_fit_restores_the_thread_count():
    before = torch.get_num_threads()
    shallow.fit(shallow.torch_mlp([1, 3, 1]), np.zeros((4, 1)), np.zeros((4, 1)), steps=2)
    assert torch.get_num_threads() == before


def test_predict_follows_the_model_dtype_and_leaves_global_rng_alone():
    import torch

    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    model = shallow.torch_mlp([2, 3, 1], seed=0).float()
    assert torch.equal(torch.rand(1), expected), "torch_mlp() must not reset torch's global random state"
    out = shallow.predict(model, np.zeros((4, 2)))
    assert out.shape == (4, 1) and out.dtype == np.float32
    with pytest.raises(TypeError, match="model"):
        shallow.predict("net", np.zeros((4, 2)))
    with pytest.raises(TypeError, match="activation"):
        shallow.torch_mlp([1, 2, 1], activation=["relu"])


def test_fit_with_momentum_is_gradient_descent_with_momentum_0_9():
    X, y = toydata.xor()
    model = shallow.torch_mlp([2, 4, 1], activation="tanh", seed=0)
    losses = shallow.fit(model, X, y[:, None], loss="bce", optimizer="momentum", lr=0.1, steps=30)
    # the same steps written out with lecturekit.sgd.momentum_step on the flattened parameters
    from lecturekit import sgd

    replay = shallow.torch_mlp([2, 4, 1], activation="tanh", seed=0)
    params = torch.nn.utils.parameters_to_vector(replay.parameters()).detach().numpy()
    velocity = sgd.initial_state("momentum", len(params))
    inputs = torch.as_tensor(X, dtype=torch.float64)
    targets = torch.as_tensor(y[:, None], dtype=torch.float64)
    expected = []
    for _ in range(30):
        torch.nn.utils.vector_to_parameters(torch.as_tensor(params), replay.parameters())
        replay.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(replay(inputs), targets)
        loss.backward()
        expected.append(loss.item())
        grad = torch.cat([p.grad.reshape(-1) for p in replay.parameters()]).numpy()
        params, velocity = sgd.momentum_step(params, grad, velocity, lr=0.1)
    np.testing.assert_allclose(losses, expected, rtol=1e-10)
    np.testing.assert_allclose(torch.nn.utils.parameters_to_vector(model.parameters()).detach().numpy(),
                               params, rtol=1e-9, atol=1e-12)


def test_inputs_of_the_wrong_width_are_named():
    with pytest.raises(ValueError, match=r"X must have 1 columns"):
        shallow.predict(shallow.torch_mlp([1, 3, 1]), np.zeros((4, 2)))


def test_predict_classes_thresholds_one_output_and_takes_the_largest_of_several():
    X, y = toydata.xor()
    model = shallow.torch_mlp([2, 4, 1], activation="tanh", seed=0)
    shallow.fit(model, X, y[:, None], loss="bce", optimizer="sgd", lr=0.5, steps=1000)
    labels = shallow.predict_classes(model, X)
    assert labels.dtype == np.int64 and np.array_equal(labels, y)
    three = shallow.torch_mlp([2, 3], seed=1)
    np.testing.assert_array_equal(shallow.predict_classes(three, X),
                                  np.argmax(shallow.predict(three, X), axis=1))


def test_plot_training_regions_and_loss():
    import matplotlib.pyplot as plt

    X, y = toydata.xor()
    model = shallow.torch_mlp([2, 4, 1], activation="tanh", seed=0)
    losses = shallow.fit(model, X, y[:, None], loss="bce", optimizer="sgd", lr=0.5, steps=300)
    left, right = shallow.plot_training(model, X, y, losses).axes
    assert left.get_title() == "decision regions" and right.get_yscale() == "log"
    np.testing.assert_allclose(right.lines[0].get_ydata(), losses)
    with pytest.raises(ValueError, match="losses"):
        shallow.plot_training(model, X, y, [])
    with pytest.raises(ValueError, match=r"\by\b"):
        shallow.plot_training(model, X, y[:3], losses)
    with pytest.raises(TypeError, match="model"):
        shallow.plot_training("net", X, y, losses)
    plt.close("all")
