"""Generalisation: overfitting made visible on a validation set, and three remedies (lecture 7).

:func:`fit` trains a classifier on a small set of images and, after every epoch, measures
the loss and the accuracy on those training images and on held-out validation images
(:class:`History`). The recipe is AdamW with a learning rate that decays along a half
cosine to zero, so that training settles; with a float64 model and images (``.double()``)
the lecture's runs then end on the same numbers on every CPU. Three remedies for
overfitting are switches of the same loop: ``weight_decay`` (AdamW's decoupled weight
decay), early stopping (the weights of the epoch with the lowest validation loss,
``History.best_weights``) and data augmentation (``max_shift``: every training image moved
by a random few pixels, :func:`random_shift`).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from lecturekit import training
from lecturekit._checks import (
    check_bool,
    check_choice,
    check_labels,
    check_module,
    check_positive_int,
    check_real,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_SHIFT = 14  # half an MNIST image: a larger shift moves the digit out of the picture


@dataclass
class History:
    """What :func:`fit` records (lecture 7).

    ``losses`` holds the loss of every step, on its batch, before the step (the contract of
    every training loop in lecturekit). The other lists hold one value per epoch, measured
    after it on all the training images (without augmentation) and on all the validation
    images. ``best_epoch`` (counted from 1) is the epoch of the lowest validation loss and
    ``best_weights`` a copy of the model's weights after it: early stopping's model.
    """

    losses: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int = 0
    best_weights: dict[str, torch.Tensor] = field(default_factory=dict, repr=False)

    def record(self, model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
               val_images: torch.Tensor, val_labels: torch.Tensor) -> None:
        """Measure ``model`` after one more epoch; keep its weights if the validation loss is the
        lowest so far (lecture 7)."""
        loss, accuracy = _measure(model, images, labels)
        self.train_loss.append(loss)
        self.train_accuracy.append(accuracy)
        loss, accuracy = _measure(model, val_images, val_labels)
        self.val_loss.append(loss)
        self.val_accuracy.append(accuracy)
        if loss < min(self.val_loss[:-1], default=math.inf):
            self.best_epoch = len(self.val_accuracy)
            self.best_weights = copy.deepcopy(model.state_dict())


def measure(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy of ``model`` on ``images`` (lecture 7)."""
    model = check_module("model", model)
    if next(model.parameters(), None) is None:
        raise ValueError(f"model must have weights, but {type(model).__name__} has none")
    labels = _check_split("", model, images, labels)
    return _measure(model, images, labels)


