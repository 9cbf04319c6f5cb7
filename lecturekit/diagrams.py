"""Diagrams of fully connected networks, drawn with matplotlib (lecture 2).

``draw_network([2, 4, 4, 2])`` draws every network diagram of the collection: one column
of nodes per layer, an edge from every node to every node of the next layer, and a label
under each column (input, hidden, output) with its size. A layer with more than
``MAX_DRAWN`` units is drawn with its first and last few nodes and a vertical ellipsis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lecturekit._checks import check_real
from lecturekit._checks import check_sizes as check_network_sizes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_DRAWN = 10  # layers larger than this are drawn abbreviated
MAX_LAYERS = 12  # most layers (input and output included) drawn side by side

NODE_RADIUS = 0.28
LAYER_COLORS = {"input": "#9ecae1", "hidden": "#d9d9d9", "output": "#fdae6b"}


def check_sizes(sizes: Sequence[int]) -> list[int]:
    """Layer sizes that can be drawn: a valid network of at most ``MAX_LAYERS`` layers (lecture 2)."""
    sizes = check_network_sizes("sizes", sizes)
    if len(sizes) > MAX_LAYERS:
        raise ValueError(f"sizes must list at most {MAX_LAYERS} layers to be drawn, got {len(sizes)}")
    return sizes


def default_labels(sizes: Sequence[int]) -> list[str]:
    """``["input", "hidden 1", ..., "output"]`` for a network with these sizes (lecture 2)."""
    sizes = check_sizes(sizes)
    hidden = len(sizes) - 2
    names = [f"hidden {i}" if hidden > 1 else "hidden" for i in range(1, hidden + 1)]
    return ["input", *names, "output"]


def _drawn_rows(size: int) -> tuple[list[float], bool]:
    """Vertical positions of the nodes drawn for a layer, and whether it is abbreviated."""
    if size <= MAX_DRAWN:
        return [(size - 1) / 2 - i for i in range(size)], False
    half = MAX_DRAWN // 2 - 1  # nodes drawn at each end; one slot each side of the ellipsis
    top = [MAX_DRAWN / 2 - i for i in range(half)]
    return top + [-y for y in reversed(top)], True


def draw_network(sizes: Sequence[int], *, labels: Sequence[str] | None = None, ax: Axes | None = None,
                 title: str | None = None, height: float | None = None) -> Figure:
    """Draw a fully connected network with the given layer sizes and return the figure (lecture 2).

    ``labels`` names the layers (default input, hidden ..., output); each label is shown
    under its column together with the layer size. With ``ax`` the diagram is drawn there;
    otherwise on a new figure ``height`` inches tall (default: from the largest layer drawn).
    Raises ``TypeError``/``ValueError`` for sizes that are not 2 to 12 positive ints up to
    100,000, or labels that do not match the layers.
    """
    sizes = check_sizes(sizes)
    if labels is None:
        labels = default_labels(sizes)
    elif isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError("labels must be a list of strings, one per layer")
    elif len(labels) != len(sizes) or not all(isinstance(label, str) for label in labels):
        raise ValueError(f"labels must hold one string per layer ({len(sizes)}), got {list(labels)!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    if height is not None:
        height = check_real("height", height, minimum=1.0)
        if height > 20:
            raise ValueError(f"height is in inches, at most 20; got {height}")

    from matplotlib.collections import LineCollection
    from matplotlib.patches import Circle

    from lecturekit import plotting

    tallest = max(len(_drawn_rows(size)[0]) for size in sizes)
    if ax is None:
        if height is None:
            height = max(3.5, 0.62 * tallest + 1.6)
        _, ax = plotting.new_figure(width=max(5.0, 2.2 * len(sizes)), height=height)
    columns = [_drawn_rows(size) for size in sizes]
    x_gap = max(2.0, 0.25 * tallest)  # tall columns further apart, so that their labels fit
    segments = []
    for layer in range(len(sizes) - 1):
        for y_from in columns[layer][0]:
            for y_to in columns[layer + 1][0]:
                segments.append([(layer * x_gap, y_from), ((layer + 1) * x_gap, y_to)])
    ax.add_collection(LineCollection(segments, colors="#7f7f7f", linewidths=0.8, alpha=0.7, zorder=1,
                                     gid="edges"))
    bottom = min(min(rows) for rows, _ in columns)
    top = max(max(rows) for rows, _ in columns)
    for layer, ((rows, abbreviated), size, label) in enumerate(zip(columns, sizes, labels)):
        kind = "input" if layer == 0 else "output" if layer == len(sizes) - 1 else "hidden"
        x = layer * x_gap
        for y in rows:
            ax.add_patch(Circle((x, y), NODE_RADIUS, facecolor=LAYER_COLORS[kind], edgecolor="k",
                                linewidth=1.2, zorder=2, gid=f"node-{layer}"))
        if abbreviated:
            ax.text(x, 0.0, "\u22ee", ha="center", va="center", fontsize=20, zorder=3)
        ax.text(x, bottom - 0.75, f"{label}\n({size:,})", ha="center", va="top", fontsize=14)
    ax.set_xlim(-0.8, (len(sizes) - 1) * x_gap + 0.8)
    ax.set_ylim(bottom - 1.9, top + 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax.figure


def node_count(figure: Figure) -> int:
    """Number of nodes drawn by :func:`draw_network` in ``figure`` (lecture 2)."""
    return sum(
        1 for ax in figure.axes for patch in ax.patches
        if (patch.get_gid() or "").startswith("node-")
    )
