"""The entry points check a user's data and settings once, with errors that name the argument (issue 11).

One parametrised test per kind of bad input: damaged MNIST files, out-of-range labels, NaN and
inf, strings for booleans, absurd sizes, images that do not fit the model. Each checks that the
error names the argument (or the file), not the whole message, and that it comes at once.
"""

import gzip
import struct
import time
import warnings

import numpy as np
import pytest
import torch
import torchvision.datasets  # noqa: F401  (imported here so that no timing below includes it)
from torch import nn

from lecturekit import backprop, data, kernels, models, perceptron, plotting, setupcheck, toydata, training
from lecturekit.generative import BernoulliNaiveBayes
from lecturekit.quiz import Numeric

# ---------------------------------------------------------------- damaged MNIST files


def _write_split(raw, prefix, count=12, *, images_magic=2051, labels_magic=2049, rows=28,
                 label_count=None, labels=None, edit_images=None, edit_labels=None):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(count, rows, 28), dtype=np.uint8)
    label_count = count if label_count is None else label_count
    values = rng.integers(0, 10, size=label_count) if labels is None else np.array(labels)
    values = values.astype(np.uint8)
    images = struct.pack(">iiii", images_magic, count, rows, 28) + pixels.tobytes()
    label_bytes = struct.pack(">ii", labels_magic, label_count) + values.tobytes()
    (raw / f"{prefix}-images-idx3-ubyte").write_bytes((edit_images or bytes)(images))
    (raw / f"{prefix}-labels-idx1-ubyte").write_bytes((edit_labels or bytes)(label_bytes))
    return pixels, values


def write_mnist(folder, *, split="train", **damage):
    """A small MNIST folder (12 training and 12 test digits); ``damage`` spoils the ``split`` files."""
    raw = folder / "MNIST" / "raw"
    raw.mkdir(parents=True)
    other = "t10k" if split == "train" else "train"
    _write_split(raw, other)
    return _write_split(raw, split, **damage)


DAMAGE = {
    "images wrong magic": ("images", dict(images_magic=2049)),
    "labels wrong magic": ("labels", dict(labels_magic=2051)),
    "images truncated": ("images", dict(edit_images=lambda b: b[:1000])),
    "labels truncated": ("labels", dict(edit_labels=lambda b: b[:-3])),
    "images longer than the header says": ("images", dict(edit_images=lambda b: b + bytes(784))),
    "header count beyond the file": ("images", dict(edit_images=lambda b: b[:4] + b"\0\0\x27\x0f" + b[8:])),
    "fewer labels than images": ("labels", dict(label_count=11)),
    "27 rows": ("images", dict(rows=27)),
    "label 10": ("labels", dict(labels=[3, 10] + [0] * 10)),
    "label 255": ("labels", dict(labels=[255] * 12)),
    "empty file": ("images", dict(edit_images=lambda b: b"")),
    "gzip-compressed": ("images", dict(edit_images=gzip.compress)),
}

LOADERS = {
    "mnist": lambda root, train: data.mnist(train=train, root=root, download=False),
    "mnist_tensors": lambda root, train: data.mnist_tensors(train=train, root=root),
    "check_mnist": lambda root, train: data.check_mnist(root),
}


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("split", ["train", "t10k"])
@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_mnist_file_is_named_at_once(tmp_path, damage, split, loader):
    kind, spoil = DAMAGE[damage]
    write_mnist(tmp_path, split=split, **spoil)
    before = sorted(tmp_path.rglob("*"))
    start = time.monotonic()
    with pytest.raises(data.MNISTCorruptError) as caught:
        LOADERS[loader](tmp_path, split == "train")
    assert time.monotonic() - start < 1.0
    assert isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert f"{split}-{kind}-idx" in message, "the message must name the damaged file"
    assert "delete" in message and "MNIST offline" in message, "the message must say how to get a good copy"
    assert sorted(tmp_path.rglob("*")) == before, "a failed load must leave nothing behind"


