"""Checks for the exercises of lecture 6 (training on MNIST).

Every check runs the student's function on tiny synthetic data (a few samples of 3 or 4
features, 3 classes) and small float64 networks, against :mod:`lecturekit.training`: the
training step :func:`~lecturekit.training.train_step`, :func:`~lecturekit.training.evaluate`
and :func:`~lecturekit.training.confusion_matrix`. Random numbers (initial weights, dropout)
come from fixed seeds inside :func:`torch.random.fork_rng`, so the student's own random state
is left as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from numbers import Real
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lecturekit import training
from lecturekit.exercises.feedback import NotRightYet, Slip, as_array, attempt, compare, passed

CLASSES = 3


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Run a block with torch's global generator seeded, restoring the caller's state after."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def _network(features: int, *, dropout: float = 0.0, seed: int = 0) -> nn.Module:
    """A small float64 network features-8-3 with a ReLU (and dropout if ``dropout > 0``)."""
    with _seeded(seed):
        layers: list[nn.Module] = [nn.Linear(features, 8), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(8, CLASSES))
        return nn.Sequential(*layers).double()


def _data(count: int, features: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` random float64 samples and their random labels in ``[0, CLASSES)``."""
    generator = torch.Generator().manual_seed(seed)
    images = torch.randn(count, features, generator=generator, dtype=torch.float64)
    labels = torch.randint(0, CLASSES, (count,), generator=generator)
    return images, labels


def _weights(model: nn.Module) -> np.ndarray:
    return torch.cat([p.detach().flatten() for p in model.parameters()]).numpy().copy()


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _require_number(value: Any, name: str, what: str, case: str) -> None:
    """A wrong type of result, a tensor most of all, gets its own message."""
    if isinstance(value, torch.Tensor):
        raise NotRightYet(f"`{name}` returned a tensor on {case}; {what} should be a plain number.\n"
                          "Hint: `.item()` turns a one-element tensor into a Python float (and lets go "
                          "of the computation graph behind it).")
    if not _is_number(value):
        got = "None (did you forget the `return`?)" if value is None else f"a {type(value).__name__}"
        raise NotRightYet(f"`{name}` should return {what}, one number, but returned {got} on {case}.")


# --- exercise 6.1: one epoch of the training loop --------------------------------------------

class _SGD:
    """Plain gradient descent with the interface of a torch optimizer (``zero_grad``, ``step``,
    ``param_groups``). The first :class:`torch.optim.SGD` of a Python process imports
    ``torch._dynamo``, which takes seconds; this one keeps a check in a fresh kernel fast."""

    def __init__(self, params: Any, lr: float) -> None:
        self.params = list(params)
        self.param_groups = [{"params": self.params, "lr": lr}]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    @torch.no_grad()
    def step(self) -> None:
        for p in self.params:
            if p.grad is not None:
                p -= self.param_groups[0]["lr"] * p.grad


