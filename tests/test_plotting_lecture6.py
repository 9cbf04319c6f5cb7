"""lecturekit.plotting: the batch-loss curve and the confusion matrix of lecture 6."""

import numpy as np
import pytest

from lecturekit import kernels, plotting


def test_moving_average():
    np.testing.assert_allclose(plotting.moving_average([1, 2, 3, 4, 5], 2), [1.5, 2.5, 3.5, 4.5])
    np.testing.assert_allclose(plotting.moving_average([1, 2, 3], 3), [2.0])
    np.testing.assert_allclose(plotting.moving_average([4, 2], 1), [4, 2])
    with pytest.raises(ValueError, match="window"):
        plotting.moving_average([1, 2, 3], 4)
    with pytest.raises(ValueError, match="window"):
        plotting.moving_average([1, 2, 3], 0)


def test_plot_batch_losses_draws_raw_and_smoothed_curves():
    losses = list(np.linspace(2.0, 0.1, 100))
    fig = plotting.plot_batch_losses({"MLP": losses, "CNN": losses[:30]}, window=10)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 4  # raw + moving average per model
    assert len(lines[1].get_xdata()) == 91 and len(lines[3].get_xdata()) == 21
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "MLP (mean of 10 batches)", "CNN (mean of 10 batches)"]
    with pytest.raises(ValueError, match="histories"):
        plotting.plot_batch_losses({})


def test_plot_confusion_matrix_writes_the_counts():
    matrix = np.array([[5, 1], [0, 7]])
    fig = plotting.plot_confusion_matrix(matrix, title="test")
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["1", "5", "7"]  # zero cells stay empty
    with pytest.raises(ValueError, match="square"):
        plotting.plot_confusion_matrix(np.zeros((2, 3)))


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