def test_setup_check_reports_a_damaged_file(tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    write_mnist(tmp_path, labels=[10] * 12)
    advice = setupcheck.problems()
    assert any("train-labels-idx1-ubyte" in line for line in advice)


# ---------------------------------------------------------------- labels outside the classes


def _mlp():
    return models.MnistMLP(hidden=4)


def _fit(model=None, images=None, labels=None, **settings):
    """training.fit on 12 small images (labels 0-9), with the given settings."""
    images = _images() if images is None else images
    labels = _labels_with(0) if labels is None else labels
    return training.fit(model or _mlp(), images, labels, **{"progress": False, **settings})


def _fit_loader(images=None, labels=None, **settings):
    images = _images() if images is None else images
    labels = _labels_with(0) if labels is None else labels
    return training.fit_loader(_mlp(), _loader(images, labels), **{"progress": False, **settings})


def _images(count=12, seed=0):
    return torch.rand(count, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


def _labels_with(value, count=12):
    labels = torch.arange(count) % 10
    labels[5] = value
    return labels


def _toy_bayes():
    images = np.array([[[1, 0], [1, 0]], [[0, 1], [0, 1]]] * 2, dtype=float)
    return images, BernoulliNaiveBayes().fit(images, [0, 1, 0, 1], num_classes=2)


def _loader(images, labels, batch_size=4):
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=batch_size)


LABEL_CALLS = {
    "fit": lambda y: _fit(labels=y),
    "evaluate": lambda y: training.evaluate(_mlp(), _images(), y),
    "evaluate, classes = outputs": lambda y: training.evaluate(nn.Identity(), torch.eye(12)[:, :10], y),
    "fit_loader, first batch": lambda y: _fit_loader(labels=y.roll(-5)),
    "fit_loader, later batch": lambda y: _fit_loader(labels=y),
    "confusion_matrix labels": lambda y: training.confusion_matrix(y, torch.zeros(12, dtype=torch.long)),
    "confusion_matrix predicted": lambda y: training.confusion_matrix(torch.zeros(12, dtype=torch.long), y),
    "naive Bayes fit": lambda y: BernoulliNaiveBayes().fit(_images(), y),
    "naive Bayes score": lambda y: _toy_bayes()[1].score(_toy_bayes()[0], [0, 1, 0, int(y[5])]),
}


@pytest.mark.parametrize("value", [10, -1])
@pytest.mark.parametrize("call", LABEL_CALLS)
def test_labels_outside_the_classes_are_refused(call, value):
    name = "predicted" if "predicted" in call else "labels"
    with pytest.raises(ValueError, match=name) as caught:
        LABEL_CALLS[call](_labels_with(value))
    assert str(value) in str(caught.value)


# ---------------------------------------------------------------- NaN and inf


def _with(value, images=None):
    images = _images() if images is None else images.clone()
    images.view(-1)[100] = value
    return images


NONFINITE_CALLS = {
    "fit images": ("images", lambda v: _fit(images=_with(v))),
    "evaluate images": ("images", lambda v: training.evaluate(models.SmallCNN(), _with(v), _labels_with(0))),
    "predict_proba images": ("images", lambda v: training.predict_proba(_mlp(), _with(v))),
    "fit_loader first batch": ("images", lambda v: _fit_loader(images=_with(v))),
    "naive Bayes fit images": ("images", lambda v: BernoulliNaiveBayes().fit(_with(v), _labels_with(0))),
    "naive Bayes predict images": ("images", lambda v: _toy_bayes()[1].predict(
        np.where(np.eye(2, dtype=bool), v, 0.0)[None])),
    "naive Bayes alpha": ("alpha", lambda v: BernoulliNaiveBayes(alpha=v)),
    "naive Bayes threshold": ("threshold", lambda v: BernoulliNaiveBayes(threshold=v)),
    "fit lr": ("lr", lambda v: _fit(lr=v)),
    "quiz answer": ("answer", lambda v: Numeric("How many?", v)),
    "quiz tolerance": ("tolerance", lambda v: Numeric("How many?", 3, tolerance=v)),
}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("call", NONFINITE_CALLS)
def test_nan_and_inf_are_refused(call, value):
    name, run = NONFINITE_CALLS[call]
    with pytest.raises(ValueError, match=name):
        run(value)


def test_a_diverging_run_warns():
    with pytest.warns(RuntimeWarning, match="learning rate"):
        losses = _fit(lr=1e30, epochs=3, batch_size=4)
    assert not np.isfinite(losses).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _fit()


# ---------------------------------------------------------------- strings for booleans

BOOL_CALLS = [
    pytest.param("train", lambda v: data.mnist(train=v), id="mnist-train"),
    pytest.param("download", lambda v: data.mnist(download=v), id="mnist-download"),
    pytest.param("train", lambda v: data.mnist_tensors(train=v), id="mnist_tensors-train"),
    pytest.param("progress", lambda v: _fit(progress=v), id="fit-progress"),
    pytest.param("progress", lambda v: _fit_loader(progress=v), id="fit_loader-progress"),
    pytest.param("shuffle", lambda v: training.classroom_loader(shuffle=v), id="classroom_loader-shuffle"),
    pytest.param("train", lambda v: training.classroom_loader(train=v), id="classroom_loader-train"),
    pytest.param("trainable_only", lambda v: models.parameter_count(_mlp(), trainable_only=v),
                 id="parameter_count-trainable_only"),
    pytest.param("shuffle", lambda v: perceptron.Perceptron(shuffle=v), id="Perceptron-shuffle"),
    pytest.param("stop_when_converged", lambda v: perceptron.Perceptron().fit(
        np.eye(2), [0, 1], stop_when_converged=v), id="Perceptron-fit-stop_when_converged"),
]


@pytest.mark.parametrize("value", ["no", "False", 0, None])
@pytest.mark.parametrize(("argument", "call"), BOOL_CALLS)
def test_non_booleans_for_booleans_are_refused(argument, call, value):
    with pytest.raises(TypeError, match=f"{argument} must be True or False"):
        call(value)


# ---------------------------------------------------------------- absurd sizes

SIZE_CALLS = [
    pytest.param("num_classes", lambda n: training.confusion_matrix([0, 1], [1, 0], num_classes=n),
                 id="confusion_matrix-num_classes"),
    pytest.param("epochs", lambda n: _fit(epochs=n), id="fit-epochs"),
    pytest.param("batch_size", lambda n: _fit(batch_size=n), id="fit-batch_size"),
    pytest.param("batch_size", lambda n: training.predict_proba(_mlp(), _images(), batch_size=n),
                 id="predict_proba-batch_size"),
    pytest.param("batch_size", lambda n: training.classroom_loader(batch_size=n),
                 id="classroom_loader-batch_size"),
    pytest.param("total_steps", lambda n: training.make_optimizer(nn.Linear(2, 2), 0.1, n),
                 id="make_optimizer-total_steps"),
    pytest.param("max_batches", lambda n: _fit_loader(max_batches=n), id="fit_loader-max_batches"),
    pytest.param("hidden", lambda n: models.MnistMLP(hidden=n), id="MLP-hidden"),
    pytest.param("num_classes", lambda n: BernoulliNaiveBayes().fit(_images(), _labels_with(1), n),
                 id="naive-Bayes-fit-num_classes"),
    pytest.param("count", lambda n: _toy_bayes()[1].sample(0, count=n), id="naive-Bayes-sample-count"),
    pytest.param("sizes", lambda n: backprop.NumpyMLP([2, n, 1]), id="NumpyMLP-sizes"),
    pytest.param("epochs", lambda n: backprop.NumpyMLP([2, 1]).fit(np.zeros((4, 2)), np.zeros((4, 1)),
                                                                   epochs=n, batch_size=2, lr=0.1),
                 id="NumpyMLP-fit-epochs"),
    pytest.param("n", lambda n: backprop.minibatches(n, 2, np.random.default_rng(0)), id="minibatches-n"),
    pytest.param("epochs", lambda n: perceptron.Perceptron().fit(np.eye(2), [0, 1], epochs=n),
                 id="Perceptron-fit-epochs"),
    pytest.param("n", lambda n: toydata.spirals(n), id="spirals-n"),
    pytest.param("n", lambda n: toydata.regression_1d(n), id="regression_1d-n"),
    pytest.param("padding", lambda n: kernels.correlation_step(np.ones((4, 4)), np.ones((3, 3)), 0, 0,
                                                               padding=n), id="correlation_step-padding"),
    pytest.param("size", lambda n: kernels.pooling_figure(np.ones((4, 4)), n), id="pooling_figure-size"),
    pytest.param("image", lambda n: kernels.apply_kernel(np.ones((1, min(n, 10**5))), "identity"),
                 id="apply_kernel-image"),
    pytest.param("values", lambda n: kernels.draw_matrix(np.zeros((1, min(n, 10**5)))),
                 id="draw_matrix-values"),
    pytest.param("ncols", lambda n: plotting.new_figure(n), id="new_figure-ncols"),
    pytest.param("images", lambda n: plotting.show_images(np.zeros((min(n, 10**4), 2, 2))),
                 id="show_images-images"),
]


@pytest.mark.parametrize("size", [10**9, 2**70])
@pytest.mark.parametrize(("argument", "call"), SIZE_CALLS)
def test_absurd_sizes_fail_at_once(argument, call, size):
    start = time.monotonic()
    with pytest.raises(ValueError, match=rf"\b{argument}\b.* (at most|<=|to) "):
        call(size)
    assert time.monotonic() - start < 1.0


def test_the_largest_allowed_sizes_still_run():
    assert training.confusion_matrix([0], [0], num_classes=training.MAX_CLASSES).shape == (1000, 1000)
    images, bayes = _toy_bayes()
    assert bayes.sample(1, count=10_000).shape == (10_000, 2, 2)
    assert len(_fit(batch_size=training.MAX_BATCH_SIZE)) == 1


# ---------------------------------------------------------------- images that do not fit the model

SHAPES = {
    "three channels": (models.MnistMLP, torch.rand(4, 3, 32, 32)),
    "no channel axis": (models.SmallCNN, torch.rand(4, 28, 28)),
    "flat pixels": (models.MnistMLP, torch.rand(4, 784)),
    "no batch axis": (models.MnistMLP, torch.rand(784)),
    "bytes, not floats": (models.MnistMLP, torch.randint(0, 256, (4, 1, 28, 28), dtype=torch.uint8)),
    "float64 for a float32 model": (models.MnistMLP, torch.rand(4, 1, 28, 28, dtype=torch.float64)),
    "a numpy array": (models.MnistMLP, np.zeros((4, 1, 28, 28), np.float32)),
    "no images": (models.MnistMLP, torch.rand(0, 1, 28, 28)),
    "too few inputs for a plain network": (lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 10)),
                                           torch.rand(4, 1, 14, 14)),
}


