"""Checks for the exercises of lecture 7 (generalisation).

Early stopping follows the rule of :class:`lecturekit.generalisation.History` (the best epoch
is the first one with the lowest validation loss; only a strictly lower loss improves on
it), with a patience. The weight-decay step is compared with PyTorch's SGD update with ``weight_decay``
(the function :class:`torch.optim.SGD` runs), in float64. The random shift, lecture 7's data augmentation
(:func:`lecturekit.generalisation.random_shift`), is random, so its check tests what must hold
whatever the random numbers: every image is itself moved as a whole by a whole number of
pixels, black pixels coming in, each image by its own shift, every shift from ``-max_shift``
to ``max_shift`` in both directions occurring, and the same generator seed giving the same
batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Integral
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.sgd import sgd

from lecturekit.exercises.feedback import NotRightYet, Slip, attempt, compare, passed, unchanged

# --- exercise 7.1: early stopping with a patience --------------------------------------------


def _early_stopping(val_losses: Sequence[float], patience: int) -> tuple[int, int]:
    """The best epoch and the epoch training stops after, both counted from 1."""
    best = 1
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < val_losses[best - 1]:
            best = epoch
        if epoch - best >= patience:
            return best, epoch
    return best, len(val_losses)


def check_early_stopping(early_stopping: Callable[..., Any]) -> None:
    """Check ``early_stopping(val_losses, patience)``, which returns ``(best_epoch, stop_epoch)``."""
    cases = [
        ("losses that fall, then rise for good (patience 3)",
         [1.0, 0.8, 0.7, 0.75, 0.8, 0.9, 0.95, 1.0], 3,
         "training stops once `patience` epochs in a row bring no new lowest loss; the best epoch is "
         "the one with the lowest loss."),
        ("a loss that falls in every epoch (patience 2)", [0.9, 0.8, 0.7, 0.6], 2,
         "when the patience never runs out, training runs to the last epoch."),
        ("the same lowest loss twice (patience 3)", [1.0, 0.6, 0.7, 0.6, 0.8, 0.9], 3,
         "only a strictly lower loss counts as an improvement: on a tie the earlier epoch stays the best."),
        ("a lower loss that comes too late (patience 2)", [0.9, 0.5, 0.6, 0.7, 0.4], 2,
         "training stops before it sees the later epochs: the best epoch is the best of the epochs run."),
        ("patience 1 and the lowest loss in epoch 1", [0.5, 0.6, 0.4], 1,
         "with patience 1, training stops at the first epoch that does not improve."),
        ("a new lowest loss just in time (patience 3)", [0.9, 0.5, 0.6, 0.7, 0.4, 0.5], 3,
         "count the epochs since the best one: stop when that count reaches `patience`, not before."),
    ]
    for case, losses, patience, hint in cases:
        result = attempt(early_stopping, "early_stopping", list(losses), patience, case=case)
        if (not isinstance(result, tuple) or len(result) != 2
                or not all(isinstance(v, Integral) and not isinstance(v, bool) for v in result)):
            raise NotRightYet(f"`early_stopping` should return a pair of whole numbers (best_epoch, "
                              f"stop_epoch), got {result!r} on {case}.")
        want = _early_stopping(losses, patience)
        if tuple(result) == (want[0] - 1, want[1] - 1):
            raise NotRightYet(f"(best epoch, stop epoch) on {case}: yours {tuple(result)}, expected {want}.\n"
                              "Both are one too small: count the epochs from 1, as History.best_epoch "
                              "does (the first loss is epoch 1).")
        compare(result[0], want[0], "the best epoch", case=case, hint=hint)
        compare(result[1], want[1], "the epoch training stops after", case=case, hint=hint)
    passed("early_stopping", f"{len(cases)} cases, including a tie and a lower loss that comes too late")


# --- exercise 7.2: an SGD step with L2 weight decay ------------------------------------------

def _layer(seed: int, zero_bias_gradient: bool = False) -> nn.Module:
    """A float64 linear layer 3 -> 2 with random weights and random gradients."""
    generator = torch.Generator().manual_seed(seed)
    layer = nn.Linear(3, 2).double()
    with torch.no_grad():
        for parameter in layer.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator, dtype=torch.float64))
            parameter.grad = torch.randn(parameter.shape, generator=generator, dtype=torch.float64)
    if zero_bias_gradient:
        layer.bias.grad.zero_()
    return layer


def _sgd_slips(w: torch.Tensor, g: torch.Tensor, lr: float, weight_decay: float) -> list[Slip]:
    """The usual slips of the weight-decay step, for the parameter ``w`` with the gradient ``g``."""
    return [
        ("pushed the weights away from 0 with the decay (it must shrink them: check its sign)",
         w - lr * g + lr * weight_decay * w),
        ("made the decay twice too strong (the gradient of (weight_decay / 2) * ||w||^2 is "
         "weight_decay * w, with no factor 2: PyTorch's convention)", w - lr * (g + 2 * weight_decay * w)),
        ("applied the decay term not scaled by the learning rate (both terms of the step are)",
         w - lr * g - weight_decay * w),
        ("applied only the decay, not the gradient step (note that `parameters` may be a generator, "
         "model.parameters(), which can be gone through only once)", w * (1 - lr * weight_decay)),
        ("moved the weights along the gradient but did not decay them", w - lr * g),
    ]


def check_sgd_step(sgd_step: Callable[..., Any]) -> None:
    """Check ``sgd_step(parameters, lr, weight_decay)`` against PyTorch's SGD update with
    ``weight_decay`` (:func:`torch.optim.sgd.sgd`): every parameter updated in place."""
    cases = [
        ("a linear layer 3 -> 2, learning rate 0.3 and weight decay 0.1", 0.3, 0.1, False,
         "the step is w - lr * (grad + weight_decay * w): the decay term is scaled by the learning "
         "rate too, and it pulls every weight towards 0."),
        ("weight decay 0 (plain gradient descent)", 0.1, 0.0, False,
         "with weight_decay = 0 the step is plain gradient descent: w - lr * grad."),
        ("a bias whose gradient is 0, so only the decay moves it (learning rate 0.2, weight decay 0.5)",
         0.2, 0.5, True,
         "with a zero gradient only the decay acts: it multiplies each weight by (1 - lr * weight_decay)."),
    ]
    for number, (case, lr, weight_decay, zero_bias_gradient, hint) in enumerate(cases):
        layer = _layer(number, zero_bias_gradient)
        before = [p.detach().clone() for p in layer.parameters()]
        grads = [p.grad.clone() for p in layer.parameters()]
        # PyTorch's own SGD update, the one torch.optim.SGD.step runs (its constructor would
        # import torch._dynamo: seconds in a fresh kernel).
        reference = [w.clone() for w in before]
        sgd(reference, [g.clone() for g in grads], [None] * len(reference),
            weight_decay=weight_decay, momentum=0.0, lr=lr, dampening=0.0, nesterov=False, maximize=False)
        try:
            # model.parameters() is a generator, as in real use: it can be read only once.
            attempt(sgd_step, "sgd_step", layer.parameters(), lr, weight_decay, case=case)
        except NotRightYet as error:
            if "leaf Variable" in str(error):
                raise NotRightYet(f"{error}\nHint: change the weights in place inside "
                                  "`with torch.no_grad():`, so that autograd does not record the step."
                                  ) from None
            raise
        if all(torch.equal(p, old) for p, old in zip(layer.parameters(), before)):
            raise NotRightYet(f"the parameters did not change on {case}.\nHint: update each parameter "
                              "in place (`p -= ...`): `p = p - ...` only makes a new tensor and leaves "
                              "the model's parameter as it was.")
        for name, got, want, w, g in zip(("the weight matrix", "the bias"), layer.parameters(), reference,
                                         before, grads):
            compare(got.detach(), want, f"{name} after the step", case=case, hint=hint,
                    slips=_sgd_slips(w, g, lr, weight_decay))
    passed("sgd_step", f"{len(cases)} cases, including weight decay 0 and a zero gradient")


# --- exercise 7.3: random shifts --------------------------------------------------------------

def _images(count: int, channels: int, height: int, width: int, seed: int) -> torch.Tensor:
    """Random images with no black pixel, so that every shift gives a different image."""
    generator = torch.Generator().manual_seed(seed)
    return 0.1 + 0.9 * torch.rand(count, channels, height, width, generator=generator, dtype=torch.float64)


def _call_shift(random_shift: Callable[..., Any], images: torch.Tensor, max_shift: int, seed: int,
                case: str) -> torch.Tensor:
    original = images.clone()
    result = attempt(random_shift, "random_shift", images, max_shift, torch.Generator().manual_seed(seed),
                     case=case)
    unchanged(original, images, name="random_shift", argument="images", case=case)
    if not isinstance(result, torch.Tensor):
        raise NotRightYet(f"`random_shift` should return a tensor of images, got a "
                          f"{type(result).__name__} on {case}.")
    if tuple(result.shape) != tuple(images.shape) or result.dtype != images.dtype:
        raise NotRightYet(f"the shifted images on {case} are {tuple(result.shape)} {result.dtype}, expected "
                          f"{tuple(images.shape)} {images.dtype} like the input: a shift keeps the size.")
    return result


def _matches(images: torch.Tensor, shifted: torch.Tensor, offsets: list[tuple[int, int]], *,
             rolled: bool = False) -> torch.Tensor:
    """``[k, i]``: whether ``shifted[i]`` is ``images[i]`` moved down by ``dy`` and right by
    ``dx`` pixels, ``(dy, dx) = offsets[k]`` (negative: up, left), zeros coming in: cut out of
    the images padded with zeros, as lecture 7 does. With ``rolled``, moved by ``torch.roll``
    instead (the pixels pushed out come back in at the other edge)."""
    height, width = images.shape[-2:]
    reach = max(max(abs(dy), abs(dx)) for dy, dx in offsets)
    padded = F.pad(images, [reach] * 4)

    def moved(dy: int, dx: int) -> torch.Tensor:
        if rolled:
            return images.roll((dy, dx), dims=(-2, -1))
        return padded[..., reach - dy:reach - dy + height, reach - dx:reach - dx + width]

    return torch.stack([(moved(*o) == shifted).flatten(1).all(dim=1) for o in offsets])


def _find_shifts(images: torch.Tensor, shifted: torch.Tensor, max_shift: int,
                 case: str) -> list[tuple[int, int]]:
    """The (rows down, columns right) by which each image was moved; explains the first image
    that is not a shifted copy."""
    reach = max_shift + 2  # look a little further, to name a shift that goes too far
    offsets = [(dy, dx) for dy in range(-reach, reach + 1) for dx in range(-reach, reach + 1)]
    matches = _matches(images, shifted, offsets)
    lost = (~matches.any(dim=0)).nonzero().flatten().tolist()
    if lost:
        index = lost[0]
        image, result = images[index:index + 1], shifted[index:index + 1]
        by_channel = [_matches(image[:, c:c + 1], result[:, c:c + 1], offsets).any().item()
                      for c in range(image.shape[1])]
        if _matches(image, result, offsets, rolled=True).any():
            detail = ("the pixels pushed out at one edge came back in at the other (as torch.roll "
                      "does): the pixels that come in must be 0, black.")
        elif len(by_channel) > 1 and all(by_channel):
            detail = "its channels were moved by different shifts: all channels of an image move together."
        else:
            detail = ("it is not the input image moved by whole pixels, with black pixels coming in "
                      "(each output image must be its own input image, moved).")
        raise NotRightYet(f"image {index} on {case}: {detail}")
    found = [offsets[k] for k in matches.int().argmax(dim=0).tolist()]
    for index, (dy, dx) in enumerate(found):
        if max(abs(dy), abs(dx)) > max_shift:
            raise NotRightYet(f"image {index} on {case} was moved by {dy:+d} rows and {dx:+d} columns, "
                              f"more than max_shift = {max_shift}.\nHint: the shift in each direction is "
                              "a whole number from -max_shift to max_shift.")
    return found


def check_random_shift(random_shift: Callable[..., Any]) -> None:
    """Check ``random_shift(images, max_shift, generator)``: each image moved as a whole by
    its own random shift in ``[-max_shift, max_shift]`` in both directions, zeros coming in."""
    case = "300 random 6 x 9 images with max_shift 2"
    images = _images(300, 1, 6, 9, seed=0)
    first = _call_shift(random_shift, images, 2, 5, case)
    shifts = _find_shifts(images, first, 2, case)
    if len(set(shifts)) == 1:
        raise NotRightYet(f"every image on {case} was moved by the same {shifts[0]} (rows, columns): draw a "
                          "separate random shift for each image.")
    for axis, name in ((0, "row"), (1, "column")):
        seen = sorted({shift[axis] for shift in shifts})
        if seen != list(range(-2, 3)):
            raise NotRightYet(f"the {name} shifts on {case} were {seen}, expected every whole number from -2 "
                              "to 2.\nHint: both ends are included, -max_shift and max_shift; note that "
                              "torch.randint(low, high, ...) never draws `high` itself.")
    if len(set(shifts)) < 20:
        raise NotRightYet(f"only {len(set(shifts))} of the 25 combinations of a row and a column shift "
                          f"occurred on {case}: draw the row shift and the column shift separately.")
    if not torch.equal(first, _call_shift(random_shift, images, 2, 5, case)):
        raise NotRightYet(f"two calls with generators of the same seed gave different shifts on {case}: "
                          "draw the random numbers from `generator` (generator=generator), so that a run "
                          "can be repeated.")
    case = "max_shift 0 (nothing may move)"
    images = _images(5, 1, 4, 4, seed=1)
    compare(_call_shift(random_shift, images, 0, 6, case), images, "the images", case=case,
            hint="with max_shift 0 every shift is 0: the images come back unchanged.")
    case = "40 images of 3 channels, 5 x 5, with max_shift 1"
    images = _images(40, 3, 5, 5, seed=2)
    _find_shifts(images, _call_shift(random_shift, images, 1, 7, case), 1, case)
    passed("random_shift", "3 cases, including max_shift 0 and images of 3 channels")
