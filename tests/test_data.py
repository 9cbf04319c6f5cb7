"""lecturekit.data: where the data folder is, MNIST on disk and in memory, the device."""

import socket
import struct
import time

import pytest

from lecturekit import data

needs_mnist = pytest.mark.skipif(not data.mnist_present(), reason="MNIST not provided (set LECTUREKIT_DATA)")


def test_data_dir_order(monkeypatch, tmp_path):
    monkeypatch.setenv("LECTUREKIT_DATA", str(tmp_path / "from-env"))
    assert data.data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert data.data_dir() == tmp_path / "from-env"
    monkeypatch.delenv("LECTUREKIT_DATA")
    assert data.data_dir() == data.default_cache_dir()


def test_data_dir_rejects_bad_root():
    with pytest.raises(TypeError, match="root"):
        data.data_dir(42)
    with pytest.raises(ValueError, match="root"):
        data.data_dir("")


def _no_network(*args, **kwargs):
    raise OSError("network is unreachable (blocked by the test)")


def test_missing_data_fails_fast_and_clearly(monkeypatch, tmp_path):
    monkeypatch.setattr(socket, "create_connection", _no_network)
    for variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LECTUREKIT_DATA", str(tmp_path))
    start = time.monotonic()
    with pytest.raises(data.MNISTNotFoundError) as caught:
        data.mnist(train=True)
    assert time.monotonic() - start < 5
    message = str(caught.value)
    assert str(tmp_path) in message
    assert "LECTUREKIT_DATA" in message
    assert "internet" in message
    assert list(tmp_path.iterdir()) == [], "a failed load must leave nothing behind"


def test_missing_data_without_download(tmp_path):
    with pytest.raises(data.MNISTNotFoundError, match="download=False"):
        data.mnist(root=tmp_path, download=False)
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments():
    with pytest.raises(TypeError, match="train"):
        data.mnist(train="yes")
    with pytest.raises(TypeError, match="download"):
        data.mnist(download=1)
    with pytest.raises(TypeError, match="train"):
        data.mnist_tensors(train=None)
    with pytest.raises(TypeError, match="transform"):
        data.mnist(transform="ToTensor")


@needs_mnist
def test_mnist_sizes():
    assert len(data.mnist(train=True)) == 60000
    assert len(data.mnist(train=False)) == 10000


@needs_mnist
def test_mnist_tensors_shape_range_and_cache():
    import torch

    images, labels = data.mnist_tensors(train=False)
    assert images.shape == (10000, 1, 28, 28)
    assert images.dtype == torch.float32
    assert float(images.min()) == 0.0 and float(images.max()) == 1.0
    assert labels.shape == (10000,) and labels.dtype == torch.int64
    assert sorted(labels.unique().tolist()) == list(range(10))
    again, _ = data.mnist_tensors(train=False)
    assert again is images, "the split must be cached in memory"


def _write_fake_mnist(folder, count=7):
    """A valid MNIST folder with ``count`` random digits per split; returns the training pixels and labels."""
    import numpy as np

    raw = folder / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(1)
    for prefix in ("train", "t10k"):
        pixels = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=count, dtype=np.uint8)
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(struct.pack(">iiii", 2051, count, 28, 28)
                                                          + pixels.tobytes())
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(struct.pack(">ii", 2049, count) + labels.tobytes())
        if prefix == "train":
            train = pixels, labels
    return train


def test_a_valid_folder_loads_the_same_through_both_readers(tmp_path):
    import torch

    pixels, labels = _write_fake_mnist(tmp_path)
    dataset = data.mnist(root=tmp_path, download=False)
    images, targets = data.mnist_tensors(root=tmp_path)
    assert torch.equal(dataset.data, torch.from_numpy(pixels))
    assert torch.equal(dataset.targets, targets) and targets.tolist() == labels.tolist()
    assert images.shape == (7, 1, 28, 28) and images.dtype == torch.float32
    torch.testing.assert_close(images, torch.from_numpy(pixels).unsqueeze(1) / 255.0, rtol=0, atol=0)
    data.check_mnist(tmp_path)


def test_check_mnist_names_a_missing_file(tmp_path):
    _write_fake_mnist(tmp_path)
    (tmp_path / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(data.MNISTNotFoundError, match="LECTUREKIT_DATA"):
        data.check_mnist(tmp_path)


def test_describe_device_names_a_bad_device():
    with pytest.raises(ValueError, match="dev"):
        data.describe_device("gpu please")
    with pytest.raises(TypeError, match="dev"):
        data.describe_device(0)
    assert data.describe_device("cpu").startswith("CPU")


def test_device_falls_back_to_cpu(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert data.device() == torch.device("cpu")
    assert data.describe_device().startswith("CPU")


def test_device_prefers_cuda(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert data.device().type == "cuda"


def test_mirrors_match_torchvision():
    from torchvision.datasets import MNIST

    assert tuple(MNIST.mirrors) == data.MIRRORS


def test_train_validation_split_keeps_every_example_once():
    import torch

    images = torch.arange(50, dtype=torch.float32).reshape(50, 1, 1, 1)
    labels = torch.arange(50) % 10
    train_x, train_y, val_x, val_y = data.train_validation_split(images, labels, validation=12, seed=3)
    assert len(val_x) == len(val_y) == 12 and len(train_x) == len(train_y) == 38
    together = torch.cat([train_x, val_x]).flatten().long()
    assert sorted(together.tolist()) == list(range(50))
    assert torch.equal(torch.cat([train_y, val_y]), together % 10), "labels stay with their images"
    again = data.train_validation_split(images, labels, validation=12, seed=3)[2]
    assert torch.equal(again, val_x)
    assert not torch.equal(data.train_validation_split(images, labels, validation=12, seed=4)[2], val_x)
    with pytest.raises(ValueError, match="validation"):
        data.train_validation_split(images, labels, validation=50)
