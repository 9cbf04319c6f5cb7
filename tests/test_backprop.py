"""lecturekit.backprop: gradients agree with torch.autograd and finite differences, the
shapes follow the public API, training solves a toy set, bad arguments raise clear errors."""

import numpy as np
import pytest
import torch

from lecturekit import activations, backprop, models, toydata

ARCHITECTURES = [[2, 3, 1], [3, 5, 4, 2], [4, 8, 8, 3], [1, 1]]
# The independent reference for every activation backprop offers; a new one must be added here.
TORCH_ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
ACTIVATIONS = sorted(backprop.ACTIVATIONS)


def _model_and_batch(sizes, activation, batch, seed=0, loss="mse"):
    """A network with random (non-zero) biases and a random batch of inputs and targets."""
    model = backprop.NumpyMLP(sizes, activation=activation, loss=loss, seed=seed)
    rng = np.random.default_rng(seed + 100)
    model.biases = [rng.normal(scale=0.5, size=b.shape) for b in model.biases]
    X = rng.standard_normal((batch, sizes[0]))
    Y = rng.uniform(size=(batch, sizes[-1]))
    return model, X, Y


def _torch_reference(model, X, Y):
    """Independent of lecturekit.backprop.to_torch: functional autograd on float64 leaves."""
    torch_act = TORCH_ACTIVATIONS[model.activation]
    ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in model.weights]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in model.biases]
    a = torch.tensor(X, dtype=torch.float64)
    for w, b in zip(ws, bs):
        z = a @ w.T + b
        a = torch_act(z)
    Y_t = torch.tensor(Y, dtype=torch.float64)
    if model.loss_name == "cross_entropy":  # -[y ln a + (1 - y) ln(1 - a)], summed over outputs
        loss = -(Y_t * torch.log(a) + (1 - Y_t) * torch.log(1 - a)).sum(dim=1).mean()
    else:
        loss = 0.5 * ((a - Y_t) ** 2).sum(dim=1).mean()
    loss.backward()
    return [w.grad.numpy() for w in ws], [b.grad.numpy() for b in bs]


@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=str)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("batch", [1, 5, 32])
def test_gradients_match_torch_autograd(sizes, activation, batch):
    model, X, Y = _model_and_batch(sizes, activation, batch)
    grads = model.backward(X, Y)
    reference = _torch_reference(model, X, Y)
    for mine, theirs in zip(grads[0] + grads[1], reference[0] + reference[1]):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)
    assert backprop.largest_difference(grads, reference) < 1e-12


@pytest.mark.parametrize("sizes", ARCHITECTURES[:3], ids=str)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("batch", [1, 6])
def test_gradients_match_finite_differences(sizes, activation, batch):
    model, X, Y = _model_and_batch(sizes, activation, batch, seed=1)
    grads = model.backward(X, Y)
    assert backprop.largest_difference(grads, backprop.numerical_gradient(model, X, Y)) < 1e-8


@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=str)
@pytest.mark.parametrize("batch", [1, 5, 32])
def test_cross_entropy_gradients_match_torch_autograd(sizes, batch):
    model, X, Y = _model_and_batch(sizes, "sigmoid", batch, loss="cross_entropy")
    grads = model.backward(X, Y)
    reference = _torch_reference(model, X, Y)
    for mine, theirs in zip(grads[0] + grads[1], reference[0] + reference[1]):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)
    assert backprop.largest_difference(backprop.torch_gradients(model, X, Y), reference) < 1e-14


@pytest.mark.parametrize("sizes", ARCHITECTURES[:3], ids=str)
@pytest.mark.parametrize("batch", [1, 6])
def test_cross_entropy_gradients_match_finite_differences(sizes, batch):
    model, X, Y = _model_and_batch(sizes, "sigmoid", batch, seed=1, loss="cross_entropy")
    grads = model.backward(X, Y)
    assert backprop.largest_difference(grads, backprop.numerical_gradient(model, X, Y)) < 1e-8


