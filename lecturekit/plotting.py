"""The slide style and the figure primitives every lecture shares (introduced in lecture 1).

Figures about one topic live in that topic's module (``activations.plot_activations``,
``kernels.pooling_figure``, ...). Every figure helper returns the matplotlib ``Figure`` it
drew, so that the notebook shows it and the tests can inspect its artists; a helper that
draws one panel takes ``ax=None`` and draws on a new figure when none is given.

In a notebook, :func:`use_slide_style` also gives every figure it shows alt text: the inline
figure output carries the metadata ``{"image/png": {"alt": figure_alt(fig)}}`` (a description
from its titles, axis labels and legend), which the handouts and slides write as the image's
``alt`` attribute (issue 14).
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
    """Apply the slide font sizes and line widths to every later matplotlib figure (lecture 1).

    In IPython (a notebook), figures shown from then on also carry alt text
    (:func:`describe_figures`).
    """
    import matplotlib as mpl

    mpl.rcParams.update(SLIDE_RC)
    describe_figures()


# --- alt text for the figures a notebook shows --------------------------------------------------

MAX_ALT_CHARS = 600
_ALT_MIMES = ("image/png", "image/jpeg")
_MATH_WORDS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "Delta": "Δ", "epsilon": "ε",
    "varepsilon": "ε", "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "sigma": "σ",
    "Sigma": "Σ", "tau": "τ", "phi": "φ", "partial": "∂", "nabla": "∇", "cdot": "·",
    "times": "×", "infty": "∞", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠",
    "approx": "≈", "to": "→", "rightarrow": "→", "ell": "ℓ", "log": "log", "exp": "exp",
}


def _plain(text: str) -> str:
    """A matplotlib label as plain text: mathtext ``$\\sigma(z)$`` becomes ``σ(z)``."""
    import re

    def math(match: re.Match[str]) -> str:
        def word(command: re.Match[str]) -> str:
            value = _MATH_WORDS.get(command.group(1), "")
            return value + " " if value.isascii() and value.isalpha() else value

        inner = re.sub(r"\\([A-Za-z]+)", word, match.group(1))
        return inner.replace("{", "").replace("}", "").replace("\\", "")

    text = re.sub(r"\$([^$]*)\$", math, str(text))
    return " ".join(text.split())


def _unique(items: Any) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!", "…")) else text + "."


def _listing(items: list[str], limit: int = 12) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; and {len(items) - limit} more" if len(items) > limit else "")


def _content(ax: Axes) -> str:
    """What an untitled panel draws: ``"a plot of 2 lines and 1 set of points"``, ``"an image"``."""
    if ax.images and not ax.lines and not ax.collections:
        return "an image"
    kinds = ((len(ax.lines), "line", "lines"), (len(ax.collections), "set of points", "sets of points"),
             (len(ax.patches), "bar or shape", "bars or shapes"), (len(ax.images), "image", "images"))
    items = [f"{count} {one if count == 1 else many}" for count, one, many in kinds if count]
    return "a plot of " + " and ".join(items) if items else "an empty plot"


def figure_alt(fig: Figure) -> str:
    """A description of ``fig`` for its alt text, from what it says about itself: the title
    (suptitle), the panels' titles, the axis labels and the legend entries, e.g.
    ``"Figure: Training loss per epoch. Panels: MLP; CNN. x: epoch, y: loss."``."""
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    panels = [ax for ax in fig.axes if ax.get_visible() and getattr(ax, "_colorbar", None) is None]
    titles = _unique(_plain(" ".join(filter(None, map(ax.get_title, ("left", "center", "right")))))
                     for ax in panels)
    head = _plain(suptitle) or (titles[0] if len(panels) == 1 and titles else "")
    images = sum(bool(ax.images) for ax in panels)
    if head:
        parts = [_sentence(f"Figure: {head}")]
    elif len(panels) > 1 and images == len(panels):
        parts = [f"Figure: a grid of {len(panels)} images."]
    elif len(panels) > 1:
        parts = [f"Figure with {len(panels)} panels."]
    else:
        parts = [f"Figure: {_content(panels[0])}." if panels else "Figure (empty)."]
    if len(panels) > 1 and titles:
        parts.append(_sentence(f"Panels: {_listing(titles)}"))
    axis_labels = []
    for name, getter in (("x", "get_xlabel"), ("y", "get_ylabel"), ("z", "get_zlabel")):
        labels = _unique(_plain(getattr(ax, getter)()) for ax in panels if hasattr(ax, getter))
        if labels:
            axis_labels.append(f"{name}: {' / '.join(labels[:6])}")
    if axis_labels:
        parts.append(_sentence(", ".join(axis_labels)))
    legends = [ax.get_legend() for ax in panels] + list(getattr(fig, "legends", []))
    entries = _unique(_plain(text.get_text()) for legend in legends if legend is not None
                      for text in legend.get_texts())
    if entries:
        parts.append(_sentence(f"Legend: {_listing(entries)}"))
    alt = " ".join(parts)
    return alt if len(alt) <= MAX_ALT_CHARS else alt[:MAX_ALT_CHARS - 1].rstrip() + "…"


def _with_alt(printer: Callable[..., Any]) -> Callable[..., Any]:
    """``printer`` (IPython's PNG/JPEG formatter for figures) returning the same image data
    with the metadata ``{"alt": figure_alt(fig)}`` added."""

    def print_with_alt(fig: Figure, *args: Any, **kwargs: Any) -> Any:
        result = printer(fig, *args, **kwargs)
        if result is None:
            return None
        data, metadata = result if isinstance(result, tuple) and len(result) == 2 else (result, None)
        metadata = dict(metadata or {})
        try:
            metadata.setdefault("alt", figure_alt(fig))
        except Exception:  # a figure the description cannot read is still shown
            pass
        return data, metadata

    print_with_alt.lecturekit_alt = True  # type: ignore[attr-defined]
    return print_with_alt


def _describe(shell: Any) -> None:
    from matplotlib.figure import Figure

    formatters = shell.display_formatter.formatters
    for mime in _ALT_MIMES:
        formatter = formatters.get(mime)
        printer = formatter.type_printers.get(Figure) if formatter is not None else None
        if printer is not None and not getattr(printer, "lecturekit_alt", False):
            formatter.for_type(Figure, _with_alt(printer))


def describe_figures() -> bool:
    """In IPython, give every figure the notebook shows (``plt.show()``, a returned figure,
    an interactive output) alt text: its PNG/JPEG output carries the metadata ``alt``
    (:func:`figure_alt`); the image data stays the same. Returns whether it is in effect.

    Wraps the figure formatter that ``%matplotlib inline`` registers, and wraps it again
    before each cell when ``%matplotlib inline`` or ``%config InlineBackend`` replaced it.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    _describe(shell)
    if not getattr(shell, "_lecturekit_describes_figures", False):
        shell.events.register("pre_run_cell", lambda *args: _describe(shell))
        shell._lecturekit_describes_figures = True
    return True


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