def _measure(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(images)
    model.train(was_training)
    loss = F.cross_entropy(logits, labels).item()
    accuracy = (logits.argmax(dim=1) == labels).double().mean().item()
    return loss, accuracy


def random_shift(images: torch.Tensor, max_shift: int,
                 generator: torch.Generator) -> torch.Tensor:
    """Move every image by up to ``max_shift`` pixels up/down and left/right (lecture 7).

    Pad the images with black borders, then cut each one out again at a random offset.
    """
    height, width = images.shape[-2:]
    padded = F.pad(images, [max_shift] * 4)
    offsets = torch.randint(0, 2 * max_shift + 1, (len(images), 2), generator=generator)
    shifted = torch.empty_like(images)
    for i, (top, left) in enumerate(offsets.tolist()):
        shifted[i] = padded[i, :, top:top + height, left:left + width]
    return shifted


def train_loop(model: nn.Module, images: Tensor, labels: Tensor, val_images: Tensor,
               val_labels: Tensor, *, epochs: int, batch_size: int, lr: float,
               weight_decay: float, max_shift: int, seed: int) -> History:
    """The loop of :func:`fit`, without its checks (lecture 7)."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    steps = epochs * math.ceil(len(images) / batch_size)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    history, generator = History(), torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for batch in torch.randperm(len(images), generator=generator).split(batch_size):
            x = images[batch]
            if max_shift > 0:
                x = random_shift(x, max_shift, generator)
            history.losses.append(training.train_step(model, optimizer, x, labels[batch]))
            schedule.step()
        history.record(model, images, labels, val_images, val_labels)
    return history


def _check_split(prefix: str, model: nn.Module, images: Any, labels: Any) -> torch.Tensor:
    """Check one split for :func:`fit`: images of the model's float type and shape, finite,
    and one class index per image below the model's number of outputs. Returns the labels
    as int64."""
    weight = next(model.parameters())
    if not isinstance(images, torch.Tensor) or not isinstance(labels, torch.Tensor):
        raise TypeError(f"{prefix}images and {prefix}labels must be torch tensors, got "
                        f"{type(images).__name__} and {type(labels).__name__}")
    if images.ndim < 2 or len(images) == 0:
        raise ValueError(f"{prefix}images must be a non-empty batch (N x ...), "
                         f"got shape {tuple(images.shape)}")
    if images.dtype != weight.dtype or images.device != weight.device:
        raise TypeError(f"{prefix}images must be {weight.dtype} on {weight.device} like the model's "
                        f"weights, got {images.dtype} on {images.device}")
    if not torch.isfinite(images).all():
        raise ValueError(f"{prefix}images must hold finite numbers (no NaN or inf)")
    try:
        with torch.no_grad():
            scores = model(images[:1])
    except (RuntimeError, ValueError, TypeError, IndexError) as error:
        raise ValueError(f"{prefix}images of shape {tuple(images.shape)} do not fit the model: "
                         f"{error}") from error
    if not isinstance(scores, torch.Tensor) or scores.ndim != 2 or scores.shape[1] == 0:
        raise ValueError("model must return one row of class scores per image (N x classes)")
    check_labels(f"{prefix}labels", labels, num_classes=scores.shape[1], count=len(images),
                 count_name=f"{prefix}images")
    return labels.long()


def fit(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, val_images: torch.Tensor,
        val_labels: torch.Tensor, *, epochs: int, batch_size: int = 100, lr: float = 1e-3,
        weight_decay: float = 0.0, max_shift: int = 0, seed: int = 0) -> History:
    """Train ``model`` on ``images, labels``, measuring it on both splits after every epoch
    (lecture 7).

    AdamW with peak rate ``lr`` and decoupled ``weight_decay`` (every step first multiplies
    each weight by ``1 - rate * weight_decay``); the rate falls to zero along a half cosine
    over all the steps. Each epoch visits the training images in a random order drawn from
    ``seed``, ``batch_size`` at a time; ``max_shift > 0`` moves every image of a batch by a
    random 0 to ``max_shift`` pixels in each direction (:func:`random_shift`, images
    ``N x channels x height x width``). The model trains where its weights are, in their
    float type; the images must match them. Returns the :class:`History`; the model keeps
    the weights of the last epoch.
    """
    model = check_module("model", model)
    if next(model.parameters(), None) is None:
        raise ValueError(f"model must have weights to train, but {type(model).__name__} has none")
    labels = _check_split("", model, images, labels)
    val_labels = _check_split("val_", model, val_images, val_labels)
    epochs = check_positive_int("epochs", epochs, maximum=training.MAX_EPOCHS)
    batch_size = check_positive_int("batch_size", batch_size, maximum=training.MAX_BATCH_SIZE)
    lr = check_real("lr", lr, minimum=0.0, strict=True)
    weight_decay = check_real("weight_decay", weight_decay, minimum=0.0)
    max_shift = check_positive_int("max_shift", max_shift, minimum=0, maximum=MAX_SHIFT)
    seed = check_positive_int("seed", seed, minimum=0, maximum=training.MAX_SEED)
    if max_shift and images.ndim != 4:
        raise ValueError(f"max_shift needs images N x channels x height x width, got shape "
                         f"{tuple(images.shape)}")
    model.train()
    return train_loop(model, images, labels, val_images, val_labels, epochs=epochs,
                      batch_size=batch_size, lr=lr, weight_decay=weight_decay,
                      max_shift=max_shift, seed=seed)


def _check_histories(histories: Any) -> None:
    if not isinstance(histories, dict) or not histories:
        raise TypeError("histories must be a non-empty dict {name: History}")
    for name, history in histories.items():
        if not isinstance(history, History) or not history.val_loss:
            raise ValueError(f"histories[{name!r}] must be a History of at least one epoch")


def plot_history(histories: dict[str, History], metric: str = "accuracy", *,
                 show_training: bool = True, legend: str = "best",
                 ax: Axes | None = None) -> Figure:
    """Validation (solid) and, if ``show_training``, training (dashed) ``metric`` per epoch, one
    colour per run (lecture 7).

    ``histories`` maps a run's name to its :class:`History`; ``metric`` is ``"loss"``
    (cross-entropy) or ``"accuracy"`` (drawn in %). ``legend`` is ``"best"`` (inside the
    panel, where it covers the fewest points) or ``"outside"`` (to the right of the panel,
    for a low figure whose curves fill it). Without ``ax`` the figure is wide and low, 10 x 2.4
    inches, to sit under a heading and its code on a slide.
    """
    from lecturekit.plotting import new_figure

    check_choice("metric", metric, ("loss", "accuracy"))
    show_training = check_bool("show_training", show_training)
    check_choice("legend", legend, ("best", "outside"))
    _check_histories(histories)
    if ax is None:
        _, ax = new_figure(width=10.0, height=2.4)
    scale = 100.0 if metric == "accuracy" else 1.0
    for index, (name, history) in enumerate(histories.items()):
        epochs = range(1, len(history.val_loss) + 1)
        if show_training:
            values = getattr(history, f"train_{metric}")
            ax.plot(epochs, [scale * v for v in values], "--", color=f"C{index}",
                    label=f"{name}: training")
        values = getattr(history, f"val_{metric}")
        ax.plot(epochs, [scale * v for v in values], "-", color=f"C{index}",
                label=f"{name}: validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (%)" if metric == "accuracy" else "cross-entropy loss")
    if legend == "outside":
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        ax.legend(loc="best")
    return ax.figure


def plot_curves(histories: dict[str, History], *, show_training: bool = True,
                height: float = 2.4) -> Figure:
    """The loss (left) and the accuracy (right) per epoch of every run, side by side: two
    panels of :func:`plot_history` in one figure 12 inches wide and ``height`` high, with one
    legend for both to their right, where it covers no curve (lecture 7).
    """
    from lecturekit.plotting import new_figure

    show_training = check_bool("show_training", show_training)
    height = check_real("height", height, minimum=0.0, strict=True)
    _check_histories(histories)
    fig, (left, right) = new_figure(2, width=12.0, height=height)
    plot_history(histories, "loss", show_training=show_training, ax=left)
    plot_history(histories, "accuracy", show_training=show_training, ax=right)
    for ax in (left, right):
        ax.get_legend().remove()
    fig.legend(*left.get_legend_handles_labels(), loc="outside right center")
    return fig
