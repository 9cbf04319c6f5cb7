"""The checks of lecture 6's exercises accept the master solution, report the stub as not
done, and reject typical wrong answers with a message that says what differs."""

import time

import torch
import torch.nn.functional as F
from exercise_support import assert_accepts, assert_not_done, assert_rejects, master, stub

from lecturekit.exercises import training as checks

PRELUDE = "import torch"


def _batches(images, labels, batch_size, stop=None):
    stop = len(images) if stop is None else stop
    for start in range(0, stop, batch_size):
        yield images[start:start + batch_size], labels[start:start + batch_size]


def test_train_epoch(capsys):
    check = checks.check_train_epoch
    assert_accepts(check, master("06", "train_epoch", PRELUDE), capsys)
    assert_not_done(check, stub("06", "train_epoch", PRELUDE))

    def epoch(model, optimizer, images, labels, batch_size, *, zero_grad=True, train=True, stop=None,
              average=lambda losses: sum(losses) / len(losses)):
        if train:
            model.train()
        losses = []
        for x, y in _batches(images, labels, batch_size, stop):
            if zero_grad:
                optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return average(losses)

    def forgets_zero_grad(*args):
        return epoch(*args, zero_grad=False)

    def stays_in_eval_mode(*args):
        return epoch(*args, train=False)

    def drops_last_batch(model, optimizer, images, labels, batch_size):
        return epoch(model, optimizer, images, labels, batch_size, stop=len(images) - batch_size + 1)

    def sums_losses(*args):
        return epoch(*args, average=sum)

    def last_loss(*args):
        return epoch(*args, average=lambda losses: losses[-1])

    def returns_tensor(model, optimizer, images, labels, batch_size):
        model.train()
        total = 0
        for x, y in _batches(images, labels, batch_size):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            total = total + loss
        return total / -(-len(images) // batch_size)

    def never_steps(model, optimizer, images, labels, batch_size):
        model.train()
        return sum(F.cross_entropy(model(x), y).item() for x, y in _batches(images, labels, batch_size))

    assert_rejects(check, forgets_zero_grad, "the parameter `0.weight` after the epoch",
                   "10 samples in batches of 4", "add up", "optimizer.zero_grad()")
    assert_rejects(check, stays_in_eval_mode, "handed over in evaluation mode", "dropout",
                   "model.train()")
    assert_rejects(check, drops_last_batch, "the last batch holds only 2", "the parameter `",
                   "last, smaller batch")
    assert_rejects(check, sums_losses, "the mean batch loss", "yours", "expected", "number of batches")
    assert_rejects(check, last_loss, "the mean batch loss", "average the batch losses")
    assert_rejects(check, returns_tensor, "returned a tensor", ".item()")
    assert_rejects(check, never_steps, "did not change", "optimizer.step()")
    assert_rejects(check, lambda *args: [epoch(*args)], "should return the mean batch loss", "a list")

    def forgets_return(*args):
        epoch(*args)

    assert_rejects(check, forgets_return, "should return the mean batch loss", "None", "`return`")


def test_evaluate(capsys):
    check = checks.check_evaluate
    assert_accepts(check, master("06", "evaluate", PRELUDE), capsys)
    assert_not_done(check, stub("06", "evaluate", PRELUDE))

    def no_eval(model, images, labels):
        with torch.no_grad():
            return (model(images).argmax(dim=1) == labels).double().mean().item()

    def no_no_grad(model, images, labels):
        model.eval()
        return (model(images).argmax(dim=1) == labels).double().mean().item()

    def counts(model, images, labels):
        model.eval()
        with torch.no_grad():
            return (model(images).argmax(dim=1) == labels).sum().item()

    def tensor(model, images, labels):
        model.eval()
        with torch.no_grad():
            return (model(images).argmax(dim=1) == labels).double().mean()

    def wrong_axis(model, images, labels):
        model.eval()
        with torch.no_grad():
            return (model(images).argmax(dim=0) == labels).double().mean().item()

    assert_rejects(check, no_eval, "training mode", "dropout", "model.eval()")
    assert_rejects(check, no_no_grad, "recording gradients", "torch.no_grad()")
    assert_rejects(check, counts, "the accuracy", "12 samples", "yours is 3, expected 0.25", "fraction")
    assert_rejects(check, tensor, "returned a tensor", ".item()")
    assert_rejects(check, wrong_axis, "RuntimeError", "12 samples")
    assert_rejects(check, lambda model, images, labels: 0.5, "never called the model")


def test_confusion_matrix(capsys):
    check = checks.check_confusion_matrix
    assert_accepts(check, master("06", "confusion_matrix", PRELUDE), capsys)
    assert_not_done(check, stub("06", "confusion_matrix", PRELUDE))

    def transposed(labels, predicted, num_classes):
        matrix = torch.zeros(num_classes, num_classes, dtype=torch.long)
        for true, guess in zip(labels.tolist(), predicted.tolist()):
            matrix[guess, true] += 1
        return matrix

    def indexed_add(labels, predicted, num_classes):
        matrix = torch.zeros(num_classes, num_classes, dtype=torch.long)
        matrix[labels, predicted] += 1
        return matrix

    def size_from_data(labels, predicted, num_classes):
        size = int(max(labels.max(), predicted.max())) + 1
        matrix = torch.zeros(size, size, dtype=torch.long)
        for true, guess in zip(labels.tolist(), predicted.tolist()):
            matrix[true, guess] += 1
        return matrix

    def misses_last_sample(labels, predicted, num_classes):
        matrix = torch.zeros(num_classes, num_classes, dtype=torch.long)
        for k in range(len(labels) - 1):
            matrix[labels[k], predicted[k]] += 1
        return matrix

    assert_rejects(check, transposed, "the confusion matrix", "9 samples", "transpose", "row i is the true")
    assert_rejects(check, indexed_add, "at most 1", "count 3", "adds only once")
    assert_rejects(check, size_from_data, "class 3 never occurs", "shape (3, 3), expected (4, 4)",
                   "also when a class never occurs")
    assert_rejects(check, misses_last_sample, "the confusion matrix", "off by 1", "every sample adds 1")


def test_checks_are_fast():
    for name in ("train_epoch", "evaluate", "confusion_matrix"):
        solution = master("06", name, PRELUDE)
        start = time.perf_counter()
        getattr(checks, f"check_{name}")(solution)
        assert time.perf_counter() - start < 1.0, name


def test_checks_leave_the_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    checks.check_train_epoch(master("06", "train_epoch", PRELUDE))
    checks.check_evaluate(master("06", "evaluate", PRELUDE))
    assert torch.equal(torch.rand(3), expected)
