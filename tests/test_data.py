"""lecturekit.data: where the data folder is, MNIST on disk and in memory, the device."""

import socket
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
