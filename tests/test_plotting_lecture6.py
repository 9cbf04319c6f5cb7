"""lecturekit.plotting: the batch-loss curve and the confusion matrix of lecture 6."""

import numpy as np
import pytest

from lecturekit import kernels, plotting, training


def test_moving_average():
    np.testing.assert_allclose(plotting.moving_average([1, 2, 3, 4, 5], 2), [1.5, 2.5, 3.5, 4.5])
    np.testing.assert_allclose(plotting.moving_average([1, 2, 3], 3), [2.0])
    np.testing.assert_allclose(plotting.moving_average([4, 2], 1), [4, 2])
    values = np.random.default_rng(0).normal(size=57)
    for window in (1, 5, 57):
        np.testing.assert_allclose(plotting.moving_average(values, window),
                                   np.convolve(values, np.ones(window) / window, mode="valid"), rtol=1e-10)
    with pytest.raises(ValueError, match="window"):
        plotting.moving_average([1, 2, 3], 4)
    with pytest.raises(ValueError, match="window"):
        plotting.moving_average([1, 2, 3], 0)


def test_plot_batch_losses_draws_raw_and_smoothed_curves():
    losses = list(np.linspace(2.0, 0.1, 100))
    histories = {"MLP": losses, "CNN": losses[:30], "short": losses[:4]}
    window = 10
    fig = training.plot_batch_losses(histories, window=window)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 2 * len(histories)  # raw + moving average per model
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for (name, history), raw, smooth, label in zip(histories.items(), lines[::2], lines[1::2], legend):
        np.testing.assert_array_equal(raw.get_ydata(), history)
        np.testing.assert_array_equal(raw.get_xdata(), np.arange(1, len(history) + 1))  # batches from 1
        size = min(window, len(history))  # a history shorter than the window is averaged whole
        # each point is the mean of the `size` batches up to and including its own
        for batch, mean in zip(smooth.get_xdata(), smooth.get_ydata()):
            assert mean == pytest.approx(np.mean(history[batch - size:batch]))
        assert smooth.get_xdata()[-1] == len(history)
        assert smooth.get_color() == raw.get_color()
        assert label.startswith(name) and str(size) in label
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="histories"):
        training.plot_batch_losses({})


def test_plot_confusion_matrix_writes_the_counts():
    matrix = np.array([[5, 1], [0, 7]])
    fig = training.plot_confusion_matrix(matrix, title="test")
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["1", "5", "7"]  # zero cells stay empty
    with pytest.raises(ValueError, match="square"):
        training.plot_confusion_matrix(np.zeros((2, 3)))


def test_show_kernels_centres_the_colours_on_zero():
    panels = [np.array([[1.0, -2.0], [0.0, 0.5]]), np.zeros((3, 3)), np.ones((5, 4))]
    fig = kernels.show_kernels(panels, ["a", "b", "c"], ncols=2)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 3 and len(fig.axes) == 4
    assert images[0].get_clim() == (-2.0, 2.0)
    assert images[1].get_clim() == (-1.0, 1.0)  # an all-zero panel still gets a valid range
    assert images[2].get_array().shape == (5, 4)
    with pytest.raises(ValueError, match="titles"):
        kernels.show_kernels(panels, ["a"])
    with pytest.raises(ValueError, match="kernels"):
        kernels.show_kernels([])
