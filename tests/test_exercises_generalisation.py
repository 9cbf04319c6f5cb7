"""The checks of lecture 7's exercises accept the master solution, report the stub as not
done, and reject typical wrong answers with a message that says what differs."""

import time

import torch
import torch.nn.functional as F
from exercise_support import assert_accepts, assert_not_done, assert_rejects, master, stub

from lecturekit.exercises import generalisation as checks

PRELUDE = "import torch"


def test_early_stopping(capsys):
    check = checks.check_early_stopping
    assert_accepts(check, master("07", "early_stopping", PRELUDE), capsys)
    assert_not_done(check, stub("07", "early_stopping", PRELUDE))

    def stopping(val_losses, patience, *, better=lambda new, old: new < old, slack=0, start=1):
        best = 0
        for epoch, loss in enumerate(val_losses):
            if better(loss, val_losses[best]):
                best = epoch
            if epoch - best >= patience + slack:
                return best + start, epoch + start
        return best + start, len(val_losses) - 1 + start

    def counts_from_zero(val_losses, patience):
        return stopping(val_losses, patience, start=0)

    def ties_improve(val_losses, patience):
        return stopping(val_losses, patience, better=lambda new, old: new <= old)

    def one_epoch_too_late(val_losses, patience):
        return stopping(val_losses, patience, slack=1)

    def one_epoch_too_early(val_losses, patience):
        return stopping(val_losses, patience, slack=-1)

    def ignores_patience(val_losses, patience):
        best = min(range(len(val_losses)), key=val_losses.__getitem__)
        return best + 1, len(val_losses)

    assert_rejects(check, counts_from_zero, "one too small", "count the epochs from 1")
    assert_rejects(check, ties_improve, "the best epoch", "the same lowest loss twice", "strictly lower")
    assert_rejects(check, one_epoch_too_late, "the epoch training stops after", "fall, then rise",
                   "yours is 7, expected 6")
    assert_rejects(check, one_epoch_too_early, "the epoch training stops after", "yours is 5, expected 6")
    assert_rejects(check, ignores_patience, "the epoch training stops after", "fall, then rise",
                   "`patience` epochs in a row")
    assert_rejects(check, lambda val_losses, patience: [2, 4], "pair of whole numbers")


def test_sgd_step(capsys):
    check = checks.check_sgd_step
    assert_accepts(check, master("07", "sgd_step", PRELUDE), capsys)
    assert_not_done(check, stub("07", "sgd_step", PRELUDE))

    def step(parameters, lr, weight_decay, *, sign=1.0, factor=1.0, scaled=True):
        with torch.no_grad():
            for p in parameters:
                decay = factor * weight_decay * p
                p -= lr * p.grad + sign * (lr * decay if scaled else decay)

    def decay_sign_error(parameters, lr, weight_decay):
        step(parameters, lr, weight_decay, sign=-1.0)

    def factor_two(parameters, lr, weight_decay):
        step(parameters, lr, weight_decay, factor=2.0)

    def decay_without_lr(parameters, lr, weight_decay):
        step(parameters, lr, weight_decay, scaled=False)

    def rebinds(parameters, lr, weight_decay):
        with torch.no_grad():
            for p in parameters:
                p = p - lr * (p.grad + weight_decay * p)  # noqa: PLW2901 - the slip under test

    def outside_no_grad(parameters, lr, weight_decay):
        for p in parameters:
            p -= lr * (p.grad + weight_decay * p)

    def reads_twice(parameters, lr, weight_decay):
        with torch.no_grad():
            for p in parameters:
                p.mul_(1 - lr * weight_decay)
            for p in parameters:  # the generator is used up: no gradient step happens
                p -= lr * p.grad

    assert_rejects(check, decay_sign_error, "the weight matrix after the step", "learning rate 0.3",
                   "away from 0", "check its sign")
    assert_rejects(check, factor_two, "the weight matrix after the step", "weight decay 0.1",
                   "twice too strong")
    assert_rejects(check, decay_without_lr, "the weight matrix after the step",
                   "not scaled by the learning rate")
    assert_rejects(check, rebinds, "did not change", "in place")
    assert_rejects(check, outside_no_grad, "RuntimeError", "leaf Variable", "with torch.no_grad():")
    assert_rejects(check, reads_twice, "the weight matrix after the step", "only the decay", "generator")
    message = assert_rejects(check, lambda parameters, lr, weight_decay: step(parameters, lr, 0.0),
                             "weight decay 0.1", "did not decay")
    assert "weight_decay = 0" not in message  # the first case named is the one that failed


