"""Training and evaluating a classifier on MNIST, fast on a laptop CPU (lecture 6).

The fast path keeps a whole data split in memory as one tensor
(:func:`lecturekit.data.mnist_tensors`) and cuts each shuffled epoch into batches by
indexing. :func:`fit_loader` runs the same training step on the pattern most tutorials
use, a :class:`torch.utils.data.DataLoader` over the torchvision data set with a per-image
``ToTensor`` transform (:func:`classroom_loader`), so that the two can be timed side by side.

Both use the same recipe: the Adam optimizer (in its AdamW form, weight decay 5e-4) and a
one-cycle learning-rate schedule (the rate climbs to ``lr`` over the first quarter of the
steps, then anneals to almost zero). With ``lr=None`` the peak rate is the model's
``default_lr`` attribute (0.01 for :class:`~lecturekit.models.MnistMLP` and
:class:`~lecturekit.models.SmallCNN`, tuned for this schedule on MNIST), or
:data:`DEFAULT_LR` (1e-3, Adam's usual rate) for a model without one.
"""

from __future__ import annotations

import itertools
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lecturekit import data
from lecturekit._checks import (
    check_array,
    check_bool,
    check_labels,
    check_module,
    check_positive_int,
    check_real,
    to_numpy,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DEFAULT_LR = 1e-3
WEIGHT_DECAY = 5e-4
WARMUP_FRACTION = 0.25
# Seconds between two redraws of the progress bar, and at most this many redraws in a run (one
# per quarter): few redraws keep the stored notebook, and its slide, small on a slow machine too.
PROGRESS_INTERVAL_S = 2.0
PROGRESS_REDRAWS = 4
# Upper bounds on the sizes and run lengths a caller may ask for: beyond them the value is a
# mistake (a typo, or a count passed as a size), caught before any memory is taken.
MAX_EPOCHS = 1_000
MAX_BATCH_SIZE = 100_000  # more than the 60,000 MNIST training images
MAX_STEPS = 100_000_000  # 1,000 epochs of MNIST in batches of one is 6e7
MAX_CLASSES = 1_000
MAX_SEED = 2**63 - 1  # torch.Generator seeds are 64-bit


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer,
               images: torch.Tensor, labels: torch.Tensor) -> float:
    """One step of gradient descent on one batch; returns the batch loss (lecture 6)."""
    optimizer.zero_grad()                    # 1. forget the previous gradients
    logits = model(images)                   # 2. forward: scores for the 10 classes
    loss = F.cross_entropy(logits, labels)   # 3. loss: how wrong the scores are
    loss.backward()                          # 4. backward: gradients of the loss
    optimizer.step()                         # 5. step: move the weights downhill
    return loss.item()


def peak_lr(model: nn.Module, lr: float | None = None) -> float:
    """The peak learning rate: ``lr`` if given, else the model's ``default_lr`` (lecture 6)."""
    check_module("model", model)
    if lr is None:
        lr = getattr(model, "default_lr", DEFAULT_LR)
    return check_real("lr", lr, minimum=0.0, strict=True)


def make_optimizer(model: nn.Module, lr: float, total_steps: int) -> tuple[torch.optim.Optimizer, Any]:
    """AdamW and a one-cycle schedule peaking at ``lr``, over ``total_steps`` steps (lecture 6).

    A run too short to warm up (``WARMUP_FRACTION * total_steps <= 1``) keeps the rate at ``lr``.
    """
    check_module("model", model)
    lr = check_real("lr", lr, minimum=0.0, strict=True)
    check_positive_int("total_steps", total_steps, maximum=MAX_STEPS)
    params = list(model.parameters())
    if not params:
        raise ValueError(f"model must have weights to train, but {type(model).__name__} has no parameters")
    # The fused implementation updates all weights in one pass: 2-3x faster steps on a CPU.
    fused = all(p.device.type in ("cpu", "cuda") for p in params)
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=WEIGHT_DECAY, fused=fused or None)
    if WARMUP_FRACTION * total_steps <= 1:
        return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=total_steps,
                                                   pct_start=WARMUP_FRACTION)
    return optimizer, schedule