def _reference_epoch(model: nn.Module, *, images: torch.Tensor, labels: torch.Tensor, batch_size: int,
                     lr: float, zero_grad: bool = True, train_mode: bool = True,
                     last_batch: bool = True) -> tuple[float, np.ndarray]:
    """One epoch with lecturekit's training step; the switches replay the usual slips.
    Returns the mean batch loss and the weights after the epoch."""
    optimizer = _SGD(model.parameters(), lr=lr)
    model.train(train_mode)
    losses = []
    for start in range(0, len(images), batch_size):
        batch_images, batch_labels = images[start:start + batch_size], labels[start:start + batch_size]
        if not last_batch and len(batch_images) < batch_size:
            break
        if zero_grad:
            losses.append(training.train_step(model, optimizer, batch_images, batch_labels))
        else:
            loss = F.cross_entropy(model(batch_images), batch_labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return float(np.mean(losses)) if losses else float("nan"), _weights(model)


def _started_network(*, dropout: float, seed: int) -> nn.Module:
    """The network of a case, in evaluation mode as after measuring it: the student's loop
    must switch it to training mode."""
    return _network(4, dropout=dropout, seed=seed).eval()


def _replayed(build: Callable[[], nn.Module], run: Callable[..., Any], name: str,
              **switches: bool) -> torch.Tensor:
    """The parameter ``name`` after an epoch that makes the slips ``switches``."""
    model = build()
    with _seeded(1):
        run(model, **switches)
    return model.get_parameter(name).detach()


def _epoch_slips(build: Callable[[], nn.Module], run: Callable[..., Any], name: str) -> list[Slip]:
    """The usual slips of a training loop, replayed on the parameter ``name`` when needed."""
    replay = partial(_replayed, build, run, name)
    return [
        ("never called optimizer.step() (the weights did not change at all: after loss.backward(), "
         "optimizer.step() moves them, and the optimizer must be the one passed in)",
         lambda: build().get_parameter(name).detach()),
        ("let the gradients add up from batch to batch (clear them before each backward pass: "
         "optimizer.zero_grad())", partial(replay, zero_grad=False)),
        ("left dropout off (a model handed over in evaluation mode must be put back in training mode, "
         "model.train(), first)", partial(replay, train_mode=False)),
        ("left out the last, smaller batch (the batches must cover every sample once; the last one may "
         "hold fewer than batch_size)", partial(replay, last_batch=False)),
    ]


def check_train_epoch(train_epoch: Callable[..., Any]) -> None:
    """Check ``train_epoch(model, optimizer, images, labels, batch_size)`` against
    :func:`lecturekit.training.train_step` run over the batches in order."""
    cases = [
        ("10 samples in batches of 4 (the last batch holds only 2)", 10, 4, 0.0, 0.5),
        ("5 samples in batches of 1 (one step per sample)", 5, 1, 0.0, 0.3),
        ("6 samples and a batch size of 16 (one batch holds them all)", 6, 16, 0.0, 0.5),
        ("a model with dropout, handed over in evaluation mode (12 samples in batches of 5)",
         12, 5, 0.5, 0.5),
    ]
    for number, (case, count, batch_size, dropout, lr) in enumerate(cases):
        images, labels = _data(count, 4, seed=10 + number)
        build = partial(_started_network, dropout=dropout, seed=number)
        run = partial(_reference_epoch, images=images, labels=labels, batch_size=batch_size, lr=lr)
        with _seeded(1):
            want_loss, want_weights = run(build())
        model = build()
        optimizer = _SGD(model.parameters(), lr=lr)
        with _seeded(1):
            result = attempt(train_epoch, "train_epoch", model, optimizer, images.clone(), labels.clone(),
                             batch_size, case=case)
        got_weights = _weights(model)
        if not np.allclose(got_weights, want_weights):
            wanted = build()
            torch.nn.utils.vector_to_parameters(torch.from_numpy(want_weights), wanted.parameters())
            for (name, got), want in zip(model.named_parameters(), wanted.parameters()):
                compare(got.detach(), want.detach(), f"the parameter `{name}` after the epoch", case=case,
                        slips=_epoch_slips(build, run, name),
                        hint="go through the batches in order (samples start:start + batch_size) and, for "
                             "each one: zero_grad, forward, cross-entropy loss, backward, step.")
        _require_number(result, "train_epoch", "the mean batch loss", case)
        compare(result, want_loss, "the mean batch loss", case=case,
                hint="average the batch losses: one number per batch (loss.item()), their sum divided "
                     "by the number of batches.")
    passed("train_epoch", f"{len(cases)} cases, including a smaller last batch and a model with dropout")


# --- exercise 6.2: validation accuracy -------------------------------------------------------

class _Recorder(nn.Module):
    """Wraps a network and records, at every forward pass, the mode it ran in and whether
    autograd was recording."""

    def __init__(self, network: nn.Module) -> None:
        super().__init__()
        self.network = network
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.network(x)


def check_evaluate(evaluate: Callable[..., Any]) -> None:
    """Check ``evaluate(model, images, labels)`` against :func:`lecturekit.training.evaluate`:
    the accuracy, computed in evaluation mode without recording gradients."""
    network = _network(4, dropout=0.5, seed=3)
    images, labels = _data(12, 4, seed=20)
    with torch.no_grad():
        predicted = network.eval()(images).argmax(dim=1)
    cases = [
        ("12 samples of 3 classes, the model handed over in training mode (with dropout)",
         images, labels),
        ("a single sample", images[:1], predicted[:1]),
        ("labels the model gets all wrong (accuracy 0)", images, (predicted + 1) % CLASSES),
        ("labels the model gets all right (accuracy 1)", images[:7], predicted[:7]),
    ]
    for case, case_images, case_labels in cases:
        model = _Recorder(copy.deepcopy(network)).train()
        with _seeded(2):
            result = attempt(evaluate, "evaluate", model, case_images.clone(), case_labels.clone(), case=case)
        if not model.calls:
            raise NotRightYet(f"`evaluate` never called the model on {case}: compute its logits with "
                              "model(images).")
        if any(training_mode for training_mode, _ in model.calls):
            raise NotRightYet(f"`evaluate` ran the model in training mode on {case}, so dropout switched "
                              "units off at random and the answer changes from run to run.\n"
                              "Hint: switch the model to evaluation mode (model.eval()) before computing "
                              "the logits.")
        if any(recording for _, recording in model.calls):
            raise NotRightYet(f"`evaluate` ran the model while recording gradients on {case}: measuring "
                              "needs no backward pass, and the recording costs memory and time.\n"
                              "Hint: compute the logits inside `with torch.no_grad():`.")
        _require_number(result, "evaluate", "the accuracy", case)
        want = training.evaluate(copy.deepcopy(network), case_images, case_labels)
        compare(result, want, "the accuracy", case=case,
                hint="the accuracy is the fraction (between 0 and 1) of samples whose largest logit, "
                     "the argmax over the classes (dim=1), is their label.")
    passed("evaluate", f"{len(cases)} cases, including a model with dropout and a single sample")


# --- exercise 6.3: the confusion matrix ------------------------------------------------------

def check_confusion_matrix(confusion_matrix: Callable[..., Any]) -> None:
    """Check ``confusion_matrix(labels, predicted, num_classes)`` against
    :func:`lecturekit.training.confusion_matrix`."""
    def pairs(*values: tuple[int, int]) -> tuple[torch.Tensor, torch.Tensor]:
        true, guess = zip(*values)
        return torch.tensor(true), torch.tensor(guess)

    cases = [
        ("9 samples of 3 classes, some (true, predicted) pairs occurring several times",
         *pairs((0, 0), (0, 0), (1, 2), (1, 2), (1, 2), (2, 1), (2, 2), (0, 1), (1, 1)), 3),
        ("4 classes where class 3 never occurs (the matrix is still 4 x 4)",
         *pairs((0, 1), (1, 1), (2, 0), (2, 2), (1, 0)), 4),
        ("predictions that are all right (only the diagonal is filled)",
         *pairs((2, 2), (0, 0), (1, 1), (2, 2)), 3),
        ("a single sample", *pairs((1, 0)), 3),
    ]
    for case, labels, predicted, num_classes in cases:
        result = attempt(confusion_matrix, "confusion_matrix", labels.clone(), predicted.clone(), num_classes,
                         case=case)
        want = training.confusion_matrix(labels, predicted, num_classes).numpy()
        hint = ("row i is the true class and column j the predicted class: every sample adds 1 to "
                "the cell (its label, its prediction).")
        got = as_array(result)
        if got is not None and got.ndim == 2 and got.shape != want.shape:
            hint = "the matrix is num_classes x num_classes, also when a class never occurs."
        compare(result, want, "the confusion matrix", case=case, hint=hint, slips=[
            ("counted each pair (true, predicted) at most once (every cell holds at most 1, but a pair that "
             "occurs 3 times must count 3; note that an indexed `+= 1` with repeated indices adds only once)",
             np.minimum(want, 1)),
        ])
    passed("confusion_matrix", f"{len(cases)} cases, including a class that never occurs")
