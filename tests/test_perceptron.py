"""lecturekit.perceptron: the rule converges on separable data, never on XOR; clear errors."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lecturekit import perceptron, toydata

matplotlib.use("Agg")


def _blobs():
    X, y = toydata.separable_blobs(60, gap=0.5, seed=0)
    return X + np.array([1.5, 0.5]), y  # off the origin, so the bias has to be learned


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("shuffle", [True, False])
def test_converges_on_separable_data(seed, shuffle):
    X, y = toydata.separable_blobs(80, gap=0.4, seed=seed)
    model = perceptron.Perceptron(shuffle=shuffle, seed=seed).fit(X + 1.0, y, epochs=100)
    assert model.converged
    assert np.array_equal(model.predict(X + 1.0), y)
    assert model.history[-1].accuracy == 1.0
    assert model.history[-1].mistakes == 0


def test_never_separates_xor():
    X, y = toydata.xor()
    for seed in range(5):
        model = perceptron.Perceptron(seed=seed).fit(X, y, epochs=200)
        assert not model.converged
        assert len(model.history) == 200
        assert model.best_accuracy <= 0.75
        assert all(record.mistakes > 0 for record in model.history)


def test_history_records_each_epoch():
    X, y = _blobs()
    model = perceptron.Perceptron().fit(X, y, epochs=50)
    assert [r.epoch for r in model.history] == list(range(1, len(model.history) + 1))
    last = model.history[-1]
    np.testing.assert_array_equal(last.weights, model.weights)
    assert last.bias == model.bias
    for record in model.history:  # each record's accuracy is that of the boundary it stores
        labels = perceptron.linear_predictor(record.weights, record.bias)(X)
        assert record.accuracy == np.mean(labels == y), record
    assert model.converged and last.accuracy == 1.0


def test_keeps_training_without_early_stop():
    X, y = _blobs()
    model = perceptron.Perceptron().fit(X, y, epochs=12, stop_when_converged=False)
    assert len(model.history) == 12 and model.converged


def test_deterministic_and_repr():
    X, y = _blobs()
    a = perceptron.Perceptron().fit(X, y)
    b = perceptron.Perceptron().fit(X, y)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert repr(a) == repr(b)
    assert "0x" not in repr(a) and repr(a).startswith("Perceptron(")
    assert "not fitted" in repr(perceptron.Perceptron())
    assert "accuracy=" in repr(a.history[0])


def test_update_rule():
    weights, bias = perceptron.perceptron_update(np.array([0.5, -1.0]), 0.0, np.array([1.0, 2.0]), 1, 0.5)
    np.testing.assert_allclose(weights, [1.0, 0.0])
    assert bias == 0.5
    same = perceptron.perceptron_update(np.array([1.0, 1.0]), 0.0, np.array([1.0, 2.0]), 1)
    np.testing.assert_array_equal(same[0], [1.0, 1.0])
    assert same[1] == 0.0


def test_predict_labels_and_decision_function():
    X, y = _blobs()
    model = perceptron.Perceptron().fit(X, y)
    labels = model.predict(X)
    assert labels.dtype == np.int64 and set(np.unique(labels)) <= {0, 1}
    np.testing.assert_array_equal(labels, (model.decision_function(X) >= 0).astype(int))


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "error", "argument"),
    [
        (np.zeros((4, 2)), [0, 1, 2, 1], {}, ValueError, "y"),
        (np.zeros((4, 2)), [0, 1, 1], {}, ValueError, "y"),
        (np.zeros(4), [0, 1, 1, 0], {}, ValueError, "X"),
        ([[0.0, np.nan], [1.0, 1.0]], [0, 1], {}, ValueError, "X"),
        (np.zeros((4, 2)), [0, 1, 1, 0], {"epochs": 0}, ValueError, "epochs"),
        (np.zeros((4, 2)), [0, 1, 1, 0], {"epochs": 2.5}, TypeError, "epochs"),
        ("abc", [0, 1, 1, 0], {}, TypeError, "X"),
    ],
)
def test_bad_fit_arguments(X, y, kwargs, error, argument):
    with pytest.raises(error, match=rf"\b{argument}\b"):
        perceptron.Perceptron().fit(X, y, **kwargs)


def test_bad_constructor_and_unfitted_use():
    with pytest.raises(ValueError, match="lr"):
        perceptron.Perceptron(lr=0.0)
    with pytest.raises(TypeError, match="shuffle"):
        perceptron.Perceptron(shuffle=1)
    with pytest.raises(RuntimeError, match="not fitted"):
        perceptron.Perceptron().predict(np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="not fitted"):
        perceptron.Perceptron().best_accuracy  # noqa: B018
    model = perceptron.Perceptron().fit(*_blobs())
    with pytest.raises(ValueError, match="features"):
        model.predict(np.zeros((3, 3)))


def test_plot_boundary_draws_line_and_points():
    X, y = _blobs()
    fig = perceptron.plot_boundary([1.0, 2.0], -1.0, X, y)
    ax = fig.axes[0]
    (line,) = ax.lines  # the boundary: every point of it has w . x + b = 0
    np.testing.assert_allclose(1.0 * line.get_xdata() + 2.0 * line.get_ydata() - 1.0, 0.0, atol=1e-12)
    clouds = {c.get_label(): np.asarray(c.get_offsets()) for c in ax.collections}
    for label in (0, 1):  # every sample is drawn, in the cloud of its class
        np.testing.assert_array_equal(clouds[f"class {label}"], X[y == label])
    assert "w = (1, 2)" in ax.get_title()
    vertical = perceptron.plot_boundary([1.0, 0.0], -1.0, X, y)
    (line,) = vertical.axes[0].lines
    np.testing.assert_allclose(line.get_xdata(), 1.0)  # x1 = -b / w1
    with pytest.raises(ValueError, match="2 features"):
        perceptron.plot_boundary([1.0, 2.0, 3.0], 0.0, np.zeros((3, 3)), [0, 1, 0])


def test_plot_epochs_one_panel_per_epoch():
    X, y = _blobs()
    model = perceptron.Perceptron().fit(X, y)
    fig = perceptron.plot_epochs(model, X, y, ncols=3)
    titled = [ax for ax in fig.axes if ax.get_title()]
    assert len(titled) == len(model.history)
    assert titled[-1].get_title().endswith("100%")
    with pytest.raises(TypeError, match="Perceptron"):
        perceptron.plot_epochs("model", X, y)
    with pytest.raises(RuntimeError):
        perceptron.plot_epochs(perceptron.Perceptron(), X, y)


def test_best_record_is_the_first_best_epoch():
    X, y = toydata.xor()
    model = perceptron.Perceptron(seed=0).fit(X, y, epochs=100)
    best = model.best_record
    assert best.accuracy == model.best_accuracy == max(r.accuracy for r in model.history)
    assert all(r.accuracy < best.accuracy for r in model.history[:best.epoch - 1])
    with pytest.raises(RuntimeError, match="not fitted"):
        perceptron.Perceptron().best_record  # noqa: B018


def test_plot_boundaries_one_panel_per_setting():
    X, y = _blobs()
    settings = [([1.0, 0.0], -1.0), ([1.0, 1.0], -2.0)]
    fig = perceptron.plot_boundaries(settings, X, y)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == [
        perceptron.plot_boundary(w, b, X, y).axes[0].get_title() for w, b in settings]
    assert fig.axes[1].get_ylabel() == ""  # the panels share the y-axis
    assert fig.get_size_inches()[0] <= 13.0
    with pytest.raises(TypeError, match="settings"):
        perceptron.plot_boundaries([], X, y)
    with pytest.raises(TypeError, match=r"settings\[1\]"):
        perceptron.plot_boundaries([([1.0, 0.0], -1.0), ([1.0, 0.0], -1.0, 2.0)], X, y)
    with pytest.raises(ValueError, match=r"settings\[0\] weights"):
        perceptron.plot_boundaries([([1.0, 0.0, 2.0], -1.0)], X, y)
    with pytest.raises(ValueError, match=r"\by\b"):
        perceptron.plot_boundaries(settings, X, y[:-1])
    plt.close("all")


def test_boundary_explorer_sliders_redraw_the_line():
    X, y = _blobs()
    box = perceptron.boundary_explorer(X, y, weights=[1.0, 1.0], bias=-2.0)
    sliders, output = box.children
    assert [s.description for s in sliders.children] == ["w1", "w2", "b"]
    assert [s.value for s in sliders.children] == [1.0, 1.0, -2.0]
    assert [(s.min, s.max) for s in sliders.children] == [(-3.0, 3.0), (-3.0, 3.0), (-6.0, 6.0)]
    with pytest.raises(ValueError, match="2 features"):
        perceptron.boundary_explorer(np.zeros((3, 3)), [0, 1, 0])
    with pytest.raises(ValueError, match="bias"):
        perceptron.boundary_explorer(X, y, bias=7.0)
    with pytest.raises(ValueError, match="NaN|finite"):
        perceptron.boundary_explorer(np.full((3, 2), np.nan), [0, 1, 0])


def test_plot_history_marks_the_best_epoch():
    X, y = toydata.xor()
    model = perceptron.Perceptron(seed=0).fit(X, y, epochs=100)
    fig = perceptron.plot_history(model, X, y)
    left, right = fig.axes
    np.testing.assert_allclose(left.lines[0].get_ydata(), [r.accuracy for r in model.history])
    assert left.lines[1].get_ydata()[0] == model.best_accuracy  # the dashed line at the best
    assert f"epoch {model.best_record.epoch}" in right.get_title()
    with pytest.raises(TypeError, match="Perceptron"):
        perceptron.plot_history("model", X, y)
    with pytest.raises(RuntimeError, match="not fitted"):
        perceptron.plot_history(perceptron.Perceptron(), X, y)
    plt.close("all")


def test_plot_epochs_fits_a_row_on_a_slide():
    X, y = _blobs()
    model = perceptron.Perceptron().fit(X, y)
    width, height = perceptron.plot_epochs(model, X, y, ncols=len(model.history)).get_size_inches()
    assert width <= 12.0 + 1e-9 and height < width
    plt.close("all")
