"""lecturekit.generalisation: the tracked training loop, early stopping, weight decay and random
shifts of lecture 7, on tiny synthetic images."""

import copy
import math

import matplotlib.pyplot as plt
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lecturekit import generalisation, training


def _images(count=60, seed=0):
    """4 x 4 images (float64) whose class 0-2 is the quadrant holding a bright 2 x 2 block."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 3, (count,), generator=generator)
    images = 0.1 * torch.rand(count, 1, 4, 4, generator=generator, dtype=torch.float64)
    for index, label in enumerate(labels.tolist()):
        row, col = divmod(label, 2)
        images[index, 0, 2 * row:2 * row + 2, 2 * col:2 * col + 2] += 0.9
    return images, labels


def _model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(16, 3)).double()


def _fit(model=None, **settings):
    images, labels = _images()
    val_images, val_labels = _images(30, seed=1)
    settings = {"epochs": 5, "batch_size": 16, "lr": 0.05, **settings}
    return generalisation.fit(model or _model(), images, labels, val_images, val_labels, **settings)


def _shifted(image, dy, dx):
    """``image`` (C x H x W) moved dy pixels down and dx right, black coming in: written out."""
    out = torch.zeros_like(image)
    height, width = image.shape[-2:]
    for row in range(height):
        for col in range(width):
            if 0 <= row - dy < height and 0 <= col - dx < width:
                out[:, row, col] = image[:, row - dy, col - dx]
    return out


# --- fit and History -------------------------------------------------------------------------

def test_fit_records_every_step_and_every_epoch_and_learns():
    history = _fit()
    assert len(history.losses) == 5 * 4  # 60 images in batches of 16: 4 steps per epoch
    for values in (history.train_loss, history.train_accuracy, history.val_loss, history.val_accuracy):
        assert len(values) == 5
    assert history.train_accuracy[-1] == 1.0 and history.val_accuracy[-1] == 1.0
    assert history.val_loss[-1] < 0.5 * history.val_loss[0]
    assert sum(history.losses[-4:]) < 0.5 * sum(history.losses[:4])


def test_the_first_loss_is_the_first_batch_before_its_step():
    images, labels = _images()
    model = _model()
    before = copy.deepcopy(model)
    history = _fit(model, seed=7)
    first = torch.randperm(60, generator=torch.Generator().manual_seed(7))[:16]
    with torch.no_grad():
        expected = F.cross_entropy(before(images[first]), labels[first]).item()
    assert history.losses[0] == pytest.approx(expected, rel=1e-12)


def test_epoch_metrics_are_measured_on_all_of_each_split():
    images, labels = _images()
    val_images, val_labels = _images(30, seed=1)
    model = _model()
    history = generalisation.fit(model, images, labels, val_images, val_labels, epochs=1, batch_size=16,
                                 lr=0.05)
    with torch.no_grad():
        logits = model(val_images)
    assert history.val_loss[0] == pytest.approx(F.cross_entropy(logits, val_labels).item(), rel=1e-12)
    assert history.val_accuracy[0] == (logits.argmax(dim=1) == val_labels).double().mean().item()
    assert (history.train_loss[0], history.train_accuracy[0]) == generalisation.measure(model, images, labels)


def test_best_weights_are_a_copy_from_the_epoch_of_lowest_validation_loss():
    model = _model()
    history = _fit(model, epochs=6)
    assert history.best_epoch == 1 + min(range(6), key=history.val_loss.__getitem__)
    best = copy.deepcopy(model)
    best.load_state_dict(history.best_weights)
    val_images, val_labels = _images(30, seed=1)
    assert generalisation.measure(best, val_images, val_labels)[0] == history.val_loss[history.best_epoch - 1]
    saved = {name: value.clone() for name, value in history.best_weights.items()}
    with torch.no_grad():
        for weight in model.parameters():
            weight.add_(1.0)
    assert all(torch.equal(saved[name], value) for name, value in history.best_weights.items())


def test_best_epoch_is_the_first_when_the_validation_loss_only_rises():
    history = generalisation.History()
    model = _model()
    images, labels = _images(10)
    with torch.no_grad():
        wrong = model(images).argmin(dim=1)  # the class the model finds least likely
    for _ in range(4):
        history.record(model, images, labels, images, wrong)
        with torch.no_grad():  # every score times 3: ever surer, ever more wrong
            for weight in model.parameters():
                weight.mul_(3.0)
    assert history.val_loss == sorted(history.val_loss) and history.val_loss[0] < history.val_loss[1]
    assert history.best_epoch == 1


def test_the_learning_rate_falls_along_a_half_cosine(monkeypatch):
    rates = []
    real_step = training.train_step

    def spy(model, optimizer, images, labels):
        rates.append(optimizer.param_groups[0]["lr"])
        return real_step(model, optimizer, images, labels)

    monkeypatch.setattr(training, "train_step", spy)
    _fit(epochs=3, lr=0.04)
    steps = len(rates)
    assert steps == 12
    expected = [0.02 * (1 + math.cos(math.pi * k / steps)) for k in range(steps)]
    assert rates == pytest.approx(expected, rel=1e-9)


def test_fit_is_reproducible_with_a_seed():
    runs = [_fit(seed=seed, max_shift=1).losses for seed in (3, 3, 4)]
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_weight_decay_shrinks_the_weights():
    sizes = []
    for decay in (0.0, 5.0):
        model = _model()
        _fit(model, weight_decay=decay)
        sizes.append(torch.cat([p.detach().flatten() for p in model.parameters()]).norm().item())
    assert sizes[1] < 0.7 * sizes[0]


def test_augmentation_changes_the_batches_but_not_the_measurements():
    plain, shifted = _fit(), _fit(max_shift=1)
    assert plain.losses[0] != shifted.losses[0]  # the first batch is already shifted
    model = _model()
    history = _fit(model, max_shift=1)
    images, labels = _images()
    measured = generalisation.measure(model, images, labels)
    assert (history.train_loss[-1], history.train_accuracy[-1]) == measured


def test_measure_keeps_the_training_mode():
    images, labels = _images(10)
    model = _model()
    for mode in (True, False):
        model.train(mode)
        generalisation.measure(model, images, labels)
        assert model.training is mode


# --- random_shift ----------------------------------------------------------------------------

def test_random_shift_moves_each_image_within_the_limit_with_black_edges():
    images = torch.rand(40, 2, 5, 6, dtype=torch.float64)
    original = images.clone()
    moved = generalisation.random_shift(images, 2, torch.Generator().manual_seed(0))
    assert moved.shape == images.shape and moved.dtype == images.dtype
    assert torch.equal(images, original)  # the input is left alone
    offsets = set()
    for image, result in zip(images, moved):
        found = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
                 if torch.equal(result, _shifted(image, dy, dx))]
        assert len(found) == 1, found
        offsets.add(found[0])
    assert len(offsets) >= 15  # many of the 25 shifts occur among 40 images


def test_random_shift_by_zero_and_with_the_same_seed():
    images = torch.rand(6, 1, 4, 4)
    assert torch.equal(generalisation.random_shift(images, 0, torch.Generator()), images)
    first, second = (generalisation.random_shift(images, 1, torch.Generator().manual_seed(2))
                     for _ in range(2))
    assert torch.equal(first, second)


# --- argument checks at the entry points -----------------------------------------------------

@pytest.mark.parametrize(("change", "error", "match"), [
    ({"model": "not a model"}, TypeError, "model"),
    ({"model": nn.Flatten()}, ValueError, "model must have weights"),
    ({"images": [[0.0]]}, TypeError, "images"),
    ({"images": torch.zeros(60, 1, 4, 4)}, TypeError, "images must be torch.float64"),
    ({"images": torch.zeros(60, 1, 5, 5, dtype=torch.float64)}, ValueError, "images of shape"),
    ({"images": torch.full((60, 1, 4, 4), math.nan, dtype=torch.float64)}, ValueError, "finite"),
    ({"labels": torch.zeros(59, dtype=torch.int64)}, ValueError, "labels"),
    ({"labels": torch.full((60,), 3)}, ValueError, "labels"),
    ({"val_labels": torch.zeros(30)}, TypeError, "val_labels"),
    ({"val_images": torch.zeros(0, 1, 4, 4, dtype=torch.float64)}, ValueError, "val_images"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"batch_size": 2.5}, TypeError, "batch_size"),
    ({"lr": 0.0}, ValueError, "lr"),
    ({"weight_decay": -1.0}, ValueError, "weight_decay"),
    ({"max_shift": generalisation.MAX_SHIFT + 1}, ValueError, "max_shift"),
    ({"seed": -1}, ValueError, "seed"),
])
def test_fit_rejects_bad_arguments(change, error, match):
    images, labels = _images()
    val_images, val_labels = _images(30, seed=1)
    arguments = {"model": _model(), "images": images, "labels": labels, "val_images": val_images,
                 "val_labels": val_labels, "epochs": 1, **change}
    with pytest.raises(error, match=match):
        generalisation.fit(**arguments)


def test_measure_checks_its_arguments():
    images, labels = _images(10)
    with pytest.raises(TypeError, match="images must be torch.float64"):
        generalisation.measure(_model(), images.float(), labels)
    with pytest.raises(ValueError, match="labels"):
        generalisation.measure(_model(), images, labels[:5])


# --- plot_history ----------------------------------------------------------------------------

def test_plot_history_draws_both_splits_per_run():
    history = _fit(epochs=3)
    runs = {"a": history, "b": history}
    fig = generalisation.plot_history(runs, "accuracy")
    lines = fig.axes[0].get_lines()
    assert len(lines) == 4
    assert list(lines[1].get_ydata()) == pytest.approx([100 * v for v in history.val_accuracy])
    assert list(lines[0].get_xdata()) == [1, 2, 3]
    plt.close(fig)
    fig, ax = plt.subplots()
    assert generalisation.plot_history(runs, "loss", show_training=False, ax=ax) is fig
    assert [list(line.get_ydata()) for line in ax.get_lines()] == [history.val_loss] * 2
    plt.close(fig)


@pytest.mark.parametrize(("histories", "metric", "error"), [
    ({}, "loss", TypeError),
    ({"a": [0.1]}, "loss", ValueError),
    ({"a": generalisation.History()}, "loss", ValueError),
    (None, "error rate", ValueError),
])
def test_plot_history_rejects_bad_arguments(histories, metric, error):
    if histories is None:
        histories = {"a": _fit(epochs=1)}
    with pytest.raises(error):
        generalisation.plot_history(histories, metric)


def test_plot_history_can_put_the_legend_outside():
    history = _fit(epochs=2)
    fig = generalisation.plot_history({"a": history}, "loss", legend="outside")
    ax = fig.axes[0]
    fig.canvas.draw()
    legend_box = ax.get_legend().get_window_extent()
    assert legend_box.x0 >= ax.get_window_extent().x1  # right of the panel
    assert tuple(fig.get_size_inches()) == (10.0, 2.4)
    plt.close(fig)
    with pytest.raises(ValueError, match="legend"):
        generalisation.plot_history({"a": history}, "loss", legend="left")


# --- plot_curves -----------------------------------------------------------------------------

def test_plot_curves_draws_loss_and_accuracy_side_by_side():
    history = _fit(epochs=3)
    fig = generalisation.plot_curves({"a": history, "b": history}, show_training=False, height=3)
    left, right = fig.axes
    assert left.get_ylabel() == "cross-entropy loss" and right.get_ylabel() == "accuracy (%)"
    assert [list(line.get_ydata()) for line in left.get_lines()] == [history.val_loss] * 2
    assert list(right.get_lines()[0].get_ydata()) == pytest.approx(
        [100 * v for v in history.val_accuracy])
    assert tuple(fig.get_size_inches()) == (12.0, 3.0)
    assert left.get_legend() is None and right.get_legend() is None  # one legend, outside both
    (legend,) = fig.legends
    assert [text.get_text() for text in legend.get_texts()] == ["a: validation", "b: validation"]
    fig.canvas.draw()
    box = legend.get_window_extent()
    assert all(box.x0 >= ax.get_window_extent().x1 for ax in (left, right)), "the legend covers a panel"
    plt.close(fig)
    assert len(generalisation.plot_curves({"a": history}).axes[0].get_lines()) == 2  # + training
    plt.close("all")
    figures = plt.get_fignums()
    with pytest.raises(TypeError, match="histories"):
        generalisation.plot_curves({})
    with pytest.raises(ValueError, match="height"):
        generalisation.plot_curves({"a": history}, height=0)
    assert plt.get_fignums() == figures  # no figure left behind by a bad call
