"""lecturekit.training: the fit loop, evaluation and the DataLoader pattern of lecture 6."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from lecturekit import data, models, training

needs_mnist = pytest.mark.skipif(not data.mnist_present(), reason="MNIST not provided (set LECTUREKIT_DATA)")


def _synthetic(count=300, seed=0):
    """Images whose class is the position of a bright 7x7 square, plus noise."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 10, (count,), generator=generator)
    images = 0.2 * torch.rand(count, 1, 28, 28, generator=generator)
    for index, label in enumerate(labels.tolist()):
        row, col = divmod(label, 4)
        images[index, 0, 7 * row:7 * row + 7, 7 * col:7 * col + 7] += 0.8
    return images, labels


def _mean(values):
    return sum(values) / len(values)


def test_fit_lowers_the_loss_and_learns():
    images, labels = _synthetic()
    torch.manual_seed(0)
    model = models.MnistMLP(hidden=32)
    before = training.evaluate(model, images, labels)
    losses = training.fit(model, images, labels, epochs=5, batch_size=32, progress=False)
    assert len(losses) == 5 * 10  # 300 examples in batches of 32: 10 batches per epoch
    assert _mean(losses[-10:]) < 0.5 * _mean(losses[:10])
    assert training.evaluate(model, images, labels) > max(0.9, before)


@needs_mnist
def test_fit_on_a_few_hundred_mnist_digits():
    images, labels = data.mnist_tensors(train=True)
    images, labels = images[:400], labels[:400]
    torch.manual_seed(0)
    model = models.SmallCNN()
    losses = training.fit(model, images, labels, epochs=4, batch_size=50, progress=False)
    assert len(losses) == 4 * 8
    assert _mean(losses[-8:]) < 0.5 * _mean(losses[:8])
    test_images, test_labels = data.mnist_tensors(train=False)
    assert training.evaluate(model, test_images[:500], test_labels[:500]) > 0.5


def test_fit_is_reproducible_with_a_seed():
    images, labels = _synthetic(100)
    runs = []
    for seed in (3, 3, 4):
        torch.manual_seed(0)
        model = models.MnistMLP(hidden=16)
        runs.append(training.fit(model, images, labels, epochs=2, batch_size=25, seed=seed, progress=False))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]  # another seed shuffles the batches differently


def test_lr_none_uses_the_model_default(monkeypatch):
    seen = []
    original = training.make_optimizer

    def spy(model, lr, total_steps):
        seen.append(lr)
        return original(model, lr, total_steps)

    monkeypatch.setattr(training, "make_optimizer", spy)
    images, labels = _synthetic(20)
    training.fit(models.MnistMLP(hidden=4), images, labels, progress=False)
    training.fit(models.SmallCNN(), images, labels, progress=False)
    training.fit(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), images, labels, progress=False)
    training.fit(models.MnistMLP(hidden=4), images, labels, lr=0.123, progress=False)
    assert seen == [models.MnistMLP.default_lr, models.SmallCNN.default_lr, training.DEFAULT_LR, 0.123]


def test_one_cycle_schedule_rises_then_falls():
    model = nn.Linear(2, 2)
    optimizer, schedule = training.make_optimizer(model, 0.5, total_steps=100)
    rates = []
    for _ in range(100):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
    peak = max(range(100), key=rates.__getitem__)
    assert 20 <= peak <= 30
    assert rates[peak] == pytest.approx(0.5)
    assert rates[0] < 0.05 and rates[-1] < 1e-3


def test_progress_bar_goes_to_stdout_and_changes_nothing(capsys):
    images, labels = _synthetic(64)
    results = []
    for progress in (True, False):
        torch.manual_seed(0)
        results.append(training.fit(models.MnistMLP(hidden=8), images, labels, batch_size=16,
                                        progress=progress))
    output = capsys.readouterr().out
    assert "4/4" in output and "epoch 1/1" in output
    assert results[0] == results[1]


def test_evaluate_on_a_hand_made_case():
    # The "model" returns its input as the 10 scores, so the prediction is the argmax of the input.
    scores = torch.zeros(4, 10)
    scores[0, 3] = scores[1, 7] = scores[2, 1] = scores[3, 0] = 1.0
    labels = torch.tensor([3, 7, 2, 0])
    assert training.evaluate(nn.Identity(), scores, labels) == 0.75
    assert training.evaluate(nn.Identity(), scores[:2], labels[:2]) == 1.0


def test_evaluate_restores_training_mode():
    model = models.MnistMLP(hidden=4)
    images, labels = _synthetic(10)
    model.train()
    training.evaluate(model, images, labels)
    assert model.training


def test_predict_proba_rows_sum_to_one():
    images, _ = _synthetic(30)
    probs = training.predict_proba(models.MnistMLP(hidden=4), images, batch_size=7)
    assert probs.shape == (30, 10)
    torch.testing.assert_close(probs.sum(dim=1), torch.ones(30))