@pytest.mark.parametrize("entry", ["fit", "evaluate", "predict_proba"])
@pytest.mark.parametrize("case", SHAPES)
def test_images_that_do_not_fit_the_model(case, entry):
    make, images = SHAPES[case]
    labels = torch.zeros(len(images) if images.ndim > 1 else 1, dtype=torch.long)
    calls = {"fit": lambda m: training.fit(m, images, labels, progress=False),
             "evaluate": lambda m: training.evaluate(m, images, labels),
             "predict_proba": lambda m: training.predict_proba(m, images)}
    with pytest.raises((TypeError, ValueError), match="images"):
        calls[entry](make())


def test_the_data_is_checked_once_per_call_not_per_batch(monkeypatch):
    calls = []
    original = training._check_images
    monkeypatch.setattr(training, "_check_images", lambda *a: calls.append(1) or original(*a))
    _fit(images=_images(40), labels=torch.arange(40) % 10, epochs=3, batch_size=4)
    _fit_loader(images=_images(40), labels=torch.arange(40) % 10, epochs=3)
    assert calls == [1, 1]


# ---------------------------------------------------------------- setupcheck's names


@pytest.mark.parametrize(("names", "error"), [("torch", TypeError), (None, TypeError), ([1], TypeError),
                                               ([""], ValueError)])
def test_package_versions_names_the_bad_argument(names, error):
    with pytest.raises(error, match="names"):
        setupcheck.package_versions(names)
