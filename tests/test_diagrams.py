"""lecturekit.diagrams: the right number of nodes and edges, labels, and clear errors."""

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.collections import LineCollection

from lecturekit import diagrams

matplotlib.use("Agg")


def _edges(fig):
    collections = [c for ax in fig.axes for c in ax.collections if isinstance(c, LineCollection)]
    assert len(collections) == 1
    return len(collections[0].get_segments())


@pytest.mark.parametrize("sizes", [[2, 1], [2, 4, 4, 2], [3, 5, 1], [1, 10, 10, 1]])
def test_nodes_and_edges(sizes):
    fig = diagrams.draw_network(sizes)
    assert diagrams.node_count(fig) == sum(sizes)
    assert _edges(fig) == sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    plt.close(fig)


def test_large_layers_are_abbreviated():
    fig = diagrams.draw_network([784, 100, 10])
    drawn = diagrams.MAX_DRAWN - 2
    assert diagrams.node_count(fig) == drawn + drawn + 10
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "input\n(784)" in texts and "output\n(10)" in texts
    assert texts.count("\u22ee") == 2
    plt.close(fig)


def test_default_and_custom_labels_and_title():
    fig = diagrams.draw_network([2, 4, 4, 2], title="A network")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["input\n(2)", "hidden 1\n(4)", "hidden 2\n(4)", "output\n(2)"]
    assert fig.axes[0].get_title() == "A network"
    fig = diagrams.draw_network([2, 3, 1], labels=["x", "h", "y"])
    assert [t.get_text() for t in fig.axes[0].texts] == ["x\n(2)", "h\n(3)", "y\n(1)"]
    assert diagrams.default_labels([2, 3, 1]) == ["input", "hidden", "output"]
    plt.close("all")


def test_draws_into_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    returned = diagrams.draw_network([2, 2, 1], ax=right)
    assert returned is fig
    assert len(left.patches) == 0 and len(right.patches) == 5
    plt.close(fig)


def test_parameter_count():
    assert diagrams.parameter_count([2, 4, 4, 2]) == 2 * 4 + 4 + 4 * 4 + 4 + 4 * 2 + 2
    assert diagrams.parameter_count([784, 100, 10]) == 79_510


@pytest.mark.parametrize(
    ("sizes", "error"),
    [
        ([], ValueError),
        ([3], ValueError),
        ([2, 0, 1], ValueError),
        ([2, -3, 1], ValueError),
        ([2, 2.5, 1], TypeError),
        ([2, True, 1], TypeError),
        ("241", TypeError),
        (5, TypeError),
        ([2, 10**6, 1], ValueError),
        ([2] * 13, ValueError),
    ],
)
def test_bad_sizes(sizes, error):
    with pytest.raises(error, match="sizes"):
        diagrams.draw_network(sizes)


def test_bad_labels_and_title():
    with pytest.raises(ValueError, match="labels"):
        diagrams.draw_network([2, 3, 1], labels=["a", "b"])
    with pytest.raises(TypeError, match="labels"):
        diagrams.draw_network([2, 3, 1], labels="abc")
    with pytest.raises(TypeError, match="title"):
        diagrams.draw_network([2, 3, 1], title=3)