def test_confusion_matrix():
    matrix = training.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], num_classes=3)
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    with pytest.raises(ValueError, match="same length"):
        training.confusion_matrix([0, 1], [0], num_classes=3)
    with pytest.raises(ValueError, match="predicted"):
        training.confusion_matrix([0, 1], [0, 3], num_classes=3)


def test_device_falls_back_to_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert data.device() == torch.device("cpu")
    images, labels = _synthetic(20)
    model = models.MnistMLP(hidden=4)
    training.fit(model, images, labels, progress=False)
    assert next(model.parameters()).device.type == "cpu"


def test_fit_loader_runs_the_same_step_on_a_dataloader():
    images, labels = _synthetic(120)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=20,
                                         shuffle=True, generator=torch.Generator().manual_seed(0))
    torch.manual_seed(0)
    model = models.MnistMLP(hidden=32)
    losses = training.fit_loader(model, loader, epochs=4, progress=False)
    assert len(losses) == 4 * 6
    assert _mean(losses[-6:]) < 0.5 * _mean(losses[:6])
    assert len(training.fit_loader(models.MnistMLP(hidden=4), loader, epochs=2, max_batches=2,
                                   progress=False)) == 4


@needs_mnist
def test_classroom_loader_gives_the_same_pixels_as_the_tensors():
    loader = training.classroom_loader(train=False, batch_size=64, shuffle=False)
    batch_images, batch_labels = next(iter(loader))
    images, labels = data.mnist_tensors(train=False)
    assert len(loader) == 157  # 10,000 test images in batches of 64
    torch.testing.assert_close(batch_images, images[:64])
    assert torch.equal(batch_labels, labels[:64])


def test_bad_arguments():
    images, labels = _synthetic(10)
    model = models.MnistMLP(hidden=4)
    with pytest.raises(ValueError, match="empty"):
        training.fit(model, images[:0], labels[:0], progress=False)
    with pytest.raises(ValueError, match="same length"):
        training.fit(model, images, labels[:5], progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        training.fit(model, images, labels, batch_size=0, progress=False)
    with pytest.raises(ValueError, match="epochs"):
        training.fit(model, images, labels, epochs=0, progress=False)
    with pytest.raises(ValueError, match="lr"):
        training.fit(model, images, labels, lr=-0.1, progress=False)
    with pytest.raises(TypeError, match="model"):
        training.fit("model", images, labels, progress=False)
    with pytest.raises(TypeError, match="images"):
        training.fit(model, images.numpy(), labels, progress=False)
    with pytest.raises(ValueError, match="labels"):
        training.fit(model, images, labels.float().long().view(2, 5), progress=False)
    with pytest.raises(ValueError, match="empty"):
        training.evaluate(model, images[:0], labels[:0])
    with pytest.raises(ValueError, match="same length"):
        training.evaluate(model, images, labels[:3])
    with pytest.raises(ValueError, match="empty"):
        training.fit_loader(model, [], progress=False)
    with pytest.raises(ValueError, match="max_batches"):
        training.fit_loader(model, [(images, labels)], max_batches=0, progress=False)


def test_a_run_too_short_to_warm_up_keeps_the_rate():
    optimizer, schedule = training.make_optimizer(nn.Linear(2, 2), 0.3, total_steps=4)
    for _ in range(4):
        assert optimizer.param_groups[0]["lr"] == pytest.approx(0.3)
        optimizer.step()
        schedule.step()


def test_confusion_matrix_rejects_fractional_labels():
    with pytest.raises(TypeError, match="labels must hold integer class indices"):
        training.confusion_matrix(torch.tensor([0.5, 1.2]), torch.tensor([0, 1]))
    matrix = training.confusion_matrix(torch.tensor([0, 1, 1]), torch.tensor([0, 0, 1]), num_classes=2)
    assert matrix.tolist() == [[1, 0], [1, 1]]


def test_make_optimizer_names_a_missing_learning_rate():
    with pytest.raises(TypeError, match="lr"):
        training.make_optimizer(torch.nn.Linear(2, 1), None, 10)


def test_progress_bar_redraws_a_few_times_however_slow_the_machine(capsys, monkeypatch):
    # With no minimum time between redraws (a machine so slow that every step takes longer than
    # PROGRESS_INTERVAL_S), the bar still redraws at most once per quarter of the steps: the
    # stored notebook, and its slide, keep a few lines of progress bar.
    monkeypatch.setattr(training, "PROGRESS_INTERVAL_S", 0.0)
    images, labels = _synthetic(60)
    training.fit(models.MnistMLP(hidden=4), images, labels, epochs=2, batch_size=1)
    output = capsys.readouterr().out
    assert "120/120" in output
    redraws = output.count("\r")
    assert 3 <= redraws <= training.PROGRESS_REDRAWS + 2, output  # + the first and the last
    # tqdm's monitor thread, which wakes every 10 s, may not lift the bound either
    bar = training._progress(100, True, "test")
    assert bar.miniters == 25 and bar.maxinterval == math.inf
    bar.close()
    capsys.readouterr()


# --- figures and measures of lecture 6 ---------------------------------------------------------

def test_plot_class_counts_draws_one_bar_per_class():
    import matplotlib.pyplot as plt

    fig = training.plot_class_counts(torch.tensor([5, 0, 7]))
    bars = fig.axes[0].patches
    assert [bar.get_height() for bar in bars] == [5, 0, 7]
    assert fig.axes[0].get_xlabel() == "digit"
    _, ax = plt.subplots()
    assert training.plot_class_counts([1, 2], ax=ax) is ax.figure
    plt.close("all")
    with pytest.raises(ValueError, match="counts"):
        training.plot_class_counts([3, -1])
    with pytest.raises(ValueError, match="counts"):
        training.plot_class_counts([[1, 2]])
    with pytest.raises(ValueError, match="counts"):
        training.plot_class_counts([1.0, float("nan")])


def test_plot_confident_mistakes_shows_the_surest_mistakes_first():
    import matplotlib.pyplot as plt

    images = torch.arange(5.0).view(5, 1, 1, 1).expand(5, 1, 4, 4)
    labels = torch.tensor([0, 1, 1, 0, 1])
    probs = torch.tensor([[0.9, 0.1],    # right
                          [0.6, 0.4],    # wrong, 60%
                          [0.2, 0.8],    # right
                          [0.05, 0.95],  # wrong, 95%
                          [0.7, 0.3]])   # wrong, 70%
    fig = training.plot_confident_mistakes(images, labels, probs, count=2, ncols=2)
    shown = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in shown] == ["0→1 95%", "1→0 70%"]
    assert [ax.images[0].get_array()[0, 0] for ax in shown] == [3.0, 4.0]
    fig = training.plot_confident_mistakes(images[:1], labels[:1], probs[:1])
    assert fig.axes[0].get_title() == "no mistakes"
    plt.close("all")
    with pytest.raises(ValueError, match="probs"):
        training.plot_confident_mistakes(images, labels, probs[0])
    with pytest.raises(ValueError, match="labels"):
        training.plot_confident_mistakes(images, labels[:3], probs)
    with pytest.raises(ValueError, match="images"):
        training.plot_confident_mistakes(images[:3], labels, probs)
    with pytest.raises(ValueError, match="count"):
        training.plot_confident_mistakes(images, labels, probs, count=0)


