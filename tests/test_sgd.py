"""lecturekit.sgd: gradients, the learning-rate threshold, batch sizes, clear errors."""

import matplotlib
import matplotlib.pyplot as plt
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


# --- the update rules: plain gradient descent, momentum and Adam ------------------------------

def _torch_steps(optimizer_class, gradients, start, **options):
    """The parameters after each step of a torch optimizer fed the given gradients."""
    import torch

    params = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = optimizer_class([params], **options)
    history = []
    for grad in gradients:
        params.grad = torch.tensor(grad, dtype=torch.float64)
        optimizer.step()
        history.append(params.detach().numpy().copy())
    return history


def _our_steps(optimizer, gradients, start, **options):
    params, state = np.array(start), sgd.initial_state(optimizer, len(start))
    history = []
    for grad in gradients:
        params, state = sgd.OPTIMIZERS[optimizer](params, grad, state, **options)
        history.append(params)
    return history


@pytest.mark.parametrize(
    ("optimizer", "torch_name", "options"),
    [
        ("sgd", "SGD", {"lr": 0.1}),
        ("momentum", "SGD", {"lr": 0.05, "momentum": 0.9}),
        ("adam", "Adam", {"lr": 0.01}),
    ],
)
def test_update_rules_match_torch(optimizer, torch_name, options):
    import torch

    rng = np.random.default_rng(7)
    gradients = rng.standard_normal((40, 3)) * np.array([1.0, 10.0, 0.01])   # very different sizes
    start = rng.standard_normal(3)
    expected = _torch_steps(getattr(torch.optim, torch_name), gradients, start, **options)
    ours = _our_steps(optimizer, gradients, start, lr=options["lr"])
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-13)


def test_momentum_adds_up_consistent_gradients_and_adam_takes_steps_of_about_lr():
    grad = np.array([2.0, -0.001])
    params, velocity = np.zeros(2), sgd.initial_state("momentum", 2)
    for _ in range(200):
        params, velocity = sgd.momentum_step(params, grad, velocity, lr=0.01)
    np.testing.assert_allclose(velocity, grad / (1 - 0.9), rtol=1e-9)   # up to 1 / (1 - beta) steps
    params, state = np.zeros(2), sgd.initial_state("adam", 2)
    params, state = sgd.adam_step(params, grad, state, lr=0.01)
    # the bias-corrected first step is lr in every coordinate, whatever the gradient's size
    np.testing.assert_allclose(params, [-0.01, 0.01], rtol=1e-5)
    assert state[2] == 1


def test_curvatures_and_best_cost():
    curv = sgd.curvatures(X)
    design = np.column_stack([X, np.ones(len(X))])
    np.testing.assert_allclose(curv, np.linalg.eigvalsh(design.T @ design / len(X)), rtol=1e-12)
    assert sgd.max_stable_learning_rate(X) == pytest.approx(2 / curv[-1])
    # stretching one input by 10 multiplies its curvature by about 100, the lowest cost stays
    stretched = X * np.array([1.0, 10.0])
    assert sgd.curvatures(stretched)[-1] > 50 * curv[-1]
    assert sgd.best_cost(stretched, Y) == pytest.approx(sgd.best_cost(X, Y), rel=1e-9)
    long_run = sgd.run_sgd(X, Y, lr=0.5 * sgd.max_stable_learning_rate(X), batch_size=len(Y), epochs=300)
    assert long_run.costs.min() >= sgd.best_cost(X, Y) * (1 - 1e-12)
    assert long_run.costs[-1] == pytest.approx(sgd.best_cost(X, Y), rel=1e-9)


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_run_with_an_optimizer_keeps_the_contract(optimizer):
    run = sgd.run_sgd(X, Y, lr=0.05, batch_size=30, epochs=3, seed=2, optimizer=optimizer)
    assert run.optimizer == optimizer and run.lr == 0.05
    assert len(run.losses) == len(run.costs) - 1 == 3 * run.updates_per_epoch
    # the full data as one batch: the loss before each step is the cost before it
    full = sgd.run_sgd(X, Y, lr=0.05, batch_size=len(Y), epochs=20, optimizer=optimizer)
    np.testing.assert_allclose(full.losses, full.costs[:-1], rtol=1e-12)
    # and the run is the update rule applied to the gradients of the cost
    params, state = np.zeros(3), sgd.initial_state(optimizer, 3)
    for _ in range(20):
        grad_w, grad_b = sgd.gradients(params[:2], params[2], X, Y)
        params, state = sgd.OPTIMIZERS[optimizer](params, np.append(grad_w, grad_b), state, lr=0.05)
    np.testing.assert_allclose(full.weights, params[:2], rtol=1e-12)
    assert full.bias == pytest.approx(params[2], rel=1e-12)