def _check_images(model: nn.Module, images: Any, dev: torch.device) -> int:
    """Check a batch of ``images`` for ``model`` (already on ``dev``): a non-empty float tensor
    of finite values whose examples the model takes. Returns the number of classes, the size
    of the model's output, found by running the model on the first image."""
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"images must be a torch.Tensor, got {type(images).__name__}")
    if images.ndim < 2:
        raise ValueError(f"images must have a batch axis first (N x ...), got shape {tuple(images.shape)}")
    if len(images) == 0:
        raise ValueError("images is empty: need at least one example")
    if not images.is_floating_point():
        raise TypeError(f"images must hold floats (for example images.float() / 255), got {images.dtype}")
    weight = next(model.parameters(), None)
    if weight is not None and weight.is_floating_point() and images.dtype != weight.dtype:
        raise TypeError(f"images hold {images.dtype} but the model computes in {weight.dtype}: "
                        f"convert them with images.to({weight.dtype})")
    expected = getattr(model, "input_shape", None)
    if expected is not None and tuple(images.shape[1:]) != tuple(expected):
        raise ValueError(f"images must have shape (N, {', '.join(map(str, expected))}) for "
                         f"{type(model).__name__}, got {tuple(images.shape)}")
    # The sum is NaN or inf exactly when a value is (or when finite values overflow): one pass, no copy.
    if not torch.isfinite(images.sum()):
        bad = ~torch.isfinite(images.flatten(1)).all(dim=1)
        if bad.any():
            index = int(bad.nonzero()[0])
            value = images[index][~torch.isfinite(images[index])][0].item()
            raise ValueError(f"images must hold finite numbers, but image {index} holds {value}")
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            scores = model(images[:1].to(dev))
    except (RuntimeError, ValueError, TypeError, IndexError) as error:
        raise ValueError(f"images of shape {tuple(images.shape)} do not fit the model: on one image of "
                         f"shape {tuple(images.shape[1:])} it fails with: {error}") from error
    finally:
        model.train(was_training)
    shape = tuple(scores.shape) if isinstance(scores, torch.Tensor) else type(scores).__name__
    if not isinstance(shape, tuple) or len(shape) != 2 or shape[0] != 1 or shape[1] == 0:
        raise ValueError(f"model must return one row of class scores per image (N x classes), "
                         f"got {shape} for one image")
    return int(scores.shape[1])


