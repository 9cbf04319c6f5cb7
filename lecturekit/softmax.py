"""Softmax and the multi-class cross-entropy, written out in numpy (lecture 3).

A batch holds one sample per row: ``z`` has shape ``(n, K)``, one score (logit) per class,
and ``y`` holds ``n`` class indices in ``0..K-1``. For one sample::

    p_j = exp(z_j) / sum_k exp(z_k)          softmax: K probabilities that sum to 1
    C   = -ln p_y                            cross-entropy of the right class
    dC/dz_j = p_j - [j == y]                 its gradient: p - onehot(y)

The loss and gradient of a batch are the means over its samples.
``torch.nn.functional.cross_entropy`` (lecture 6) computes the same loss from the same scores.

The functions are the formulas alone, as the slides show them: they do not check their
arguments (``z`` a finite 2-D float array, ``y`` a 1-D integer array of ``len(z)`` indices).
"""

from __future__ import annotations

import numpy as np


def softmax(z: np.ndarray) -> np.ndarray:
    """p = exp(z) / sum(exp(z)) for every row of scores z (lecture 3). The row's largest
    score is subtracted first: the result is the same, and exp never overflows."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """ln p for every row, z - max - ln sum(exp(z - max)): never ln 0 (lecture 3)."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    """C = -ln p_y, averaged over the rows; y holds each row's class (lecture 3)."""
    return float(-np.mean(log_softmax(z)[np.arange(len(y)), y]))


def cross_entropy_gradient(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dC/dz = (p - onehot(y)) / n for the mean cross-entropy of n rows (lecture 3)."""
    onehot = np.eye(z.shape[1])[y]
    return (softmax(z) - onehot) / len(y)
