"""Classification losses as functions of the margin (lecture 2).

For a label ``y`` in {-1, +1} and a prediction ``f`` in [-1, 1], the margin is ``x = y * f``:
``x = +1`` is a confident correct prediction, ``x = 0`` a guess, ``x = -1`` a confident wrong
one. Scores ``f`` outside [-1, 1] give margins beyond these ends (all losses but the
cross-entropy accept any real margin).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lecturekit._checks import check_array

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def zero_one(x: Any) -> np.ndarray:
    """1 for a wrong answer (margin ``x <= 0``), 0 for a right one: what we count (lecture 2)."""
    x = check_array("x", x)
    return (x <= 0).astype(np.float64)


def logistic(x: Any) -> np.ndarray:
    """``log(1 + exp(-x))`` (natural log): the loss of logistic regression on a raw score (lecture 2)."""
    x = check_array("x", x)
    return np.logaddexp(0.0, -x)


def hinge(x: Any) -> np.ndarray:
    """``max(0, 1 - x)``: zero once the margin reaches 1, linear below (lecture 2)."""
    x = check_array("x", x)
    return np.maximum(0.0, 1.0 - x)


def cross_entropy(x: Any) -> np.ndarray:
    """``-log((1 + x) / 2)``: the output read as a probability ``(1 + x) / 2`` of the right class (lecture 2).

    Defined for margins in (-1, 1]; it grows without bound as ``x`` approaches -1.
    Raises ``ValueError`` for margins outside that interval.
    """
    x = check_array("x", x)
    if np.any((x <= -1.0) | (x > 1.0)):
        raise ValueError("x must lie in (-1, 1] for the cross-entropy (a probability (1 + x) / 2 in (0, 1])")
    return -np.log((1.0 + x) / 2.0)


def squared_error(x: Any) -> np.ndarray:
    """``(1 - x)**2``, which equals ``(y - f)**2`` for ``y`` in {-1, +1} (lecture 2)."""
    x = check_array("x", x)
    return (1.0 - x) ** 2


MARGIN_LOSSES: dict[str, Callable[[Any], np.ndarray]] = {
    "zero-one": zero_one,
    "logistic": logistic,
    "hinge": hinge,
    "cross-entropy": cross_entropy,
    "squared error": squared_error,
}


def plot_margin_losses(names: Sequence[str] = tuple(MARGIN_LOSSES), *,
                       x_range: tuple[float, float] = (-2.0, 2.0), ax: Axes | None = None) -> Figure:
    """All margin losses on one plot; the cross-entropy is drawn where it is defined (lecture 2)."""
    from lecturekit import plotting

    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise TypeError("names must be a non-empty list of loss names")
    unknown = [name for name in names if name not in MARGIN_LOSSES]
    if unknown:
        raise ValueError(f"names must be taken from {list(MARGIN_LOSSES)}, got {unknown}")
    low, high = check_array("x_range", x_range, shape=(2,))
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {tuple(x_range)}")
    if ax is None:
        _, ax = plotting.new_figure(width=9.0, height=5.0)
    x = np.linspace(low, high, 1601)
    for name in names:
        xs = x[(x > -1.0) & (x <= 1.0)] if name == "cross-entropy" else x
        style = {"zero-one": {"drawstyle": "steps-pre", "color": "k"}}.get(name, {})
        ax.plot(xs, MARGIN_LOSSES[name](xs), label=name, **style)
    ax.axvline(0.0, color="k", linewidth=0.8)
    ax.set_ylim(-0.1, 4.0)
    ax.set_xlim(low, high)
    ax.set_xlabel("margin $x = y\\,f$   (wrong  \u2190 \u2192  right)")
    ax.set_ylabel("loss")
    ax.legend(loc="upper right")
    return ax.figure