def _check_data(model: nn.Module, images: Any, labels: Any,
                dev: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Check images (see :func:`_check_images`) and their labels: an integer tensor with one class
    index per image, each below the model's number of outputs. Returns the labels as int64."""
    num_classes = _check_images(model, images, dev)
    if not isinstance(labels, torch.Tensor):
        raise TypeError(f"labels must be a torch.Tensor, got {type(labels).__name__}")
    check_labels("labels", labels, num_classes=num_classes, count=len(images))
    return images, labels.long()


def _progress(total: int, enabled: bool, desc: str) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    # miniters: redraw after a quarter of the steps at the earliest; maxinterval=inf stops tqdm's
    # monitor thread from lifting that bound (to redraw every few seconds) on a slow machine.
    return tqdm(total=total, desc=desc, unit="batch", file=sys.stdout, mininterval=PROGRESS_INTERVAL_S,
                miniters=max(1, -(-total // PROGRESS_REDRAWS)), maxinterval=math.inf,
                dynamic_ncols=False, ncols=90)


def _train(model: nn.Module, epoch_batches: Callable[[], Iterable[tuple[torch.Tensor, torch.Tensor]]], *,
           epochs: int, steps: int, lr: float, progress: bool) -> list[float]:
    """The loop :func:`fit` and :func:`fit_loader` share: ``epochs`` passes over ``epoch_batches()``
    (``steps`` batches each) with one optimizer and schedule, on :func:`lecturekit.data.device`."""
    dev = data.device()
    model.to(dev).train()
    optimizer, schedule = make_optimizer(model, lr, epochs * steps)
    losses: list[float] = []
    bar = _progress(epochs * steps, progress, "training")
    try:
        for epoch in range(epochs):
            if bar is not None:
                bar.set_description(f"epoch {epoch + 1}/{epochs}", refresh=False)
            for images, labels in epoch_batches():
                losses.append(train_step(model, optimizer, images.to(dev), labels.to(dev)))
                schedule.step()
                if bar is not None:
                    bar.set_postfix(loss=f"{losses[-1]:.3f}", refresh=False)
                    bar.update()
    finally:
        if bar is not None:
            bar.close()
    diverged = next((i for i, loss in enumerate(losses) if not math.isfinite(loss)), None)
    if diverged is not None:
        warnings.warn(f"the training loss became {losses[diverged]} at batch {diverged + 1} of "
                      f"{len(losses)}: the learning rate (lr={lr:g}) may be too high, or the data "
                      "holds NaN or inf", RuntimeWarning, stacklevel=3)
    return losses


def fit(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, *, epochs: int = 1,
        batch_size: int = 128, lr: float | None = None, seed: int = 0,
        progress: bool = True) -> list[float]:
    """Train ``model`` on in-memory tensors; returns the loss of every batch (lecture 6).

    Each epoch visits the examples in a fresh random order (a permutation of the indices,
    drawn from ``seed``), ``batch_size`` at a time; the last batch may be smaller. The model
    and the data are moved to :func:`lecturekit.data.device`. ``lr`` is the peak of the
    one-cycle schedule; ``None`` takes the model's ``default_lr`` (see the module notes).
    ``progress`` shows a tqdm progress bar. The images must be finite and fit the model, the
    labels integers in ``[0, number of model outputs)``.
    """
    model = check_module("model", model)
    epochs = check_positive_int("epochs", epochs, maximum=MAX_EPOCHS)
    batch_size = check_positive_int("batch_size", batch_size, maximum=MAX_BATCH_SIZE)
    seed = check_positive_int("seed", seed, minimum=0, maximum=MAX_SEED)
    progress = check_bool("progress", progress)
    lr = peak_lr(model, lr)
    dev = data.device()
    model.to(dev)
    images, labels = _check_data(model, images, labels, dev)
    images, labels = images.to(dev), labels.to(dev)
    count = len(images)
    order = torch.Generator().manual_seed(seed)

    def shuffled_batches() -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        permutation = torch.randperm(count, generator=order).to(dev)
        for start in range(0, count, batch_size):
            batch = permutation[start:start + batch_size]
            yield images[batch], labels[batch]

    return _train(model, shuffled_batches, epochs=epochs, steps=-(-count // batch_size), lr=lr,
                  progress=progress)


def classroom_loader(train: bool = True, *, batch_size: int = 128, shuffle: bool = True, seed: int = 0,
                     root: str | os.PathLike[str] | None = None) -> torch.utils.data.DataLoader:
    """The tutorial pattern: ``DataLoader(MNIST(transform=ToTensor()))`` (lecture 6).

    Every image is converted from a PIL image to a tensor one at a time, on every epoch.
    The tensors are the same as :func:`lecturekit.data.mnist_tensors` gives (pixels / 255);
    ``root`` picks the data folder as in :func:`lecturekit.data.mnist`.
    """
    check_bool("train", train)
    batch_size = check_positive_int("batch_size", batch_size, maximum=MAX_BATCH_SIZE)
    seed = check_positive_int("seed", seed, minimum=0, maximum=MAX_SEED)
    shuffle = check_bool("shuffle", shuffle)
    data.data_dir(root)  # checks root before the slow torchvision import
    from torchvision.transforms import ToTensor

    dataset = data.mnist(train=train, root=root, transform=ToTensor())
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=shuffle,
                                       generator=torch.Generator().manual_seed(seed))


def fit_loader(model: nn.Module, loader: Iterable[tuple[torch.Tensor, torch.Tensor]], *,
               epochs: int = 1, lr: float | None = None, max_batches: int | None = None,
               progress: bool = True) -> list[float]:
    """Train ``model`` on the batches of a DataLoader, with the recipe of :func:`fit` (lecture 6).

    ``max_batches`` stops each epoch early (to time a few batches in class); the learning-rate
    schedule is then laid out over the batches actually run. Returns the loss of every batch.
    The first batch is checked as :func:`fit` checks its data; checking every batch would
    cost as much as the conversion the lecture times.
    """
    model = check_module("model", model)
    epochs = check_positive_int("epochs", epochs, maximum=MAX_EPOCHS)
    progress = check_bool("progress", progress)
    try:
        steps = len(loader)  # type: ignore[arg-type]
    except TypeError as error:
        raise TypeError(f"loader must be a DataLoader or another sized iterable of (images, labels) "
                        f"batches, got {type(loader).__name__}") from error
    if max_batches is not None:
        steps = min(steps, check_positive_int("max_batches", max_batches, maximum=MAX_STEPS))
    if steps == 0:
        raise ValueError("loader is empty: need at least one batch")
    lr = peak_lr(model, lr)
    checked = False

    def batches() -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        nonlocal checked
        for batch in itertools.islice(loader, steps):
            if not checked:
                if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                    raise TypeError(f"each batch of loader must be a pair (images, labels), "
                                    f"got {type(batch).__name__}")
                batch = _check_data(model, batch[0], batch[1], data.device())
                checked = True
            yield batch

    try:
        return _train(model, batches, epochs=epochs, steps=steps, lr=lr, progress=progress)
    except IndexError as error:  # cross_entropy on a later batch with a label the model has no output for
        if "out of bounds" not in str(error):
            raise
        raise ValueError(f"labels of a batch of loader lie outside the model's classes: {error}") from error


def _predict_proba(model: nn.Module, images: torch.Tensor, batch_size: int,
                   dev: torch.device) -> torch.Tensor:
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            parts = [model(images[i:i + batch_size].to(dev)).softmax(dim=1).cpu()
                     for i in range(0, len(images), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(parts)


def predict_proba(model: nn.Module, images: torch.Tensor, *, batch_size: int = 1000) -> torch.Tensor:
    """Class probabilities (softmax of the logits), ``N x classes``, on the CPU (lecture 6)."""
    model = check_module("model", model)
    batch_size = check_positive_int("batch_size", batch_size, maximum=MAX_BATCH_SIZE)
    dev = data.device()
    model.to(dev)
    _check_images(model, images, dev)
    return _predict_proba(model, images, batch_size, dev)


def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Accuracy of ``model``: the fraction of examples whose argmax prediction is right (lecture 6)."""
    model = check_module("model", model)
    dev = data.device()
    model.to(dev)
    images, labels = _check_data(model, images, labels, dev)
    predicted = _predict_proba(model, images, 1000, dev).argmax(dim=1)
    return (predicted == labels.cpu()).double().mean().item()


def confusion_matrix(labels: Any, predicted: Any, num_classes: int = 10) -> torch.Tensor:
    """``C[i, j]`` = how many examples of class ``i`` were predicted as ``j`` (lecture 6)."""
    num_classes = check_positive_int("num_classes", num_classes, maximum=MAX_CLASSES)
    labels = check_labels("labels", labels, num_classes=num_classes)
    predicted = check_labels("predicted", predicted, num_classes=num_classes, count=len(labels),
                             count_name="labels")
    flat = torch.bincount(torch.from_numpy(labels * num_classes + predicted), minlength=num_classes**2)
    return flat.reshape(num_classes, num_classes)


# --- figures of lecture 6 --------------------------------------------------------------------

def plot_batch_losses(histories: dict[str, Sequence[float]], *, window: int = 50,
                      log_scale: bool = True, ax: Axes | None = None) -> Figure:
    """The loss of every batch (faint) with its moving average over ``window`` batches (lecture 6).

    ``histories`` maps a model name to its list of batch losses, as :func:`fit` returns them.
    """
    from lecturekit.plotting import moving_average, new_figure

    window = check_positive_int("window", window, maximum=MAX_STEPS)
    log_scale = check_bool("log_scale", log_scale)
    if not isinstance(histories, dict):
        raise TypeError(f"histories must be a dict {{name: batch losses}}, got {type(histories).__name__}")
    if not histories or not all(len(losses) for losses in histories.values()):
        raise ValueError("histories must be a non-empty dict of non-empty lists of batch losses")
    if ax is None:
        _, ax = new_figure(width=10.0, height=3.0)
    for index, (name, losses) in enumerate(histories.items()):
        losses = check_array(f"histories[{name!r}]", losses, ndim=1)
        color = f"C{index}"
        steps = np.arange(1, len(losses) + 1)
        ax.plot(steps, losses, color=color, alpha=0.25, linewidth=1.0)
        size = min(window, len(losses))
        ax.plot(steps[size - 1:], moving_average(losses, size), color=color,
                label=f"{name} (mean of {size} batches)")
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("batch")
    ax.set_ylabel("cross-entropy loss")
    ax.legend(loc="upper right")
    return ax.figure


def plot_confusion_matrix(matrix: Any, *, title: str | None = None, ax: Axes | None = None) -> Figure:
    """Counts of true class (rows) against predicted class (columns), written in the cells (lecture 6).

    The colour follows the logarithm of the count so that the few mistakes stand out next to
    the large diagonal. The cells are wider than tall (``aspect="auto"``): the figure is wide
    and low, to sit under a heading and its code on a slide.
    """
    from lecturekit.plotting import new_figure

    counts = check_array("matrix", to_numpy(matrix))
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or not 0 < counts.shape[0] <= MAX_CLASSES:
        raise ValueError(f"matrix must be square (k x k, k <= {MAX_CLASSES}), got shape {counts.shape}")
    size = counts.shape[0]
    if ax is None:
        _, ax = new_figure(width=9.0, height=3.0)
    ax.imshow(np.log1p(counts), cmap="Blues", aspect="auto")
    ax.grid(False)
    threshold = np.log1p(counts.max()) / 2
    for (row, col), value in np.ndenumerate(counts):
        if value:
            ax.text(col, row, f"{value:.0f}", ha="center", va="center", fontsize=12,
                    color="white" if np.log1p(value) > threshold else "black")
    ax.set_xticks(range(size))
    ax.set_yticks(range(size))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if title:
        ax.set_title(title)
    return ax.figure


def plot_class_counts(counts: Any, *, ax: Axes | None = None) -> Figure:
    """A bar per class: how many examples it has, ``counts[c]`` for class ``c`` (lecture 6)."""
    from lecturekit.plotting import new_figure

    values = check_array("counts", to_numpy(counts), ndim=1)
    if not 0 < len(values) <= MAX_CLASSES or (values < 0).any():
        raise ValueError(f"counts must hold 1 to {MAX_CLASSES} counts, none negative, got {values}")
    if ax is None:
        _, ax = new_figure(width=10.0, height=2.2)
    ax.bar(range(len(values)), values, color="C0")
    ax.set_xticks(range(len(values)))
    ax.set_xlabel("digit")
    ax.set_ylabel("images")
    return ax.figure


def plot_confident_mistakes(images: Any, labels: Any, probs: Any, *, count: int = 24,
                            ncols: int = 12) -> Figure:
    """The ``count`` most confident mistakes, most confident first, titled ``true→answer p``
    (lecture 6).

    ``probs`` holds the class probabilities of the ``images`` (:func:`predict_proba`), one row
    per image; ``labels`` their true classes. Without a mistake the figure says "no mistakes".
    """
    from lecturekit.plotting import new_figure, show_images

    p = check_array("probs", to_numpy(probs), ndim=2)
    truth = check_labels("labels", labels, num_classes=p.shape[1], count=len(p), count_name="probs")
    pictures = np.asarray(to_numpy(images), dtype=np.float64)
    if len(pictures) != len(p):
        raise ValueError(f"images must hold one image per row of probs ({len(p)}), got {len(pictures)}")
    count = check_positive_int("count", count, maximum=MAX_BATCH_SIZE)
    answer = p.argmax(axis=1)
    confidence = p.max(axis=1)
    wrong = np.flatnonzero(answer != truth)
    worst = wrong[np.argsort(-confidence[wrong], kind="stable")][:count]
    if not len(worst):
        fig, ax = new_figure(width=10.0, height=1.0)
        ax.axis("off")
        ax.set_title("no mistakes")
        return fig
    titles = [f"{truth[i]}→{answer[i]} {confidence[i]:.0%}" for i in worst]
    return show_images(pictures[worst], titles, ncols=ncols)


def cosine_similarity(a: Any, b: Any) -> float:
    """``a · b / (|a| |b|)`` of two arrays read as flat vectors: 1 for the same pattern at any
    scale, 0 for unrelated ones, -1 for the opposite pattern (lecture 6)."""
    x = check_array("a", a).ravel()
    y = check_array("b", b).ravel()
    if x.shape != y.shape:
        raise ValueError(f"a and b must have the same number of values, got {x.size} and {y.size}")
    norms = float(np.linalg.norm(x) * np.linalg.norm(y))
    if norms == 0.0:
        raise ValueError("a and b must not be all zeros: the cosine of a zero vector is undefined")
    return float(x @ y / norms)


def plot_kernel_matches(filters: Any, closest: dict[str, int], image: Any, *,
                        size: float = 1.1) -> Figure:
    """For every kernel name of lecture 4 in ``closest`` (name -> index of a learned filter):
    the kernel, the learned filter (its sign flipped to match), their cosine, and what both
    do to ``image`` (lecture 6). Four panels per kernel, two kernels per row.
    """
    from lecturekit.kernels import KERNELS, correlate2d, show_kernels

    learned = check_array("filters", to_numpy(filters), ndim=3)
    picture = check_array("image", to_numpy(image), ndim=2)
    if not isinstance(closest, dict) or not closest:
        raise TypeError("closest must be a non-empty dict {kernel name: filter index}")
    panels, titles = [], []
    for name, index in closest.items():
        if name not in KERNELS:
            raise ValueError(f"closest: unknown kernel {name!r}; choose from {sorted(KERNELS)}")
        index = check_positive_int(f"closest[{name!r}]", index, minimum=0)
        if index >= len(learned):
            raise ValueError(f"closest[{name!r}] must be below the number of filters "
                             f"({len(learned)}), got {index}")
        kernel = KERNELS[name]
        score = cosine_similarity(learned[index], kernel)
        match = learned[index] * np.sign(score)
        panels += [kernel, match, correlate2d(picture, kernel), correlate2d(picture, match)]
        titles += [name, f"filter {index}: {abs(score):.2f}", f"{name} map", f"filter {index} map"]
    fig = show_kernels(panels, titles, ncols=8, size=size)
    fig.set_size_inches(11.0, fig.get_figheight())  # room between the eight panels' titles
    return fig
