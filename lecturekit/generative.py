"""A tiny generative model of digits: naive Bayes with one coin per pixel and class (lecture 6).

A discriminative model (the networks of lecture 6) learns P(y | x) directly. This model
learns how each class *draws* its images, P(x | y), and how common each class is, P(y);
Bayes' rule then turns these into P(y | x) for classification, and the same numbers can
also *generate* new images by sampling.

The model binarises every pixel (ink if above ``threshold``) and assumes that, within a
class, the 784 pixels are independent coins: pixel ``j`` of class ``c`` is ink with
probability ``p[c, j]``. Fitting is counting, with ``alpha`` pseudo-counts (Laplace
smoothing) so that no probability is exactly 0 or 1.

:class:`SoftmaxRegression` is its discriminative twin for a fair comparison: the same
binarised pixels, the same number of parameters (a weight per pixel and class, a bias per
class: 7,850 for MNIST) and the same form of classifier, since naive Bayes' log-probabilities
are linear in the pixels too. Only the fitting differs: counting against minimising the
cross-entropy of P(y | x). Ng and Jordan (2002) showed that the generative fit can win when
there are few training examples, and the discriminative one with many.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from lecturekit._checks import check_array, check_labels, check_positive_int, check_real, to_numpy
from lecturekit.shallow import one_thread

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_CLASSES = 1_000
MAX_SAMPLES = 10_000  # images drawn by one call of sample()
MAX_EPOCHS = 100_000
MAX_BATCH_SIZE = 100_000
MAX_SEED = 2**63 - 1
MAX_PANELS = 50  # rows or columns of one figure


def _as_flat_array(name: str, images: Any) -> tuple[np.ndarray, tuple[int, ...]]:
    """``images`` as an ``n x pixels`` array of finite numbers (bool, int or float), n > 0, and the
    shape of one image."""
    try:
        array = np.asarray(to_numpy(images))
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"{name} must be a numeric array of images, got {type(images).__name__}") from error
    if not (array.dtype == np.bool_ or np.issubdtype(array.dtype, np.integer)
            or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must hold real numbers (pixel values), got {array.dtype}")
    if array.ndim < 2 or array.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n, ...) with n > 0 examples, got {array.shape}")
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        index = int(np.argmax(~np.isfinite(array.reshape(array.shape[0], -1)).all(axis=1)))
        value = array[index][~np.isfinite(array[index])].flat[0]
        raise ValueError(f"{name} must hold finite numbers, but image {index} holds {value}")
    return array.reshape(array.shape[0], -1), tuple(int(size) for size in array.shape[1:])


def _binarize(images: Any, threshold: float) -> tuple[np.ndarray, tuple[int, ...]]:
    """Flat 0/1 float images (1 where brighter than ``threshold``) and the shape of one image."""
    flat, shape = _as_flat_array("images", images)
    return (flat > threshold).astype(np.float64), shape


class _Classifier:
    """What both classifiers of lecture 6 share: class probabilities, predictions and accuracy
    from their per-class scores (``scores``: the log joint, or the logits)."""

    def scores(self, images: Any) -> np.ndarray:
        raise NotImplementedError

    def _fitted(self) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def predict_proba(self, images: Any) -> np.ndarray:
        """``P(y | x)``: the softmax of the scores (for naive Bayes, Bayes' rule)."""
        scores = self.scores(images)
        scores -= scores.max(axis=1, keepdims=True)
        weights = np.exp(scores)
        return weights / weights.sum(axis=1, keepdims=True)

    def predict(self, images: Any) -> np.ndarray:
        """The class with the highest score for every image."""
        return self.scores(images).argmax(axis=1)

    def score(self, images: Any, labels: Any) -> float:
        """Accuracy: the fraction of images whose predicted class is the label."""
        predicted = self.predict(images)
        labels = check_labels("labels", labels, num_classes=len(self._fitted()[1]), count=len(predicted))
        return float((predicted == labels).mean())


class BernoulliNaiveBayes(_Classifier):
    """Per-class, per-pixel Bernoulli model of binarised images (lecture 6)."""

    def __init__(self, alpha: float = 1.0, threshold: float = 0.5) -> None:
        self.alpha = check_real("alpha", alpha, minimum=0.0, strict=True)
        self.threshold = check_real("threshold", threshold)
        self.pixel_probs: np.ndarray | None = None   # p[c, j] = P(pixel j is ink | class c)
        self.class_priors: np.ndarray | None = None  # P(y = c)
        self.image_shape: tuple[int, ...] | None = None

    def __repr__(self) -> str:
        state = "fitted" if self.pixel_probs is not None else "not fitted"
        return f"BernoulliNaiveBayes(alpha={self.alpha:g}, threshold={self.threshold:g}, {state})"

    def binarize(self, images: Any) -> np.ndarray:
        """Images as flat 0/1 arrays: 1 where the pixel is brighter than ``threshold``."""
        return self._binarize(images)[0]

    def _binarize(self, images: Any) -> tuple[np.ndarray, tuple[int, ...]]:
        return _binarize(images, self.threshold)

    def fit(self, images: Any, labels: Any, num_classes: int = 10) -> BernoulliNaiveBayes:
        """Count, per class, how often each pixel is ink; returns the fitted model."""
        num_classes = check_positive_int("num_classes", num_classes, maximum=MAX_CLASSES)
        ink, image_shape = self._binarize(images)
        labels = check_labels("labels", labels, num_classes=num_classes, count=len(ink))
        counts = np.bincount(labels, minlength=num_classes).astype(np.float64)
        ink_counts = np.zeros((num_classes, ink.shape[1]))
        np.add.at(ink_counts, labels, ink)
        self.pixel_probs = (ink_counts + self.alpha) / (counts[:, None] + 2 * self.alpha)
        self.class_priors = (counts + self.alpha) / (counts.sum() + num_classes * self.alpha)
        self.image_shape = image_shape
        return self

    def _fitted(self) -> tuple[np.ndarray, np.ndarray]:
        if self.pixel_probs is None or self.class_priors is None:
            raise RuntimeError("the model is not fitted yet: call fit(images, labels) first")
        return self.pixel_probs, self.class_priors

    def log_joint(self, images: Any) -> np.ndarray:
        """``log P(x, y=c) = log P(y=c) + sum_j log P(x_j | y=c)`` for every image and class."""
        probs, priors = self._fitted()
        ink = self.binarize(images)
        if ink.shape[1] != probs.shape[1]:
            raise ValueError(f"images must have {probs.shape[1]} pixels each, got {ink.shape[1]}")
        return ink @ np.log(probs).T + (1 - ink) @ np.log1p(-probs).T + np.log(priors)

    def scores(self, images: Any) -> np.ndarray:
        """The log joint, one score per class (what :meth:`predict` compares)."""
        return self.log_joint(images)

    def parameter_count(self) -> int:
        """How many numbers the model learns: one probability per pixel and class, one prior per class."""
        probs, priors = self._fitted()
        return int(probs.size + priors.size)

    def linear_form(self) -> tuple[np.ndarray, np.ndarray]:
        """``(W, b)`` with ``log_joint(x) = x @ W.T + b`` for 0/1 pixels ``x``: naive Bayes is a
        linear classifier, of the same form as :class:`SoftmaxRegression`."""
        probs, priors = self._fitted()
        weights = np.log(probs) - np.log1p(-probs)
        return weights, np.log1p(-probs).sum(axis=1) + np.log(priors)

    def sample(self, label: int, count: int = 1, *, seed: int = 0) -> np.ndarray:
        """Draw ``count`` new binary images of class ``label``: one coin flip per pixel."""
        probs, _ = self._fitted()
        label = check_positive_int("label", label, minimum=0)
        if label >= len(probs):
            raise ValueError(f"label must lie in [0, {len(probs) - 1}], got {label}")
        count = check_positive_int("count", count, maximum=MAX_SAMPLES)
        seed = check_positive_int("seed", seed, minimum=0)
        rng = np.random.default_rng(seed)
        draws = (rng.random((count, probs.shape[1])) < probs[label]).astype(np.float64)
        return draws.reshape((count, *self.image_shape))  # type: ignore[misc]

    def class_images(self) -> np.ndarray:
        """The ink probabilities of every class as images (what the model thinks a digit looks like)."""
        probs, _ = self._fitted()
        return probs.reshape((len(probs), *self.image_shape))  # type: ignore[misc]


def softmax_regression_step(weights: torch.Tensor, bias: torch.Tensor, x: torch.Tensor, y: torch.Tensor,
                            lr: float) -> float:
    """One gradient step on the mean cross-entropy of a batch, in place; returns the batch loss
    before the step (lecture 6). ``x`` holds one flat image per row, ``y`` the class indices."""
    log_p = (x @ weights.T + bias).log_softmax(dim=1)  # n x K: log P(y = c | x)
    rows = torch.arange(len(y))
    loss = -log_p[rows, y].mean()
    error = log_p.exp()
    error[rows, y] -= 1.0                              # dC/dscores = (p - onehot(y)) / n
    error /= len(y)
    weights -= lr * (error.T @ x)
    bias -= lr * error.sum(dim=0)
    return loss.item()


class SoftmaxRegression(_Classifier):
    """Softmax regression on binarised pixels: naive Bayes' discriminative twin (lecture 6).

    scores = W x + b, one row of ``W`` and one bias per class, P(y | x) = softmax(scores):
    the single linear layer 784 -> 10 of a network without hidden layers. Pixels are
    binarised as :class:`BernoulliNaiveBayes` does. :meth:`fit` starts from zero weights and
    takes minibatch gradient steps on the cross-entropy, with a learning rate that falls
    linearly from ``lr`` to 0. It computes in float64 on the CPU, on one thread: two machines
    agree on the result to far more digits than a slide prints.
    """

    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = check_real("threshold", threshold)
        self.weights: np.ndarray | None = None  # W[c, j]: weight of pixel j for class c
        self.bias: np.ndarray | None = None     # b[c]

    def __repr__(self) -> str:
        state = "fitted" if self.weights is not None else "not fitted"
        return f"SoftmaxRegression(threshold={self.threshold:g}, {state})"

    def binarize(self, images: Any) -> np.ndarray:
        """Images as flat 0/1 arrays: 1 where the pixel is brighter than ``threshold``."""
        return _binarize(images, self.threshold)[0]

    def parameter_count(self) -> int:
        """How many numbers the model learns: one weight per pixel and class, one bias per class."""
        weights, bias = self._fitted()
        return int(weights.size + bias.size)

    def fit(self, images: Any, labels: Any, *, epochs: int = 5, batch_size: int = 128,
            lr: float = 1.0, seed: int = 0, num_classes: int = 10) -> list[float]:
        """Train from zero weights; returns the loss of every batch, before its step.

        Each epoch visits the images in a fresh random order drawn from ``seed``.
        """
        num_classes = check_positive_int("num_classes", num_classes, maximum=MAX_CLASSES)
        epochs = check_positive_int("epochs", epochs, maximum=MAX_EPOCHS)
        batch_size = check_positive_int("batch_size", batch_size, maximum=MAX_BATCH_SIZE)
        lr = check_real("lr", lr, minimum=0.0, strict=True)
        seed = check_positive_int("seed", seed, minimum=0, maximum=MAX_SEED)
        flat, _ = _as_flat_array("images", images)
        labels = check_labels("labels", labels, num_classes=num_classes, count=len(flat))
        # 0/1 pixels as booleans (1 byte a pixel); each batch becomes float64 when it is used.
        x, y = torch.from_numpy(flat > self.threshold), torch.tensor(labels)
        self.weights = np.zeros((num_classes, x.shape[1]))
        self.bias = np.zeros(num_classes)
        weights, bias = torch.from_numpy(self.weights), torch.from_numpy(self.bias)  # shared memory
        order = torch.Generator().manual_seed(seed)
        per_epoch = -(-len(x) // batch_size)
        total = epochs * per_epoch
        losses = []
        # Batches this small run fastest on one thread, and then add up in the same order anywhere.
        with one_thread():
            for epoch in range(epochs):
                permutation = torch.randperm(len(x), generator=order)
                for index, start in enumerate(range(0, len(x), batch_size)):
                    step = epoch * per_epoch + index
                    batch = permutation[start:start + batch_size]
                    losses.append(softmax_regression_step(weights, bias, x[batch].double(), y[batch],
                                                          lr * (1 - step / total)))
        return losses

    def _fitted(self) -> tuple[np.ndarray, np.ndarray]:
        if self.weights is None or self.bias is None:
            raise RuntimeError("the model is not fitted yet: call fit(images, labels) first")
        return self.weights, self.bias

    def logits(self, images: Any) -> np.ndarray:
        """The scores ``W x + b`` of every image and class."""
        weights, bias = self._fitted()
        x = self.binarize(images)
        if x.shape[1] != weights.shape[1]:
            raise ValueError(f"images must have {weights.shape[1]} pixels each, got {x.shape[1]}")
        return x @ weights.T + bias

    def scores(self, images: Any) -> np.ndarray:
        """The logits, one score per class (what :meth:`predict` compares)."""
        return self.logits(images)


def plot_samples(samples: Sequence[Any], *, size: float = 0.9) -> Figure:
    """Images drawn from a generative model, one column per class (lecture 6).

    ``samples[c]`` holds the images drawn for class ``c``, ``count x h x w`` (or
    ``count x 1 x h x w``), as many for every class; pixel values lie in [0, 1]. Each column
    is titled ``a c`` once, above its images.
    """
    from lecturekit.plotting import new_figure

    if not isinstance(samples, (list, tuple)) or not 0 < len(samples) <= MAX_PANELS:
        raise TypeError(f"samples must be a list of 1 to {MAX_PANELS} arrays, one per class, "
                        f"got {type(samples).__name__}")
    size = check_real("size", size, minimum=0.0, strict=True)
    columns = []
    for label, images in enumerate(samples):
        array = check_array(f"samples[{label}]", images)
        if array.ndim == 4 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim != 3 or not 0 < len(array) <= MAX_PANELS:
            raise ValueError(f"samples[{label}] must have shape (count, h, w) with 0 < count <= "
                             f"{MAX_PANELS}, got {array.shape}")
        if columns and array.shape != columns[0].shape:
            raise ValueError(f"samples[{label}] must have the shape of samples[0] "
                             f"{columns[0].shape}, got {array.shape}")
        columns.append(array)
    count = len(columns[0])
    fig, axes = new_figure(len(columns), count, width=size * len(columns),
                           height=size * count + 0.3, squeeze=False)
    for label, column in enumerate(columns):
        for row, image in enumerate(column):
            axes[row, label].axis("off")
            axes[row, label].imshow(image, cmap="gray", vmin=0.0, vmax=1.0)
        axes[0, label].set_title(f"a {label}", fontsize=12)
    return fig
