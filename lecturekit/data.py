"""MNIST on disk and in memory, and the device to compute on.

Introduced in lecture 0 (setup check) and used in lecture 6 (training on MNIST).

The data folder is resolved in this order: the ``root`` argument, the ``LECTUREKIT_DATA``
environment variable, then a per-user cache folder. The folder holds ``MNIST/raw/`` exactly
as :class:`torchvision.datasets.MNIST` expects it.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from lecturekit._checks import check_bool, check_positive_int

if TYPE_CHECKING:
    import torch
    from torchvision.datasets import MNIST

ENV_VAR = "LECTUREKIT_DATA"

MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

# torchvision.datasets.MNIST.mirrors, copied so that a missing-data error does not have to
# import torch first (that alone can take seconds); a unit test keeps the two in step.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

# How long to wait for a download server to answer before giving up.
CONNECT_TIMEOUT_S = 3.0

# The idx file format: a big-endian magic number (0x0803 for 3-D unsigned bytes, 0x0801 for 1-D),
# one big-endian int32 per dimension, then the bytes.
IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
IMAGE_SIZE = (28, 28)
NUM_CLASSES = 10


class MNISTNotFoundError(FileNotFoundError):
    """MNIST is not in the data folder and could not be downloaded."""


class MNISTCorruptError(ValueError):
    """An MNIST file in the data folder is damaged or is not an MNIST file."""


def user_cache_dir() -> Path:
    """lecturekit's per-user cache folder, where this system keeps caches (lecture 0)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "lecturekit"


def default_cache_dir() -> Path:
    """The per-user folder used when neither ``root`` nor ``LECTUREKIT_DATA`` is given (lecture 0)."""
    return user_cache_dir() / "data"