def test_binary_cross_entropy_matches_the_textbook_formula_and_torch():
    z = np.array([[-4.0, 0.0], [0.3, 2.5], [-0.7, 1.0]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.25, 0.9]])  # targets may be any probabilities
    a = 1 / (1 + np.exp(-z))
    textbook = -np.mean(np.sum(Y * np.log(a) + (1 - Y) * np.log(1 - a), axis=1))
    assert backprop.binary_cross_entropy(z, Y) == pytest.approx(textbook, rel=1e-12)
    torch_loss = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.from_numpy(z), torch.from_numpy(Y), reduction="sum").item() / len(z)
    assert backprop.binary_cross_entropy(z, Y) == pytest.approx(torch_loss, rel=1e-12)


def test_cross_entropy_output_error_has_no_sigma_prime():
    # dC/dz = dC/da * sigma'(z) = (a - y) / (a (1 - a)) * a (1 - a) = a - y
    z = np.array([[-3.0], [0.0], [5.0]])
    Y = np.array([[1.0], [0.0], [1.0]])
    a = activations.sigmoid(z)
    np.testing.assert_array_equal(backprop.cross_entropy_output_error(a, Y), a - Y)
    d_sigma = activations.sigmoid_derivative
    np.testing.assert_allclose(backprop.output_error(a, Y, z, d_sigma), (a - Y) * d_sigma(z))


def test_cross_entropy_one_neuron_by_hand():
    # One sigmoid neuron with w = 0, b = 0: a = 0.5, C = -ln 0.5 = ln 2, dC/db = a - y = -0.5.
    model = backprop.NumpyMLP([1, 1], loss="cross_entropy")
    model.weights[0][:] = 0.0
    X, Y = np.array([[2.0]]), np.array([[1.0]])
    assert model.loss(X, Y) == pytest.approx(np.log(2.0))
    (gw,), (gb,) = model.backward(X, Y)
    assert gb.tolist() == [-0.5]
    assert gw.tolist() == [[-1.0]]


