"""lecturekit.sgd: gradients, the learning-rate threshold, batch sizes, clear errors."""

import matplotlib
import numpy as np
import pytest

from lecturekit import sgd

matplotlib.use("Agg")

X, Y = sgd.linear_data(120, seed=1)


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    weights, bias = rng.standard_normal(2), 0.3
    grad_w, grad_b = sgd.gradients(weights, bias, X, Y)
    h = 1e-6
    for i in range(2):
        step = np.eye(2)[i] * h
        numeric = (sgd.cost(weights + step, bias, X, Y) - sgd.cost(weights - step, bias, X, Y)) / (2 * h)
        assert grad_w[i] == pytest.approx(numeric, rel=1e-6)
    numeric_b = (sgd.cost(weights, bias + h, X, Y) - sgd.cost(weights, bias - h, X, Y)) / (2 * h)
    assert grad_b == pytest.approx(numeric_b, rel=1e-6)


def test_full_batch_converges_below_and_diverges_above_the_threshold():
    limit = sgd.max_stable_learning_rate(X)
    solution = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), Y, rcond=None)[0]
    best = sgd.cost(solution[:2], solution[2], X, Y)
    good = sgd.run_sgd(X, Y, lr=0.5 * limit, batch_size=len(Y), epochs=200)
    assert not good.diverged and good.costs[-1] == pytest.approx(best, rel=1e-6)
    bad = sgd.run_sgd(X, Y, lr=1.2 * limit, batch_size=len(Y), epochs=500)
    assert bad.diverged and bad.costs[-1] > sgd.DIVERGED
    assert len(bad.costs) < 501


def test_small_learning_rate_is_slow():
    slow = sgd.run_sgd(X, Y, lr=0.01, batch_size=len(Y), epochs=20)
    fast = sgd.run_sgd(X, Y, lr=0.5, batch_size=len(Y), epochs=20)
    assert slow.costs[-1] > 5 * fast.costs[-1]
    assert np.all(np.diff(slow.costs) < 0)


def _replay(X, y, *, lr, batch_size, epochs, seed):
    """Minibatch SGD written out again, independently of sgd.run_sgd: every batch's loss before
    its step and the cost on all the data after it."""
    rng = np.random.default_rng(seed)
    weights, bias = np.zeros(X.shape[1]), 0.0
    losses, costs = [], [sgd.cost(weights, bias, X, y)]
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for batch in np.array_split(order, np.arange(batch_size, len(y), batch_size)):
            residual = X[batch] @ weights + bias - y[batch]
            losses.append(0.5 * np.mean(residual**2))
            weights = weights - lr * X[batch].T @ residual / len(batch)
            bias = bias - lr * np.mean(residual)
            costs.append(sgd.cost(weights, bias, X, y))
    return losses, costs


@pytest.mark.parametrize("batch_size", [25, 1, 120, 7])
def test_run_matches_minibatch_sgd_written_out(batch_size):
    run = sgd.run_sgd(X, Y, lr=0.05, batch_size=batch_size, epochs=3, seed=4)
    losses, costs = _replay(X, Y, lr=0.05, batch_size=batch_size, epochs=3, seed=4)
    assert len(run.losses) == len(losses) == 3 * run.updates_per_epoch
    np.testing.assert_allclose(run.losses, losses, rtol=1e-12)
    np.testing.assert_allclose(run.costs, costs, rtol=1e-12)


def test_runs_are_deterministic():
    run = sgd.run_sgd(X, Y, lr=0.05, batch_size=25, epochs=3, seed=4)
    again = sgd.run_sgd(X, Y, lr=0.05, batch_size=25, epochs=3, seed=4)
    np.testing.assert_array_equal(run.costs, again.costs)
    assert repr(run) == repr(again) and "0x" not in repr(run)
    other = sgd.run_sgd(X, Y, lr=0.05, batch_size=25, epochs=3, seed=5)
    assert not np.array_equal(run.costs, other.costs), "the seed must change the batches"


def test_linear_data_is_deterministic_and_linear():
    a = sgd.linear_data(10, seed=3)
    b = sgd.linear_data(10, seed=3)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert a[0].shape == (10, 2) and a[1].shape == (10,)
    X3, y3 = sgd.linear_data(50, weights=(1.5, -2.0, 0.25), bias=-0.7, noise=0.0, seed=2)
    np.testing.assert_allclose(y3, X3 @ np.array([1.5, -2.0, 0.25]) - 0.7, rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": float("nan")}, ValueError, "lr"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 1000}, ValueError, "batch_size"),
        ({"batch_size": 2.0}, TypeError, "batch_size"),
        ({"epochs": -1}, ValueError, "epochs"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    arguments = {"lr": 0.1, "batch_size": 10, "epochs": 2, **kwargs}
    with pytest.raises(error, match=match):
        sgd.run_sgd(X, Y, **arguments)


def test_bad_data():
    with pytest.raises(ValueError, match=r"\by\b"):
        sgd.run_sgd(X, Y[:-1], lr=0.1, batch_size=10, epochs=1)
    with pytest.raises(ValueError, match=r"\bX\b"):
        sgd.run_sgd(X[:, 0], Y, lr=0.1, batch_size=10, epochs=1)


def test_plot_costs():
    runs = {"a": sgd.run_sgd(X, Y, lr=0.1, batch_size=10, epochs=2),
            "b": sgd.run_sgd(X, Y, lr=3.0, batch_size=120, epochs=50)}
    fig = sgd.plot_costs(runs, per_epoch=True, title="t")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epochs"
    for line, run in zip(ax.lines, runs.values()):  # the cost after every update, against epochs
        np.testing.assert_allclose(line.get_ydata(), np.minimum(run.costs, sgd.DIVERGED))
        np.testing.assert_allclose(line.get_xdata(), np.arange(len(run.costs)) / run.updates_per_epoch)
    assert ax.lines[0].get_xdata()[-1] == pytest.approx(2.0)
    with pytest.raises(TypeError, match="runs"):
        sgd.plot_costs({})
    with pytest.raises(TypeError, match="SGDRun"):
        sgd.plot_costs({"a": [1, 2]})


def test_losses_are_the_batch_cost_before_each_update():
    full = sgd.run_sgd(X, Y, lr=0.1, batch_size=len(Y), epochs=5)
    np.testing.assert_allclose(full.losses, full.costs[:-1], rtol=1e-12)
    small = sgd.run_sgd(X, Y, lr=0.1, batch_size=10, epochs=2, seed=3)
    first = np.random.default_rng(3).permutation(len(Y))[:10]
    assert len(small.losses) == 2 * small.updates_per_epoch
    assert small.losses[0] == sgd.cost(np.zeros(X.shape[1]), 0.0, X[first], Y[first])