def test_cosine_similarity():
    a = np.array([[1.0, 0.0], [2.0, -1.0]])
    assert training.cosine_similarity(a, 3 * a) == pytest.approx(1.0)
    assert training.cosine_similarity(a, -a) == pytest.approx(-1.0)
    assert training.cosine_similarity([1, 0], [0, 2]) == 0.0
    assert training.cosine_similarity([1, 1], [1, 0]) == pytest.approx(2 ** -0.5)
    with pytest.raises(ValueError, match="same number"):
        training.cosine_similarity([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="zeros"):
        training.cosine_similarity([0, 0], [1, 2])
    with pytest.raises(ValueError, match="a must"):
        training.cosine_similarity([np.nan, 1], [1, 2])


def test_plot_kernel_matches_flips_the_filter_to_the_kernel_sign():
    import matplotlib.pyplot as plt

    from lecturekit import kernels

    filters = np.stack([-2 * kernels.KERNELS["sobel_x"], kernels.KERNELS["box_blur"]])
    image = np.random.default_rng(0).random((6, 6))
    fig = training.plot_kernel_matches(filters, {"sobel_x": 0, "box_blur": 1}, image)
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == [
        "sobel_x", "filter 0: 1.00", "sobel_x map", "filter 0 map",
        "box_blur", "filter 1: 1.00", "box_blur map", "filter 1 map"]
    np.testing.assert_allclose(panels[1].images[0].get_array(), 2 * kernels.KERNELS["sobel_x"])
    np.testing.assert_allclose(panels[3].images[0].get_array(),
                               kernels.correlate2d(image, 2 * kernels.KERNELS["sobel_x"]))
    plt.close("all")
    with pytest.raises(ValueError, match="unknown kernel"):
        training.plot_kernel_matches(filters, {"edges": 0}, image)
    with pytest.raises(ValueError, match="closest"):
        training.plot_kernel_matches(filters, {"sobel_x": 2}, image)
    with pytest.raises(TypeError, match="closest"):
        training.plot_kernel_matches(filters, {}, image)
    with pytest.raises(ValueError, match="filters"):
        training.plot_kernel_matches(filters[0], {"sobel_x": 0}, image)