def test_cross_entropy_of_saturated_outputs_is_finite():
    # a^L rounds to exactly 0 or 1 here; the loss is computed from z^L and stays finite.
    model = backprop.NumpyMLP([2, 3, 1], loss="cross_entropy")
    model.weights[-1][:] = 100.0
    model.biases[-1][:] = 100.0
    X, Y = np.array([[-800.0, 900.0], [0.0, 0.0]]), np.array([[1.0], [0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        loss = model.loss(X, Y)
        grads = model.backward(X, Y)
        losses = model.fit(X, Y, epochs=2, batch_size=1, lr=0.1)
    assert np.isfinite(loss) and loss > 50
    assert all(np.all(np.isfinite(g)) for g in grads[0] + grads[1])
    assert np.all(np.isfinite(losses))


def test_torch_gradients_helper_agrees_with_reference():
    model, X, Y = _model_and_batch([3, 5, 4, 2], "tanh", 7)
    assert backprop.largest_difference(backprop.torch_gradients(model, X, Y),
                                       _torch_reference(model, X, Y)) < 1e-14


def test_one_neuron_by_hand():
    # One sigmoid neuron with w = 0, b = 0: a = 0.5, C = 0.5 (0.5 - 1)^2 = 0.125,
    # dC/db = (a - y) sigma'(0) = -0.5 * 0.25 and dC/dw = dC/db * x.
    model = backprop.NumpyMLP([1, 1])
    model.weights[0][:] = 0.0
    X, Y = np.array([[2.0]]), np.array([[1.0]])
    assert model.loss(X, Y) == pytest.approx(0.125)
    (gw,), (gb,) = model.backward(X, Y)
    assert gb.tolist() == [-0.125]
    assert gw.tolist() == [[-0.25]]


def test_numerical_gradient_restores_parameters():
    model, X, Y = _model_and_batch([2, 3, 1], "sigmoid", 4)
    before = [p.copy() for p in model.weights + model.biases]
    backprop.numerical_gradient(model, X, Y)
    for old, new in zip(before, model.weights + model.biases):
        np.testing.assert_array_equal(old, new)


def test_backprop_offers_every_activation_with_a_useful_derivative():
    # Gradient descent learns nothing through a derivative that is zero everywhere (the step).
    z = np.linspace(-5.0, 5.0, 101) + 0.0125
    for name, (_, derivative) in activations.ACTIVATIONS.items():
        assert (name in backprop.ACTIVATIONS) == bool(np.any(derivative(z) != 0)), name


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_derivatives(name):
    function, derivative = backprop.ACTIVATIONS[name]
    z = np.array([-3.0, -0.7, 0.4, 2.5])
    h = 1e-6
    np.testing.assert_allclose(derivative(z), (function(z + h) - function(z - h)) / (2 * h), atol=1e-8)
    np.testing.assert_allclose(function(z), TORCH_ACTIVATIONS[name](torch.from_numpy(z)).numpy(), rtol=1e-12)


def test_large_inputs_train_without_floating_point_warnings():
    model = backprop.NumpyMLP([2, 3, 1], activation="sigmoid")
    X, Y = np.array([[-800.0, 900.0], [0.0, 0.0]]), np.array([[1.0], [0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        grads = model.backward(X, Y)
    assert all(np.all(np.isfinite(g)) for g in grads[0] + grads[1])


@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=str)
def test_shapes_follow_the_public_api(sizes):
    model, X, Y = _model_and_batch(sizes, "sigmoid", 5)
    assert len(model.weights) == len(model.biases) == len(sizes) - 1
    for layer, (w, b) in enumerate(zip(model.weights, model.biases)):
        assert w.shape == (sizes[layer + 1], sizes[layer]) and w.dtype == np.float64
        assert b.shape == (sizes[layer + 1],) and b.dtype == np.float64
    assert model.forward(X).shape == (5, sizes[-1])
    grad_w, grad_b = model.backward(X, Y)
    assert [g.shape for g in grad_w] == [w.shape for w in model.weights]
    assert [g.shape for g in grad_b] == [b.shape for b in model.biases]
    layers = [torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
    assert models.parameter_count(model) == sum(p.numel() for layer in layers for p in layer.parameters())


def test_initialisation_is_deterministic_and_repr_is_stable():
    ce = backprop.NumpyMLP([2, 4, 1], loss="cross_entropy", seed=3)
    assert repr(ce) == "NumpyMLP([2, 4, 1], activation='sigmoid', loss='cross_entropy', seed=3)"
    assert eval(repr(ce), {"NumpyMLP": backprop.NumpyMLP}).loss_name == "cross_entropy"
    first, second = backprop.NumpyMLP([2, 4, 1], seed=3), backprop.NumpyMLP([2, 4, 1], seed=3)
    other = backprop.NumpyMLP([2, 4, 1])
    for a, b in zip(first.weights, second.weights):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.weights[0], other.weights[0])
    rebuilt = eval(repr(first), {"NumpyMLP": backprop.NumpyMLP})  # the repr rebuilds the same network
    assert (rebuilt.sizes, rebuilt.activation) == (first.sizes, first.activation)
    for a, b in zip(first.weights + first.biases, rebuilt.weights + rebuilt.biases):
        np.testing.assert_array_equal(a, b)
    assert repr(first) != repr(other)


def test_predict_labels():
    model = backprop.NumpyMLP([2, 3, 1])
    X = np.random.default_rng(0).standard_normal((10, 2))
    np.testing.assert_array_equal(model.predict(X), (model.forward(X)[:, 0] >= 0.5).astype(int))
    wide = backprop.NumpyMLP([2, 3, 4], activation="tanh")
    np.testing.assert_array_equal(wide.predict(X), wide.forward(X).argmax(axis=1))


def test_sgd_step_moves_against_the_gradient():
    model, X, Y = _model_and_batch([2, 5, 1], "tanh", 8)
    before = model.loss(X, Y)
    grad_w, grad_b = model.backward(X, Y)
    old = model.weights[0].copy()
    model.sgd_step(grad_w, grad_b, 0.01)
    np.testing.assert_allclose(model.weights[0], old - 0.01 * grad_w[0])
    assert model.loss(X, Y) < before


def test_minibatches_cover_every_sample_once():
    batches = backprop.minibatches(23, 5, np.random.default_rng(0))
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    assert sorted(np.concatenate(batches).tolist()) == list(range(23))


def test_train_returns_the_loss_of_every_step_before_the_step():
    # (Lecture 3 checks that the spirals are learned and a linear model fails; not repeated here.)
    X, y = toydata.moons(40, seed=0)
    Y = y[:, None].astype(float)
    model = backprop.NumpyMLP([2, 8, 1], seed=0)
    rng = np.random.default_rng(0)
    first = backprop.minibatches(len(X), 10, rng)[0]
    losses = backprop.train(model, X, Y, epochs=30, batch_size=10, lr=2.0, seed=0)
    assert len(losses) == 30 * 4
    assert losses[0] == pytest.approx(backprop.NumpyMLP([2, 8, 1], seed=0).loss(X[first], Y[first]))
    assert np.mean(losses[-4:]) < 0.6 * np.mean(losses[:4])


def test_train_records_the_cross_entropy_and_learns_faster_than_squared_error():
    # Lecture 3 measures this on the spirals; here the same effect on the moons, from one start.
    X, y = toydata.moons(60, seed=0)
    Y = y[:, None].astype(float)
    runs = {}
    for loss in backprop.LOSSES:
        model = backprop.NumpyMLP([2, 8, 1], loss=loss, seed=0)
        losses = model.fit(X, Y, epochs=40, batch_size=10, lr=1.0, seed=0)
        first = backprop.minibatches(len(X), 10, np.random.default_rng(0))[0]
        start = backprop.NumpyMLP([2, 8, 1], loss=loss, seed=0)
        assert losses[0] == pytest.approx(start.loss(X[first], Y[first]))
        runs[loss] = np.mean(losses[-6:]) / np.mean(losses[:6])
    assert runs["cross_entropy"] < runs["mse"]


def test_training_is_deterministic():
    X, y = toydata.moons(60, seed=0)
    Y = y[:, None].astype(float)
    runs = []
    for _ in range(2):
        model = backprop.NumpyMLP([2, 4, 1], seed=1)
        runs.append(backprop.train(model, X, Y, epochs=5, batch_size=7, lr=1.0, seed=2))
    assert runs[0] == runs[1]


def test_to_torch_computes_the_same_outputs():
    model, X, _ = _model_and_batch([3, 5, 4, 2], "relu", 6)
    net = backprop.to_torch(model)
    np.testing.assert_allclose(net(torch.from_numpy(X)).detach().numpy(), model.forward(X), rtol=1e-12)


@pytest.mark.parametrize("sizes, error", [
    ([2], ValueError),
    ([2, 0, 1], ValueError),
    ([2, -3], ValueError),
    ([2, 2.5], TypeError),
    ("21", TypeError),
    (3, TypeError),
])
def test_bad_sizes(sizes, error):
    with pytest.raises(error, match=r"\bsizes\b"):
        backprop.NumpyMLP(sizes)


_MODEL = backprop.NumpyMLP([2, 3, 1])
_X, _Y = np.zeros((4, 2)), np.zeros((4, 1))


def _fit(**changes):
    arguments = {"epochs": 1, "batch_size": 2, "lr": 0.1, **changes}
    return lambda: backprop.NumpyMLP([2, 3, 1]).fit(_X, _Y, **arguments)


@pytest.mark.parametrize(("call", "error", "argument"), [
    (lambda: backprop.NumpyMLP([2, 1], activation="softmax"), ValueError, "activation"),
    (lambda: backprop.NumpyMLP([2, 1], activation=None), TypeError, "activation"),
    (lambda: backprop.NumpyMLP([2, 1], seed="zero"), TypeError, "seed"),
    (lambda: backprop.NumpyMLP([2, 1], loss="hinge"), ValueError, "loss"),
    (lambda: backprop.NumpyMLP([2, 1], loss=None), TypeError, "loss"),
    (lambda: backprop.NumpyMLP([2, 1], activation="tanh", loss="cross_entropy"), ValueError, "loss"),
    (lambda: backprop.NumpyMLP([2, 1], loss="cross_entropy").loss(_X, np.full((4, 1), 2.0)), ValueError, "Y"),
    (lambda: _MODEL.predict(np.zeros((4, 3))), ValueError, "X"),
    (lambda: _MODEL.predict(np.zeros(2)), ValueError, "X"),
    (lambda: _MODEL.predict(np.array([[0.0, np.nan]])), ValueError, "X"),
    (lambda: _MODEL.predict(np.zeros((0, 2))), ValueError, "X"),
    (lambda: _MODEL.predict("inputs"), TypeError, "X"),
    (lambda: _MODEL.fit(_X, np.zeros((3, 1)), epochs=1, batch_size=2, lr=0.1), ValueError, "Y"),
    (lambda: _MODEL.fit(_X, np.full((4, 1), np.inf), epochs=1, batch_size=2, lr=0.1), ValueError, "Y"),
    (lambda: _MODEL.loss(_X, np.zeros(4)), ValueError, "Y"),
    (_fit(epochs=0), ValueError, "epochs"),
    (_fit(epochs=10**9), ValueError, "epochs"),
    (_fit(batch_size=0), ValueError, "batch_size"),
    (_fit(batch_size=5), ValueError, "batch_size"),
    (_fit(lr=-1.0), ValueError, "lr"),
    (_fit(seed="0"), TypeError, "seed"),
    (lambda: backprop.numerical_gradient(_MODEL, _X, _Y, eps=0.0), ValueError, "eps"),
    (lambda: backprop.minibatches(4, 2, rng=0), TypeError, "rng"),
    (lambda: backprop.largest_difference(([np.zeros(2)], []), ([np.zeros(3)], [])), ValueError, "shapes"),
])
def test_bad_arguments_name_the_argument(call, error, argument):
    with pytest.raises(error, match=rf"\b{argument}\b"):
        call()


# --- the figures of the lecture ---------------------------------------------------------------

@pytest.fixture
def close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")

def test_layer_gradient_rms_is_the_rms_of_each_weight_gradient():
    model, X, Y = _model_and_batch([2, 4, 3, 1], "sigmoid", batch=6)
    grad_w, _ = model.backward(X, Y)
    rms = backprop.layer_gradient_rms(model, X, Y)
    assert rms.shape == (3,)
    np.testing.assert_allclose(rms, [np.sqrt(np.mean(g**2)) for g in grad_w], rtol=1e-12)
    assert rms[1] == pytest.approx(np.linalg.norm(grad_w[1]) / np.sqrt(grad_w[1].size))


def test_deep_sigmoid_gradients_vanish_towards_the_input():
    X, y = toydata.spirals(60, seed=0)
    Y = y[:, None].astype(float)
    deep = [2] + [16] * 8 + [1]
    sigmoid = backprop.layer_gradient_rms(backprop.NumpyMLP(deep, activation="sigmoid"), X, Y)
    relu = backprop.layer_gradient_rms(backprop.NumpyMLP(deep, activation="relu"), X, Y)
    assert sigmoid[-1] > 1000 * sigmoid[0]
    assert relu.max() / relu.min() < sigmoid.max() / sigmoid.min() / 100


def test_plot_gradient_rms_draws_one_bar_group_per_label(close_figures):
    rms = {"sigmoid": np.array([1e-4, 1e-2, 1e-1]), "relu": np.array([0.1, 0.2, 0.3])}
    fig = backprop.plot_gradient_rms(rms, title="t")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_title() == "t"
    assert [c.get_label() for c in ax.containers] == ["sigmoid", "relu"]
    heights = [[bar.get_height() for bar in bars] for bars in ax.containers]
    np.testing.assert_allclose(heights, [rms["sigmoid"], rms["relu"]])
    centres = [bar.get_x() + bar.get_width() / 2 for bar in ax.containers[0]]
    np.testing.assert_allclose(centres, [0.8, 1.8, 2.8])  # left of layers 1, 2, 3
    assert list(ax.get_xticks()) == [1, 2, 3]


def test_plot_loss_curve_and_comparison(close_figures):
    curve = np.array([0.2, 0.1, 0.05, 0.01])
    ax = backprop.plot_loss_curve(curve, title="SGD").axes[0]
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), curve)
    assert ax.get_yscale() == "log" and ax.get_title() == "SGD"
    runs = {"a": (curve, np.array([0.5, 0.6, 0.9, 1.0])), "b": (2 * curve[::-1], np.full(4, 0.7))}
    fig = backprop.plot_loss_comparison(runs, target=0.9)
    left, right = fig.axes
    np.testing.assert_allclose(left.lines[1].get_ydata(), curve[::-1] / curve[-1])
    assert left.get_yscale() == "log"
    assert [line.get_label() for line in right.get_lines()[:2]] == ["a", "b"]
    assert right.get_lines()[2].get_ydata()[0] == 0.9 and "90%" in right.get_title()


def test_plot_decision_panels_titles_each_network_with_its_accuracy(close_figures):
    X, y = toydata.spirals(40, seed=0)
    nets = {"linear": backprop.NumpyMLP([2, 1]), "deep": backprop.NumpyMLP([2, 8, 1], seed=1)}
    fig = backprop.plot_decision_panels(nets, X, y, height=3.0)
    assert len(fig.axes) == 2
    for ax, (label, net) in zip(fig.axes, nets.items()):
        assert ax.get_title() == f"{label}: {np.mean(net.predict(X) == y):.0%} correct"
    assert fig.get_size_inches()[1] == pytest.approx(3.0)


@pytest.mark.parametrize(("call", "error", "argument"), [
    (lambda: backprop.layer_gradient_rms("net", _X, _Y), TypeError, "model"),
    (lambda: backprop.layer_gradient_rms(_MODEL, _X, np.zeros((3, 1))), ValueError, "Y"),
    (lambda: backprop.plot_gradient_rms({}), TypeError, "rms"),
    (lambda: backprop.plot_gradient_rms({"a": [1.0, np.nan]}), ValueError, "rms"),
    (lambda: backprop.plot_gradient_rms({"a": [1.0, 2.0], "b": [1.0]}), ValueError, "rms"),
    (lambda: backprop.plot_gradient_rms({"a": [1.0, 0.0]}), ValueError, "rms"),
    (lambda: backprop.plot_loss_curve([]), ValueError, "epoch_loss"),
    (lambda: backprop.plot_loss_curve([[0.1]]), ValueError, "epoch_loss"),
    (lambda: backprop.plot_loss_comparison([]), TypeError, "runs"),
    (lambda: backprop.plot_loss_comparison({"a": [1.0]}), TypeError, "runs"),
    (lambda: backprop.plot_loss_comparison({"a": ([0.1, 0.2], [0.5])}), ValueError, "runs"),
    (lambda: backprop.plot_loss_comparison({"a": ([0.1], [0.5])}, target=np.nan), ValueError, "target"),
    (lambda: backprop.plot_decision_panels({"a": "net"}, _X, np.zeros(4)), TypeError, "networks"),
    (lambda: backprop.plot_decision_panels({"a": _MODEL}, _X, np.zeros(3)), ValueError, "y"),
    (lambda: backprop.plot_decision_panels({"a": _MODEL}, np.zeros((4, 3)), np.zeros(4)), ValueError, "X"),
])
def test_figure_helpers_check_their_arguments(call, error, argument, close_figures):
    with pytest.raises(error, match=rf"\b{argument}\b"):
        call()
