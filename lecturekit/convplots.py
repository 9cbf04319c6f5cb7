"""Figures for convolution and pooling: grids with their numbers, kernel galleries, and the
interactive kernel explorer (lectures 4 and 5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lecturekit import kernels as _kernels
from lecturekit._checks import check_array, check_positive_int

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

HIGHLIGHT = "#d62728"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def draw_matrix(ax: Axes, values: Any, *, title: str | None = None, cmap: str = "Blues",
                box: tuple[int, int, int, int] | None = None, fontsize: int = 14) -> Axes:
    """Draw a small matrix as coloured cells with each number written in (lecture 4).

    ``box = (row, col, height, width)`` outlines a block of cells in red.
    """
    from matplotlib.patches import Rectangle

    values = check_array("values", values, ndim=2)
    lo, hi = values.min(), values.max()
    span = (hi - lo) or 1.0
    # Leave head room above the largest value so that no cell gets too dark to read.
    vmin, vmax = lo - 0.05 * span, hi + 0.5 * span
    ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax)
    for (row, col), value in np.ndenumerate(values):
        dark = (value - vmin) / (vmax - vmin) > 0.62
        ax.text(col, row, _number(value), ha="center", va="center", fontsize=fontsize,
                color="white" if dark else "black")
    ax.set_xticks(np.arange(-0.5, values.shape[1], 1), minor=True)
    ax.set_yticks(np.arange(-0.5, values.shape[0], 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    if box is not None:
        row, col, height, width = box
        ax.add_patch(Rectangle((col - 0.5, row - 0.5), width, height, fill=False,
                               edgecolor=HIGHLIGHT, linewidth=4))
    if title:
        ax.set_title(title)
    return ax


def correlation_step(image: Any, kernel: Any, row: int, col: int, *, padding: int = 0) -> Figure:
    """Image, kernel and output side by side, with the patch for output pixel ``(row, col)`` outlined
    (lecture 4)."""
    from lecturekit.plotting import new_figure

    image = _kernels.check_image("image", image)
    kernel = _kernels.check_image("kernel", kernel)
    _, padding = _kernels.check_window(image, kernel.shape, padding=padding)
    output = _kernels.correlate2d(image, kernel, padding=padding)
    row, col = check_positive_int("row", row, minimum=0), check_positive_int("col", col, minimum=0)
    if not (0 <= row < output.shape[0] and 0 <= col < output.shape[1]):
        raise ValueError(f"(row, col) must index the output of shape {output.shape}, got {(row, col)}")
    padded = np.pad(image, padding)
    widths = [padded.shape[1], kernel.shape[1], output.shape[1]]
    fig, axes = new_figure(3, width=12, height=4.2, gridspec_kw={"width_ratios": widths})
    kh, kw = kernel.shape
    draw_matrix(axes[0], padded, title="image" + (" (zero-padded)" if padding else ""),
                box=(row, col, kh, kw))
    draw_matrix(axes[1], kernel, title="kernel", cmap="Oranges")
    draw_matrix(axes[2], output, title="output (feature map)", cmap="Greens", box=(row, col, 1, 1))
    return fig


def pooling_figure(x: Any, size: int, *, stride: int | None = None) -> Figure:
    """A grid and its max- and mean-pooled versions, the pooling windows outlined (lecture 5)."""
    from matplotlib.patches import Rectangle

    from lecturekit.plotting import new_figure

    x = _kernels.check_image("x", x)
    size = check_positive_int("size", size, maximum=_kernels.MAX_SIDE)
    stride, _ = _kernels.check_window(x, (size, size), stride=size if stride is None else stride)
    pooled = {mode: _kernels.pool2d(x, size, stride=stride, mode=mode) for mode in _kernels.POOL_MODES}
    widths = [x.shape[1], pooled["max"].shape[1], pooled["mean"].shape[1]]
    fig, axes = new_figure(3, width=12, height=4.4, gridspec_kw={"width_ratios": widths})
    draw_matrix(axes[0], x, title=f"input, windows {size}x{size}, stride {stride}")
    draw_matrix(axes[1], pooled["max"], title="max pooling", cmap="Greens")
    draw_matrix(axes[2], pooled["mean"], title="average pooling", cmap="Purples")
    colors = ["#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
              "#7f7f7f"]
    out_rows, out_cols = pooled["max"].shape
    for index, (r, c) in enumerate(np.ndindex(out_rows, out_cols)):
        color = colors[index % len(colors)]
        inset = 0.06
        axes[0].add_patch(Rectangle((c * stride - 0.5 + inset, r * stride - 0.5 + inset), size - 2 * inset,
                                    size - 2 * inset, fill=False, edgecolor=color, linewidth=3.5))
        for ax in axes[1:]:
            ax.add_patch(Rectangle((c - 0.44, r - 0.44), 0.88, 0.88, fill=False, edgecolor=color,
                                   linewidth=3.5))
    return fig


def kernel_gallery(images: Mapping[str, Any], names: Sequence[str], *, size: float = 2.2) -> Figure:
    """Each image filtered by each named kernel of :data:`lecturekit.kernels.KERNELS` (lecture 4).

    One row per image (``images`` maps a row label to a 2-D array), one column per kernel.
    Smoothing kernels are shown in grey levels; edge detectors as their absolute value.
    """
    from lecturekit.plotting import new_figure

    if not images:
        raise ValueError("images must map at least one label to a 2-D array")
    for name in names:
        if name not in _kernels.KERNELS:
            raise ValueError(f"names must be kernels from {sorted(_kernels.KERNELS)}, got {name!r}")
    fig, axes = new_figure(len(names), len(images), width=size * len(names),
                           height=size * len(images) + 0.5, squeeze=False)
    for row, (label, image) in enumerate(images.items()):
        for col, name in enumerate(names):
            ax = axes[row, col]
            out = _kernels.apply_kernel(image, name)
            if _kernels.KERNELS[name].sum() == 0:  # edge detector: strength of the edge
                ax.imshow(np.abs(out), cmap="gray", vmin=0, vmax=np.percentile(np.abs(out), 99.5))
            else:
                ax.imshow(out, cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if row == 0:
                ax.set_title(name.replace("_", " "), fontsize=14)
            if col == 0:
                ax.set_ylabel(label, fontsize=14)
    return fig


def feature_map_figure(image: Any, kernel: Any, *, title: str = "feature map") -> Figure:
    """An image next to its feature map for one 3 x 3 kernel, the kernel's numbers printed (lecture 4)."""
    from lecturekit.plotting import new_figure

    kernel = check_array("kernel", kernel, shape=(3, 3))
    image = check_array("image", image, ndim=2)
    out = _kernels.apply_kernel(image, kernel)
    fig, axes = new_figure(3, width=12, height=4.2, gridspec_kw={"width_ratios": [4, 2.2, 4]})
    axes[0].imshow(image, cmap="gray")
    axes[0].set_title("image")
    draw_matrix(axes[1], kernel, title="kernel", cmap="Oranges", fontsize=15)
    limit = max(np.abs(out).max(), 1e-12)
    shown = axes[2].imshow(out, cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes[2].set_title(title)
    fig.colorbar(shown, ax=axes[2], shrink=0.85)
    for ax in (axes[0], axes[2]):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    return fig


def kernel_explorer(image: Any, kernel: Any = "sobel_x") -> Any:
    """Nine number boxes for a 3 x 3 kernel and the live feature map of ``image`` (lecture 4).

    Returns an ipywidgets box; edit any number and the figure is redrawn.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    if isinstance(kernel, str) and kernel not in _kernels.KERNELS:
        raise ValueError(f"kernel must be one of {sorted(_kernels.KERNELS)} or a 3 x 3 array, got {kernel!r}")
    start = _kernels.KERNELS[kernel] if isinstance(kernel, str) else kernel
    start = check_array("kernel", start, shape=(3, 3))
    image = check_array("image", image, ndim=2)
    boxes = {f"k{r}{c}": widgets.FloatText(value=float(start[r, c]), step=0.5,
                                          layout=widgets.Layout(width="5.5em"))
             for r in range(3) for c in range(3)}
    grid = widgets.GridBox(list(boxes.values()),
                           layout=widgets.Layout(grid_template_columns="repeat(3, 6em)"))
    presets = widgets.Dropdown(options=sorted(_kernels.KERNELS), value=None, description="preset")

    def load(change: Any) -> None:
        if change["new"] is not None:
            for (r, c), value in np.ndenumerate(_kernels.KERNELS[change["new"]]):
                boxes[f"k{r}{c}"].value = float(value)

    presets.observe(load, names="value")

    def show(**values: float) -> None:
        matrix = np.array([[values[f"k{r}{c}"] for c in range(3)] for r in range(3)])
        figure = feature_map_figure(image, matrix)
        plt.show()
        plt.close(figure)

    output = widgets.interactive_output(show, boxes)
    controls = widgets.VBox([widgets.HTML("<b>Kernel</b> (edit a number, press Enter)"), grid, presets])
    return widgets.HBox([controls, output])