def test_random_shift(capsys):
    check = checks.check_random_shift
    assert_accepts(check, master("07", "random_shift", PRELUDE), capsys)
    assert_not_done(check, stub("07", "random_shift", PRELUDE))

    def shift(images, max_shift, generator, *, high=None, same=False, wrap=False, channels=False,
              source=None):
        height, width = images.shape[-2:]
        m = max_shift
        high = 2 * m + 1 if high is None else high
        padded = F.pad(images, [m] * 4)
        out = torch.zeros_like(images)
        offsets = torch.randint(0, high, (len(images), 2), generator=source or generator)
        if same:
            offsets[:] = offsets[0]
        for i, (top, left) in enumerate(offsets.tolist()):
            if wrap:
                out[i] = images[i].roll((top - m, left - m), dims=(-2, -1))
            elif channels:
                for c in range(images.shape[1]):
                    top, left = torch.randint(0, high, (2,), generator=generator).tolist()
                    out[i, c] = padded[i, c, top:top + height, left:left + width]
            else:
                out[i] = padded[i, :, top:top + height, left:left + width]
        return out

    def rolls(images, max_shift, generator):
        return shift(images, max_shift, generator, wrap=True)

    def never_largest(images, max_shift, generator):
        return shift(images, max_shift, generator, high=2 * max_shift)

    def one_shift_for_all(images, max_shift, generator):
        return shift(images, max_shift, generator, same=True)

    def global_random_numbers(images, max_shift, generator):
        return shift(images, max_shift, generator, source=torch.default_generator)

    def per_channel(images, max_shift, generator):
        return shift(images, max_shift, generator, channels=True)

    def in_place(images, max_shift, generator):
        return images.copy_(shift(images, max_shift, generator))

    def same_shift_both_ways(images, max_shift, generator):
        height, width = images.shape[-2:]
        padded = F.pad(images, [max_shift] * 4)
        out = torch.zeros_like(images)
        for i in range(len(images)):
            d = int(torch.randint(0, 2 * max_shift + 1, (1,), generator=generator))
            out[i] = padded[i, :, d:d + height, d:d + width]
        return out

    def too_far(images, max_shift, generator):
        return shift(images, max_shift + 1, generator)

    assert_rejects(check, rolls, "image 0", "came back in at the other", "must be 0")
    assert_rejects(check, never_largest, "row shifts", "[-1, 0, 1, 2]", "both ends are included")
    assert_rejects(check, one_shift_for_all, "the same", "separate random shift for each image")
    assert_rejects(check, global_random_numbers, "same seed gave different shifts", "generator=generator")
    assert_rejects(check, per_channel, "3 channels", "channels were moved by different shifts")
    assert_rejects(check, in_place, "changed its argument `images` in place", "build a new array")
    assert_rejects(check, same_shift_both_ways, "only 5 of the 25", "separately")
    assert_rejects(check, too_far, "more than max_shift = 2")
    assert_rejects(check, lambda images, max_shift, generator: images.flip(-1), "not the input image moved")


def test_checks_are_fast():
    for name in ("early_stopping", "sgd_step", "random_shift"):
        solution = master("07", name, PRELUDE)
        start = time.perf_counter()
        getattr(checks, f"check_{name}")(solution)
        assert time.perf_counter() - start < 1.0, name
