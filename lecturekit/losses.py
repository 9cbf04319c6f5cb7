"""Classification losses as functions of the margin (lecture 2).

For a label ``y`` in {-1, +1} and a raw score ``z`` (what the last neuron computes, any real
number; its sign is the predicted class), the margin is ``m = y * z``: ``m > 0`` is a right
answer, ``m < 0`` a wrong one, and the larger ``|m|``, the more confident the prediction.

The cross-entropy is a loss of a probability: ``cross_entropy(p) = -ln p``, where ``p`` is
the probability that the model gives the right class. Squash the score into the probability
``sigmoid(z)`` of class +1 (equivalently, into an output ``f = tanh(z / 2)`` in (-1, 1) read
as the probability ``(1 + f) / 2``): the right class then gets ``sigmoid(m)``, and its
cross-entropy is the logistic loss ``ln(1 + exp(-m))`` of the margin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lecturekit._checks import check_array

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def zero_one(m: Any) -> np.ndarray:
    """1 for a wrong answer (margin ``m <= 0``), 0 for a right one: what we count (lecture 2)."""
    m = check_array("m", m)
    return (m <= 0).astype(np.float64)


def logistic(m: Any) -> np.ndarray:
    """``ln(1 + exp(-m))``: the loss of logistic regression (lecture 2).

    It is the cross-entropy of the score squashed into a probability (see the module docstring).
    """
    m = check_array("m", m)
    return np.logaddexp(0.0, -m)


def hinge(m: Any) -> np.ndarray:
    """``max(0, 1 - m)``: zero once the margin reaches 1, linear below (lecture 2)."""
    m = check_array("m", m)
    return np.maximum(0.0, 1.0 - m)


def squared_error(m: Any) -> np.ndarray:
    """``(1 - m)**2``, which equals ``(y - z)**2`` for ``y`` in {-1, +1} (lecture 2)."""
    m = check_array("m", m)
    return (1.0 - m) ** 2


def cross_entropy(p: Any) -> np.ndarray:
    """``-ln p``: the loss when the model gives the right class the probability ``p`` (lecture 2).

    Defined for ``p`` in (0, 1]; it grows without bound as ``p`` approaches 0.
    Raises ``ValueError`` for probabilities outside that interval.
    """
    p = check_array("p", p)
    if np.any((p <= 0.0) | (p > 1.0)):
        raise ValueError("p must lie in (0, 1] for the cross-entropy (the probability of the right class)")
    return -np.log(p)


MARGIN_LOSSES: dict[str, Callable[[Any], np.ndarray]] = {
    "zero-one": zero_one,
    "hinge": hinge,
    "logistic": logistic,
    "squared error": squared_error,
}

# The legend says what each curve is: the logistic loss is the cross-entropy too.
LABELS = {"logistic": "logistic = cross-entropy"}


def plot_margin_losses(names: Sequence[str] = tuple(MARGIN_LOSSES), *,
                       m_range: tuple[float, float] = (-2.0, 2.0), ax: Axes | None = None) -> Figure:
    """The margin losses of ``names`` on one plot, against the margin ``m = y z`` (lecture 2)."""
    from lecturekit import plotting

    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise TypeError("names must be a non-empty list of loss names")
    unknown = [name for name in names if name not in MARGIN_LOSSES]
    if unknown:
        raise ValueError(f"names must be taken from {list(MARGIN_LOSSES)}, got {unknown}")
    low, high = check_array("m_range", m_range, shape=(2,))
    if not low < high:
        raise ValueError(f"m_range must be (low, high) with low < high, got {tuple(m_range)}")
    if ax is None:
        _, ax = plotting.new_figure(width=9.0, height=4.5)
    m = np.linspace(low, high, 1601)
    for name in names:
        style = {"zero-one": {"drawstyle": "steps-pre", "color": "k"}}.get(name, {})
        ax.plot(m, MARGIN_LOSSES[name](m), label=LABELS.get(name, name), **style)
    ax.axvline(0.0, color="k", linewidth=0.8)
    ax.set_ylim(-0.1, 4.0)
    ax.set_xlim(low, high)
    ax.set_xlabel("margin $m = y\\,z$   (wrong  \u2190 \u2192  right)")
    ax.set_ylabel("loss")
    ax.legend(loc="upper right")
    return ax.figure
