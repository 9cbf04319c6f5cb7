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


def _nodes_per_layer(fig, layers):
    gids = [patch.get_gid() for ax in fig.axes for patch in ax.patches]
    return [gids.count(f"node-{layer}") for layer in range(layers)]


def test_large_layers_are_abbreviated():
    sizes = [784, 100, 10]
    fig = diagrams.draw_network(sizes)
    drawn = _nodes_per_layer(fig, len(sizes))
    assert diagrams.node_count(fig) == sum(drawn)
    for size, count in zip(sizes, drawn):
        if size <= diagrams.MAX_DRAWN:
            assert count == size  # small layers in full
        else:
            assert 2 <= count <= diagrams.MAX_DRAWN  # the first and last few nodes
    assert _edges(fig) == sum(a * b for a, b in zip(drawn[:-1], drawn[1:]))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "input\n(784)" in texts and "output\n(10)" in texts
    assert texts.count("\u22ee") == sum(size > diagrams.MAX_DRAWN for size in sizes)
    plt.close(fig)


@pytest.mark.parametrize("sizes", [[2, 1], [2, 3, 1], [2, 4, 4, 2], [3, 5, 5, 5, 1]])
def test_default_labels_name_input_hidden_and_output(sizes):
    labels = diagrams.default_labels(sizes)
    assert len(labels) == len(sizes)
    assert labels[0] == "input" and labels[-1] == "output"
    assert all(label.startswith("hidden") for label in labels[1:-1])
    assert len(set(labels)) == len(labels)  # several hidden layers get told apart
    fig = diagrams.draw_network(sizes)
    assert [t.get_text() for t in fig.axes[0].texts] == [
        f"{label}\n({size})" for label, size in zip(labels, sizes)]
    plt.close(fig)


def test_custom_labels_and_title():
    fig = diagrams.draw_network([2, 4, 4, 2], title="A network")
    assert fig.axes[0].get_title() == "A network"
    fig = diagrams.draw_network([2, 3, 1], labels=["x", "h", "y"])
    assert [t.get_text() for t in fig.axes[0].texts] == ["x\n(2)", "h\n(3)", "y\n(1)"]
    plt.close("all")


def test_draws_into_given_axes():
    sizes = [2, 2, 1]
    fig, (left, right) = plt.subplots(1, 2)
    returned = diagrams.draw_network(sizes, ax=right)
    assert returned is fig
    assert len(left.patches) == 0 and len(right.patches) == sum(sizes)
    plt.close(fig)


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


def test_height_sets_the_figure_height():
    fig = diagrams.draw_network([784, 16, 10], height=4.2)
    assert fig.get_size_inches()[1] == pytest.approx(4.2)
    assert diagrams.node_count(fig) == 8 + 8 + 10  # abbreviated layers: 8 nodes and an ellipsis
    with pytest.raises(ValueError, match="height"):
        diagrams.draw_network([2, 1], height=0.5)
    with pytest.raises(ValueError, match="height"):
        diagrams.draw_network([2, 1], height=30)
    plt.close("all")