def test_updates_to_and_fastest_run():
    target = 1.01 * sgd.best_cost(X, Y)
    rates = [0.01, 0.1, 0.5, 3.0]
    runs = {lr: sgd.run_sgd(X, Y, lr=lr, batch_size=len(Y), epochs=100) for lr in rates}
    for run in runs.values():
        reached = run.updates_to(target)
        if reached is None:
            assert np.all(run.costs > target)
        else:
            assert run.costs[reached] <= target and np.all(run.costs[:reached] > target)
    fastest = sgd.fastest_run(X, Y, optimizer="sgd", rates=np.array(rates), threshold=target, steps=100)
    counts = {lr: run.updates_to(target) for lr, run in runs.items() if run.updates_to(target) is not None}
    assert fastest.lr == min(counts, key=counts.get)
    assert fastest.updates_to(target) == min(counts.values())
    with pytest.raises(ValueError, match="threshold"):
        sgd.fastest_run(X, Y, optimizer="sgd", rates=[0.001], threshold=target, steps=5)
    with pytest.raises(ValueError, match="rates"):
        sgd.fastest_run(X, Y, optimizer="sgd", rates=[], threshold=target, steps=5)


def test_momentum_and_adam_beat_plain_descent_in_a_narrow_valley():
    # lecture 2's comparison: the second input stretched by 10 makes the bowl a narrow valley
    valley = X * np.array([1.0, 10.0])
    target = 1.01 * sgd.best_cost(X, Y)
    rates = np.geomspace(0.001, 10, 17)
    steps = {opt: sgd.fastest_run(valley, Y, optimizer=opt, rates=rates, threshold=target,
                                  steps=500).updates_to(target) for opt in sgd.OPTIMIZERS}
    assert steps["momentum"] < steps["sgd"] / 2 and steps["adam"] < steps["sgd"] / 2
    fastest_plain = sgd.fastest_run(valley, Y, optimizer="sgd", rates=rates, threshold=target, steps=500)
    assert fastest_plain.lr < sgd.max_stable_learning_rate(valley)


def test_bad_optimizer():
    with pytest.raises(ValueError, match="optimizer"):
        sgd.run_sgd(X, Y, lr=0.1, batch_size=10, epochs=1, optimizer="rmsprop")
    with pytest.raises(ValueError, match="optimizer"):
        sgd.initial_state("nesterov", 3)


def test_plot_costs_above_the_minimum():
    best = sgd.best_cost(X, Y)
    runs = {"plain": sgd.run_sgd(X, Y, lr=0.5, batch_size=len(Y), epochs=100)}
    ax = sgd.plot_costs(runs, minimum=best).axes[0]
    shown = ax.lines[0].get_ydata()
    np.testing.assert_allclose(shown, np.maximum(runs["plain"].costs - best, 1e-16))
    assert shown.min() > 0 and "min" in ax.get_ylabel()


def _races():
    best = sgd.best_cost(X, Y)
    goal = 1.01 * best
    runs = {problem: {name: sgd.run_sgd(data, Y, lr=lr, batch_size=len(Y), epochs=200,
                                        optimizer=opt)
                      for name, opt, lr in (("plain", "sgd", 0.5), ("Adam", "adam", 0.1))}
            for problem, data in (("round", X), ("narrow", X * np.array([1.0, 10.0])))}
    return runs, best, goal


def test_steps_table_counts_the_updates_to_the_goal():
    runs, _, goal = _races()
    lines = sgd.steps_table(runs, goal).splitlines()
    assert lines[0].split() == ["steps", "(eta)", "round", "narrow"]
    assert [line.split()[0] for line in lines[1:]] == ["plain", "Adam"]
    plain = runs["round"]["plain"]
    assert lines[1].split()[1:3] == [str(plain.updates_to(goal)), f"({plain.lr:.2g})"]
    never = sgd.steps_table({"round": {"plain": runs["round"]["plain"]}}, -1.0)
    assert never.splitlines()[1].split() == ["plain", "-"]
    with pytest.raises(TypeError, match="runs"):
        sgd.steps_table({}, goal)
    with pytest.raises(TypeError, match=r"runs\['round'\]\['x'\]"):
        sgd.steps_table({"round": {"x": 3}}, goal)


def test_plot_races_one_panel_per_problem():
    runs, best, goal = _races()
    fig = sgd.plot_races(runs, minimum=best, goal=goal)
    assert [ax.get_title() for ax in fig.axes] == ["round: cost above its minimum",
                                                   "narrow: cost above its minimum"]
    for ax, inner in zip(fig.axes, runs.values()):
        assert [line.get_label() for line in ax.lines[:2]] == list(inner)
        assert ax.lines[-1].get_ydata()[0] == pytest.approx(goal - best)  # the goal, dotted
    with pytest.raises(ValueError, match="goal"):
        sgd.plot_races(runs, minimum=best, goal=best)
    with pytest.raises(TypeError, match="runs"):
        sgd.plot_races({"round": []}, minimum=best, goal=goal)
    plt.close("all")


def test_plot_batch_runs_per_epoch_and_per_update():
    runs = {f"batch {size}": sgd.run_sgd(X, Y, lr=0.1, batch_size=size, epochs=2)
            for size in (10, 120)}
    left, right = sgd.plot_batch_runs(runs).axes
    assert left.get_xlabel() == "epochs" and right.get_xscale() == "log"
    np.testing.assert_allclose(right.lines[0].get_xdata(), np.arange(len(runs["batch 10"].costs)))
    with pytest.raises(TypeError, match="runs"):
        sgd.plot_batch_runs([])
    plt.close("all")