def data_dir(root: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``root``, else ``$LECTUREKIT_DATA``, else the per-user cache folder (lecture 0)."""
    if root is not None:
        if not isinstance(root, (str, os.PathLike)):
            raise TypeError(f"root must be a path (str or os.PathLike) or None, got {type(root).__name__}")
        if str(root) == "":
            raise ValueError("root must be a non-empty path or None")
        return Path(root).expanduser()
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    return default_cache_dir()


def mnist_present(root: str | os.PathLike[str] | None = None) -> bool:
    """True when all four MNIST files are in ``<data folder>/MNIST/raw`` (lecture 0)."""
    raw = data_dir(root) / "MNIST" / "raw"
    return all((raw / name).is_file() for name in MNIST_FILES)


def _missing_message(folder: Path, reason: str) -> str:
    return (
        f"MNIST was not found in {folder / 'MNIST' / 'raw'} and {reason}.\n"
        f"The data folder comes from the root argument, else the {ENV_VAR} environment "
        f"variable, else {default_cache_dir()}.\n"
        "To provide the data offline: on a machine with internet run\n"
        "    python -c \"import lecturekit.data as d; d.mnist(root='mnist-data')\"\n"
        "then copy the folder mnist-data (it holds MNIST/raw/) to this machine and set\n"
        f"    export {ENV_VAR}=/path/to/mnist-data"
    )


def _servers_reachable(timeout: float = CONNECT_TIMEOUT_S) -> bool:
    """Whether any of torchvision's MNIST mirrors accepts a connection within ``timeout``.

    Behind a web proxy a direct connection proves nothing, so the download is just tried.
    """
    proxies = urllib.request.getproxies()
    if proxies.get("http") or proxies.get("https"):
        return True
    for mirror in MIRRORS:
        url = urlparse(mirror)
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            with socket.create_connection((url.hostname, port), timeout=timeout):
                return True
        except OSError:
            continue
    return False


def _download(folder: Path) -> None:
    """Download MNIST into ``folder`` atomically: into a temporary folder, then moved."""
    from torchvision.datasets import MNIST

    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".mnist-download-", dir=folder))
    try:
        MNIST(str(staging), train=True, download=True)
        raw = folder / "MNIST" / "raw"
        raw.mkdir(parents=True, exist_ok=True)
        for name in MNIST_FILES:
            os.replace(staging / "MNIST" / "raw" / name, raw / name)
    except Exception as error:
        raise MNISTNotFoundError(_missing_message(folder, f"the download failed ({error})")) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _ensure_present(folder: Path, download: bool) -> Path:
    """The ``MNIST/raw`` folder inside ``folder``, downloaded first if absent and ``download``."""
    if not mnist_present(folder):
        if not download:
            raise MNISTNotFoundError(_missing_message(folder, "download=False"))
        if not _servers_reachable():
            raise MNISTNotFoundError(
                _missing_message(folder, "no MNIST download server could be reached (no network?)")
            )
        _download(folder)
    return folder / "MNIST" / "raw"


def _corrupt(path: Path, problem: str) -> MNISTCorruptError:
    return MNISTCorruptError(
        f"{path} is not a valid MNIST file: {problem}.\n"
        "The file is damaged (an interrupted download or copy?). To get a good copy, delete it: the "
        "next call downloads MNIST again; without internet, copy the folder MNIST/raw from a machine "
        "that has a working copy (see README, 'MNIST offline')."
    )


def _read_header(path: Path, magic: int, dims: int) -> tuple[int, ...]:
    """The sizes an idx file announces, after checking its magic number and its length."""
    header = 4 * (dims + 1)
    with open(path, "rb") as file:
        head = file.read(header)
        size = os.fstat(file.fileno()).st_size
    if len(head) < header:
        raise _corrupt(path, f"it is {size} bytes long, shorter than the {header}-byte header "
                             "(empty or truncated)")
    found, *shape = (int.from_bytes(head[i:i + 4], "big") for i in range(0, header, 4))
    if found != magic:
        hint = " (it looks gzip-compressed: uncompress it with gunzip)" if head[:2] == b"\x1f\x8b" else ""
        raise _corrupt(path, f"it starts with the magic number {found}, expected {magic}{hint}")
    expected = header + int(np.prod(shape))
    if size != expected:
        what = "truncated" if size < expected else "longer than its header says"
        raise _corrupt(path, f"its header announces {' x '.join(map(str, shape))} bytes of data "
                             f"({expected:,} bytes with the header) but the file is {size:,} bytes ({what})")
    return tuple(shape)


def _split_files(raw: Path, train: bool) -> tuple[Path, Path, int]:
    """The image and label files of a split and their example count, with their headers checked."""
    prefix = "train" if train else "t10k"
    images, labels = raw / f"{prefix}-images-idx3-ubyte", raw / f"{prefix}-labels-idx1-ubyte"
    count, *size = _read_header(images, IMAGES_MAGIC, 3)
    if tuple(size) != IMAGE_SIZE:
        raise _corrupt(images, f"its images are {size[0]}x{size[1]} pixels, expected 28x28")
    if count == 0:
        raise _corrupt(images, "it holds no images")
    (label_count,) = _read_header(labels, LABELS_MAGIC, 1)
    if label_count != count:
        raise _corrupt(labels, f"it holds {label_count:,} labels but {images.name} holds {count:,} images")
    return images, labels, count


def _check_label_values(path: Path, labels: Any) -> None:
    """Every label must be a digit 0-9 (``labels``: the file's values, a tensor or an array)."""
    labels = np.asarray(labels)
    outside = labels >= NUM_CLASSES
    if outside.any():
        index = int(np.argmax(outside))
        raise _corrupt(path, f"the label at position {index} is {labels[index]}, but MNIST labels are the "
                             "digits 0-9")


def check_mnist(root: str | os.PathLike[str] | None = None) -> None:
    """Check the four MNIST files without loading the images (lecture 0).

    Raises :class:`MNISTNotFoundError` when a file is missing and :class:`MNISTCorruptError`,
    naming the file, when one is damaged (wrong magic number, truncated, counts that disagree,
    images that are not 28x28, a label outside 0-9).
    """
    folder = data_dir(root)
    if not mnist_present(folder):
        raise MNISTNotFoundError(_missing_message(folder, "was not downloaded yet"))
    raw = folder / "MNIST" / "raw"
    for train in (True, False):
        _, labels, _ = _split_files(raw, train)
        _check_label_values(labels, np.fromfile(labels, dtype=np.uint8, offset=8))


def mnist(
    train: bool = True,
    root: str | os.PathLike[str] | None = None,
    download: bool = True,
    transform: Any = None,
) -> MNIST:
    """The torchvision MNIST data set (lecture 6).

    ``train`` picks the 60,000 training or the 10,000 test digits. When the files are absent
    and ``download`` is true, they are fetched into the data folder; without a network this
    fails within seconds with a :class:`MNISTNotFoundError` that says how to provide them.
    A damaged file raises :class:`MNISTCorruptError` naming it.
    ``transform`` is passed to torchvision (for example ``torchvision.transforms.ToTensor()``).
    """
    check_bool("train", train)
    check_bool("download", download)
    if transform is not None and not callable(transform):
        raise TypeError("transform must be None or a function of one image, for example "
                        f"torchvision.transforms.ToTensor(), got {type(transform).__name__}")
    folder = data_dir(root)
    _, labels, _ = _split_files(_ensure_present(folder, download), train)
    from torchvision.datasets import MNIST

    dataset = MNIST(str(folder), train=train, download=False, transform=transform)
    _check_label_values(labels, dataset.targets)
    return dataset


@functools.lru_cache(maxsize=4)
def _tensors(train: bool, folder: Path) -> tuple[torch.Tensor, torch.Tensor]:
    """Read one split straight from its idx files (each read once), without torchvision."""
    import torch

    images_path, labels_path, count = _split_files(_ensure_present(folder, True), train)
    pixels = np.fromfile(images_path, dtype=np.uint8, offset=16)
    labels = np.fromfile(labels_path, dtype=np.uint8, offset=8)
    if pixels.size != count * IMAGE_SIZE[0] * IMAGE_SIZE[1] or labels.size != count:
        raise _corrupt(images_path if labels.size == count else labels_path, "it changed while being read")
    _check_label_values(labels_path, labels)
    images = torch.from_numpy(pixels).view(count, 1, *IMAGE_SIZE).to(dtype=torch.float32).div_(255.0)
    return images, torch.from_numpy(labels.astype(np.int64))


def mnist_tensors(
    train: bool = True,
    root: str | os.PathLike[str] | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """A whole MNIST split in memory: images ``N x 1 x 28 x 28`` in [0, 1] and int64 labels.

    Lecture 6's fast path for training on a CPU. The tensors are loaded once per process and
    shared between calls, so treat them as read-only (``images.clone()`` before editing).
    Missing files are downloaded and damaged ones are reported as in :func:`mnist`.
    """
    check_bool("train", train)
    return _tensors(train, data_dir(root).resolve())


def train_validation_split(images: torch.Tensor, labels: torch.Tensor, *, validation: int = 10_000,
                           seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Set ``validation`` random examples aside: ``(train_images, train_labels, val_images,
    val_labels)`` (lectures 6 and 7).

    Every decision while training (settings, epochs, which model) is made on the validation
    examples; the test split is used once, at the end, to report the result.
    """
    import torch

    if not (hasattr(images, "shape") and hasattr(labels, "shape")) or len(images) != len(labels):
        raise ValueError("images and labels must be tensors of the same length, got "
                         f"{type(images).__name__} and {type(labels).__name__}")
    validation = check_positive_int("validation", validation, maximum=max(len(images) - 1, 1))
    seed = check_positive_int("seed", seed, minimum=0, maximum=2**63 - 1)
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))
    held_out, kept = order[:validation], order[validation:]
    return images[kept], labels[kept], images[held_out], labels[held_out]


def device() -> torch.device:
    """The device to train on: CUDA, else Apple MPS, else the CPU (lecture 0 and 6)."""
    import torch

    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe_device(dev: torch.device | None = None) -> str:
    """One line for a slide saying which device is used and what it is (lecture 0)."""
    import torch

    if dev is None:
        dev = device()
    elif isinstance(dev, str):
        try:
            dev = torch.device(dev)
        except RuntimeError as error:
            raise ValueError(f"dev must name a device such as 'cpu' or 'cuda', got {dev!r}") from error
    elif not isinstance(dev, torch.device):
        raise TypeError(f"dev must be a torch.device, a device name such as 'cpu', or None, "
                        f"got {type(dev).__name__}")
    if dev.type == "cuda":
        return f"CUDA GPU: {torch.cuda.get_device_name(dev)}"
    if dev.type == "mps":
        return "Apple GPU through Metal (MPS)"
    if dev.type == "cpu":
        return f"CPU with {torch.get_num_threads()} threads (no CUDA or Apple MPS GPU found)"
    return f"{dev.type} device"
