"""Convolution kernels, 2-D cross-correlation and pooling, written out in numpy.

Introduced in lecture 4 (kernels and feature maps) and lecture 5 (pooling). These are
readable reference implementations, the formulas and nothing else (:func:`apply_kernel` and
the figure helpers at the end of the module check user arrays on the way in): they compute
the same numbers as
``torch.nn.functional.conv2d``, ``max_pool2d`` and ``avg_pool2d`` on one single-channel
image, so that the lectures can show what the torch layers do.

A note on names: what deep learning calls a "convolution" is a *cross-correlation*. The
kernel is slid over the image as it is, not flipped; a textbook convolution would flip it
first. For the symmetric blur kernels the two agree; for Sobel they differ by a sign.

The figures of both lectures live here too: grids with their numbers, a correlation step,
pooling windows, kernel galleries and feature maps, and the interactive kernel explorer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lecturekit._checks import check_array, check_positive_int, to_numpy

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _frozen(rows: list[list[float]], scale: float = 1.0) -> np.ndarray:
    array = np.array(rows, dtype=np.float64) * scale
    array.setflags(write=False)
    return array


# The classic 3 x 3 kernels of image processing (lecture 4). The arrays are read-only so
# that a notebook cannot change them for every later cell by accident; use .copy() to edit.
KERNELS: dict[str, np.ndarray] = {
    "identity": _frozen([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "box_blur": _frozen([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 1 / 9),
    "gaussian_blur": _frozen([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 1 / 16),
    "sharpen": _frozen([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "laplacian": _frozen([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "sobel_x": _frozen([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "sobel_y": _frozen([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
}

POOL_MODES = ("max", "mean")


def output_size(n: int, kernel_size: int, *, stride: int = 1, padding: int = 0) -> int:
    """Length of a convolution's output along one axis: ``(n + 2p - k) // s + 1`` (lecture 4).

    ``n`` is the input length, ``k`` the kernel size, ``s`` the stride, ``p`` the zero
    padding added on each side. The same formula gives the output size of pooling.
    """
    return (n + 2 * padding - kernel_size) // stride + 1


def correlate2d(image: np.ndarray, kernel: np.ndarray, *, stride: int = 1, padding: int = 0) -> np.ndarray:
    """2-D cross-correlation of one image with one kernel, as a CNN layer computes it (lecture 4).

    The image is padded with ``padding`` zeros on every side; the kernel is then placed at
    every ``stride``-th position, and each output pixel is the sum of the element-wise
    products of the kernel and the image patch under it. Returns a float64 array of shape
    ``(output_size(h, kh, ...), output_size(w, kw, ...))``, equal to
    ``torch.nn.functional.conv2d`` on the same single-channel data.
    """
    padded = np.pad(np.asarray(image, dtype=np.float64), padding)
    kernel = np.asarray(kernel, dtype=np.float64)
    # Every kernel-sized patch of the padded image, at every stride-th position:
    # patches[r, c] is the patch whose top-left corner is at (r * stride, c * stride).
    patches = sliding_window_view(padded, kernel.shape)[::stride, ::stride]
    # Multiply each patch element-wise with the kernel and add up the products.
    return np.einsum("rcij,ij->rc", patches, kernel)


def pool2d(x: np.ndarray, size: int, *, stride: int | None = None, mode: str = "max") -> np.ndarray:
    """Max or mean pooling of a 2-D array over ``size x size`` windows, no padding (lecture 5).

    ``stride`` defaults to ``size`` (windows side by side, no overlap). ``mode`` is
    ``"max"`` or ``"mean"``. Windows that would run past the edge are dropped, exactly as
    in ``torch.nn.functional.max_pool2d`` / ``avg_pool2d`` with their default arguments.
    """
    step = size if stride is None else stride
    windows = sliding_window_view(np.asarray(x, dtype=np.float64), (size, size))[::step, ::step]
    return windows.max(axis=(2, 3)) if mode == "max" else windows.mean(axis=(2, 3))


def conv2d_parameter_count(in_channels: int, out_channels: int, kernel_size: int, *,
                           bias: bool = True) -> int:
    """Weights and biases of a convolutional layer: ``out * (in * k * k + 1)`` (lecture 5).

    The count does not depend on the image size: the same kernels are shared by every position.
    """
    return out_channels * (in_channels * kernel_size * kernel_size + int(bias))


def linear_parameter_count(in_features: int, out_features: int, *, bias: bool = True) -> int:
    """Weights and biases of a fully connected layer: ``out * (in + 1)`` (lecture 5)."""
    return out_features * (in_features + int(bias))


# --- the boundary: user images and kernels come in here ------------------------------------

MAX_SIDE = 10_000  # image or kernel side; a 10,000 x 10,000 float64 image is 800 MB


def check_image(name: str, value: Any) -> np.ndarray:
    """A non-empty 2-D array of real numbers (ints or floats, not bools or complex) as float64."""
    raw = np.asarray(to_numpy(value))
    if raw.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers (int or float), got dtype {raw.dtype}")
    array = check_array(name, raw, ndim=2)
    if 0 in array.shape or max(array.shape) > MAX_SIDE:
        raise ValueError(f"{name} must have sides from 1 to {MAX_SIDE:,}, got shape {array.shape}")
    return array


def check_window(image: np.ndarray, window: tuple[int, ...], *, stride: Any = 1,
                 padding: Any = 0) -> tuple[int, int]:
    """``stride >= 1`` and ``padding >= 0`` as ints, with which a ``window`` fits the image."""
    stride = check_positive_int("stride", stride, maximum=MAX_SIDE)
    padding = check_positive_int("padding", padding, minimum=0, maximum=MAX_SIDE)
    for axis, (n, k) in enumerate(zip(image.shape, window)):
        if n + 2 * padding < k:
            raise ValueError(
                f"image (shape {image.shape}) is smaller than the window (shape {tuple(window)}) "
                f"along axis {axis} with padding={padding}; pad the image or use a smaller window"
            )
    return stride, padding


def apply_kernel(image: Any, kernel: Any) -> np.ndarray:
    """Filter an image with a kernel centred on each pixel; the output has the image's size (lecture 4).

    ``kernel`` is a square array with an odd side (so that it has a centre pixel) or a
    name from :data:`KERNELS`. The image is zero-padded by half the kernel size.
    """
    if isinstance(kernel, str):
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {sorted(KERNELS)} or an array, got {kernel!r}")
        kernel = KERNELS[kernel]
    image, kernel = check_image("image", image), check_image("kernel", kernel)
    rows, cols = kernel.shape
    if rows != cols or rows % 2 == 0:
        raise ValueError(
            f"kernel must be square with an odd side so that it has a centre pixel, got shape {kernel.shape}"
        )
    return correlate2d(image, kernel, padding=rows // 2)


def torch_conv2d(image: Any, kernel: Any, *, stride: int = 1, padding: int = 0) -> np.ndarray:
    """``torch.nn.functional.conv2d`` on one single-channel image, in float64 (lecture 4).

    The image and the kernel become a batch of one image with one channel and a layer with
    one kernel, as torch wants them; returns the one output map as a numpy array, to compare
    with :func:`correlate2d` on the same arguments.
    """
    import torch
    import torch.nn.functional as F

    image, kernel = check_image("image", image), check_image("kernel", kernel)
    stride, padding = check_window(image, kernel.shape, stride=stride, padding=padding)
    # np.array copies: a named kernel is read-only, a flipped view has negative strides
    x = torch.from_numpy(np.array(image))[None, None]
    w = torch.from_numpy(np.array(kernel))[None, None]
    return F.conv2d(x, w, stride=stride, padding=padding)[0, 0].numpy()


# --- figures: grids with their numbers, galleries, the kernel explorer (lectures 4 and 5) ------

HIGHLIGHT = "#d62728"
MAX_DRAWN_CELLS = 1_600  # draw_matrix writes every number: 40 x 40 is already unreadable


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def draw_matrix(values: Any, *, ax: Axes | None = None, title: str | None = None, cmap: str = "Blues",
                box: tuple[int, int, int, int] | None = None, fontsize: int = 14) -> Figure:
    """Draw a small matrix as coloured cells with each number written in (lecture 4).

    ``box = (row, col, height, width)`` outlines a block of cells in red. Draws on ``ax``
    (a new figure when it is None) and returns the figure.
    """
    from matplotlib.patches import Rectangle

    from lecturekit.plotting import new_figure

    values = check_array("values", values, ndim=2)
    if not 0 < values.size <= MAX_DRAWN_CELLS:
        raise ValueError(f"values must have 1 to {MAX_DRAWN_CELLS} cells to be drawn with their "
                         f"numbers, got shape {values.shape}")
    if ax is None:
        _, ax = new_figure(width=0.6 * values.shape[1] + 1.5, height=0.6 * values.shape[0] + 1.0)
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
    return ax.figure


def kernel_numbers(names: Sequence[str], *, width: float = 15.0, height: float = 2.8) -> Figure:
    """The named kernels of :data:`KERNELS` side by side, each number written in (lecture 4).

    One panel per name, titled with the name (underscores as spaces), drawn by
    :func:`draw_matrix`. Returns the figure.
    """
    from lecturekit.plotting import new_figure

    if isinstance(names, str) or not 0 < len(names) <= len(KERNELS):
        raise ValueError(f"names must list 1 to {len(KERNELS)} kernel names, got {names!r}")
    for name in names:
        if name not in KERNELS:
            raise ValueError(f"names must be kernels from {sorted(KERNELS)}, got {name!r}")
    fig, axes = new_figure(len(names), width=width, height=height, squeeze=False)
    for ax, name in zip(axes[0], names):
        draw_matrix(KERNELS[name], ax=ax, title=name.replace("_", " "), cmap="Oranges", fontsize=13)
    return fig


def correlation_step(image: Any, kernel: Any, row: int, col: int, *, padding: int = 0) -> Figure:
    """Image, kernel and output side by side, with the patch for output pixel ``(row, col)`` outlined
    (lecture 4)."""
    from lecturekit.plotting import new_figure

    image = check_image("image", image)
    kernel = check_image("kernel", kernel)
    _, padding = check_window(image, kernel.shape, padding=padding)
    output = correlate2d(image, kernel, padding=padding)
    row, col = check_positive_int("row", row, minimum=0), check_positive_int("col", col, minimum=0)
    if not (0 <= row < output.shape[0] and 0 <= col < output.shape[1]):
        raise ValueError(f"(row, col) must index the output of shape {output.shape}, got {(row, col)}")
    padded = np.pad(image, padding)
    widths = [padded.shape[1], kernel.shape[1], output.shape[1]]
    fig, axes = new_figure(3, width=12, height=4.2, gridspec_kw={"width_ratios": widths})
    kh, kw = kernel.shape
    draw_matrix(ax=axes[0], values=padded, title="image" + (" (zero-padded)" if padding else ""),
                box=(row, col, kh, kw))
    draw_matrix(ax=axes[1], values=kernel, title="kernel", cmap="Oranges")
    draw_matrix(ax=axes[2], values=output, title="output (feature map)", cmap="Greens", box=(row, col, 1, 1))
    return fig


def pooling_figure(x: Any, size: int, *, stride: int | None = None) -> Figure:
    """A grid and its max- and mean-pooled versions, the pooling windows outlined (lecture 5)."""
    from matplotlib.patches import Rectangle

    from lecturekit.plotting import new_figure

    x = check_image("x", x)
    size = check_positive_int("size", size, maximum=MAX_SIDE)
    stride, _ = check_window(x, (size, size), stride=size if stride is None else stride)
    pooled = {mode: pool2d(x, size, stride=stride, mode=mode) for mode in POOL_MODES}
    widths = [x.shape[1], pooled["max"].shape[1], pooled["mean"].shape[1]]
    fig, axes = new_figure(3, width=12, height=4.4, gridspec_kw={"width_ratios": widths})
    draw_matrix(ax=axes[0], values=x, title=f"input, windows {size}x{size}, stride {stride}")
    draw_matrix(ax=axes[1], values=pooled["max"], title="max pooling", cmap="Greens")
    draw_matrix(ax=axes[2], values=pooled["mean"], title="average pooling", cmap="Purples")
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


def _show_filtered(ax: Axes, image: np.ndarray, kernel: np.ndarray) -> None:
    """Draw ``image`` filtered by ``kernel`` on ``ax``: grey levels in [0, 1], or for an edge
    detector (numbers adding up to 0) the size of the output."""
    out = apply_kernel(image, kernel)
    if abs(kernel.sum()) < 1e-12:  # edge detector: strength of the edge
        strength = np.abs(out)
        ax.imshow(strength, cmap="gray", vmin=0, vmax=np.percentile(strength, 99.5) or 1.0)
    else:
        ax.imshow(out, cmap="gray", vmin=0, vmax=1)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def filtered_image(image: Any, kernel: Any, *, ax: Axes | None = None, title: str | None = None,
                   size: float = 3.6) -> Figure:
    """One image filtered by one kernel, drawn as :func:`kernel_gallery` draws it (lecture 4).

    ``kernel`` is a name from :data:`KERNELS` or a square array with an odd side. Smoothing
    kernels are shown in grey levels, edge detectors as the size of their output. Draws on
    ``ax`` (a new ``size`` x ``size`` inch figure when it is None) and returns the figure.
    """
    from lecturekit.plotting import new_figure

    if isinstance(kernel, str):
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {sorted(KERNELS)} or an array, got {kernel!r}")
        kernel = KERNELS[kernel]
    image, kernel = check_image("image", image), check_image("kernel", kernel)
    if ax is None:
        _, ax = new_figure(width=size, height=size)
    _show_filtered(ax, image, kernel)
    if title:
        ax.set_title(title)
    return ax.figure


def kernel_gallery(images: Mapping[str, Any], names: Sequence[str], *, size: float = 2.2) -> Figure:
    """Each image filtered by each named kernel of :data:`lecturekit.kernels.KERNELS` (lecture 4).

    One row per image (``images`` maps a row label to a 2-D array), one column per kernel.
    Smoothing kernels are shown in grey levels; edge detectors as their absolute value.
    """
    from lecturekit.plotting import new_figure

    if not isinstance(images, Mapping) or not images:
        raise ValueError("images must map at least one label to a 2-D array")
    images = {label: check_image(f"images[{label!r}]", image) for label, image in images.items()}
    if isinstance(names, str) or not names or len(names) > len(KERNELS) or len(images) > 10:
        raise ValueError(f"names must list 1 to {len(KERNELS)} kernel names and images hold at most "
                         f"10 images, got {names!r} and {len(images)} images")
    for name in names:
        if name not in KERNELS:
            raise ValueError(f"names must be kernels from {sorted(KERNELS)}, got {name!r}")
    fig, axes = new_figure(len(names), len(images), width=size * len(names),
                           height=size * len(images) + 0.5, squeeze=False)
    for row, (label, image) in enumerate(images.items()):
        for col, name in enumerate(names):
            ax = axes[row, col]
            _show_filtered(ax, image, KERNELS[name])
            if row == 0:
                ax.set_title(name.replace("_", " "), fontsize=14)
            if col == 0:
                ax.set_ylabel(label, fontsize=14)
    return fig


def feature_map_figure(image: Any, kernel: Any, *, title: str = "feature map",
                       height: float = 3.0) -> Figure:
    """An image next to its feature map for one 3 x 3 kernel, the kernel's numbers printed (lecture 4).

    The figure is 12 inches wide and ``height`` inches tall (the default suits a slide with
    a heading and a line of code above the figure).
    """
    from lecturekit.plotting import new_figure

    kernel = check_array("kernel", kernel, shape=(3, 3))
    image = check_array("image", image, ndim=2)
    out = apply_kernel(image, kernel)
    fig, axes = new_figure(3, width=12, height=height, gridspec_kw={"width_ratios": [4, 2.2, 4]})
    axes[0].imshow(image, cmap="gray")
    axes[0].set_title("image")
    draw_matrix(kernel, ax=axes[1], title="kernel", cmap="Oranges", fontsize=15)
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
    if isinstance(kernel, str) and kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {sorted(KERNELS)} or a 3 x 3 array, got {kernel!r}")
    start = KERNELS[kernel] if isinstance(kernel, str) else kernel
    start = check_array("kernel", start, shape=(3, 3))
    image = check_image("image", image)
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    boxes = {f"k{r}{c}": widgets.FloatText(value=float(start[r, c]), step=0.5,
                                          layout=widgets.Layout(width="5.5em"))
             for r in range(3) for c in range(3)}
    grid = widgets.GridBox(list(boxes.values()),
                           layout=widgets.Layout(grid_template_columns="repeat(3, 6em)"))
    presets = widgets.Dropdown(options=sorted(KERNELS), value=None, description="preset")

    def load(change: Any) -> None:
        if change["new"] is not None:
            for (r, c), value in np.ndenumerate(KERNELS[change["new"]]):
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


def show_kernels(kernels: Sequence[Any], titles: Sequence[str] | None = None, *, ncols: int = 8,
                 size: float = 1.5) -> Figure:
    """Kernels or feature maps in red (positive) and blue (negative), white at zero (lectures 4-6).

    ``kernels`` is a sequence of 2-D arrays (their sizes may differ) or an ``(n, h, w)`` array;
    each panel has its own symmetric colour range, so the sign pattern is what shows.
    """
    from lecturekit.plotting import new_figure

    panels = [check_array(f"kernels[{i}]", k, ndim=2) for i, k in
              enumerate(to_numpy(kernels))]
    if not panels:
        raise ValueError("kernels must hold at least one 2-D array")
    if titles is not None and len(titles) != len(panels):
        raise ValueError(f"titles must hold one string per kernel ({len(panels)}), got {len(titles)}")
    ncols = min(check_positive_int("ncols", ncols), len(panels))
    nrows = -(-len(panels) // ncols)
    height = (size + (0.35 if titles is not None else 0.0)) * nrows
    fig, axes = new_figure(ncols, nrows, width=size * ncols, height=height, squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < len(panels):
            limit = float(np.abs(panels[index]).max()) or 1.0
            ax.imshow(panels[index], cmap="RdBu_r", vmin=-limit, vmax=limit)
            if titles is not None:
                ax.set_title(titles[index], fontsize=13)
    return fig
