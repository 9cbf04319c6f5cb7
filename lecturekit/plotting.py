"""The slide style and the figure primitives every lecture shares (introduced in lecture 1).

Figures about one topic live in that topic's module (``activations.plot_activations``,
``kernels.pooling_figure``, ...). Every figure helper returns the matplotlib ``Figure`` it
drew, so that the notebook shows it and the tests can inspect its artists; a helper that
draws one panel takes ``ax=None`` and draws on a new figure when none is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lecturekit._checks import check_array, check_positive_int, check_real, to_numpy

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Font sizes that stay readable on a projector and in a printed handout.
SLIDE_RC = {
    "font.size": 14,
    "axes.titlesize": 16,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "figure.titlesize": 17,
    "lines.linewidth": 2.5,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
    "savefig.bbox": "tight",
}

MAX_PANELS = 50  # rows or columns of one figure
MAX_IMAGES = 500  # images in one show_images grid

# Two-class colours used for data points and decision regions throughout the lectures.
CLASS_COLORS = ("#d95f02", "#1b9e77")


def use_slide_style() -> None:
    """Apply the slide font sizes and line widths to every later matplotlib figure (lecture 1)."""
    import matplotlib as mpl

    mpl.rcParams.update(SLIDE_RC)


def new_figure(ncols: int = 1, nrows: int = 1, *, width: float = 10.0,
               height: float = 4.5, **kwargs: Any) -> tuple[Figure, Any]:
    """A figure in slide style with ``nrows x ncols`` axes (lecture 1)."""
    ncols = check_positive_int("ncols", ncols, maximum=MAX_PANELS)
    nrows = check_positive_int("nrows", nrows, maximum=MAX_PANELS)
    width = check_real("width", width, minimum=0.0, strict=True)
    height = check_real("height", height, minimum=0.0, strict=True)
    if width > 100 or height > 100:
        raise ValueError(f"width and height are in inches, at most 100; got {width} x {height}")
    import matplotlib.pyplot as plt

    use_slide_style()
    return plt.subplots(nrows, ncols, figsize=(width, height), layout="constrained", **kwargs)


def plot_decision_regions(predict: Callable[[np.ndarray], np.ndarray], X: Any, y: Any, *,
                          ax: Axes | None = None, resolution: int = 200, margin: float = 0.5,
                          title: str | None = None) -> Figure:
    """Shade the plane by the class ``predict`` gives each point and scatter the data (lectures 1-3).

    ``predict`` maps an ``(m, 2)`` array to ``m`` labels (0/1) or scores in [0, 1]. Draws on
    ``ax`` (a new figure when it is None) and returns the figure.
    """
    X = check_array("X", X, shape=(None, 2))
    y = check_array("y", y, shape=(X.shape[0],))
    if not callable(predict):
        raise TypeError("predict must be a function from an (m, 2) array to m labels")
    resolution = check_positive_int("resolution", resolution, maximum=2_000)
    if ax is None:
        _, ax = new_figure(width=5.5, height=5.0)
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    zz = np.asarray(predict(grid), dtype=np.float64).reshape(xx.shape)
    # finite outer levels: infinite ones make matplotlib's colour normalisation warn
    levels = [min(float(zz.min()), 0.0) - 1.0, 0.5, max(float(zz.max()), 1.0) + 1.0]
    ax.contourf(xx, yy, zz, levels=levels, colors=list(CLASS_COLORS), alpha=0.25)
    for label, color in enumerate(CLASS_COLORS):
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], s=30, color=color, edgecolor="k", linewidth=0.5,
                   label=f"class {label}")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax.figure


def show_images(images: Any, titles: Sequence[str] | None = None, *, ncols: int = 8,
                size: float = 1.4, cmap: str = "gray") -> Figure:
    """A grid of grayscale images with optional titles (lectures 4-6).

    ``images`` is an array or tensor of shape ``(n, h, w)`` or ``(n, 1, h, w)``.
    """
    array = np.asarray(to_numpy(images), dtype=np.float64)
    if array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 3 or not 0 < array.shape[0] <= MAX_IMAGES:
        raise ValueError(f"images must have shape (n, h, w) or (n, 1, h, w) with 0 < n <= {MAX_IMAGES}, "
                         f"got {array.shape}")
    if titles is not None and len(titles) != array.shape[0]:
        raise ValueError(f"titles must hold one string per image ({array.shape[0]}), got {len(titles)}")
    ncols = check_positive_int("ncols", ncols)
    count = array.shape[0]
    ncols = min(ncols, count)
    nrows = -(-count // ncols)
    height = (size + (0.3 if titles is not None else 0.0)) * nrows
    fig, axes = new_figure(ncols, nrows, width=size * ncols, height=height, squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < count:
            ax.imshow(array[index], cmap=cmap)
            if titles is not None:
                ax.set_title(titles[index], fontsize=12)
    return fig


def moving_average(values: Any, window: int) -> np.ndarray:
    """The means of every ``window`` consecutive values, ``len(values) - window + 1`` in all (lecture 6)."""
    array = check_array("values", values, ndim=1)
    window = check_positive_int("window", window)
    if window > len(array):
        raise ValueError(f"window must be at most the number of values ({len(array)}), got {window}")
    sums = np.cumsum(np.concatenate([[0.0], array]))
    return (sums[window:] - sums[:-window]) / window
