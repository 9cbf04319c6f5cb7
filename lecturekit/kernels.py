"""Convolution kernels, 2-D cross-correlation and pooling, written out in numpy.

Introduced in lecture 4 (kernels and feature maps) and lecture 5 (pooling). These are
readable reference implementations, the formulas and nothing else (:func:`apply_kernel` and
the figure helpers of :mod:`lecturekit.convplots` check user arrays on the way in): they
compute the same numbers as
``torch.nn.functional.conv2d``, ``max_pool2d`` and ``avg_pool2d`` on one single-channel
image, so that the lectures can show what the torch layers do.

A note on names: what deep learning calls a "convolution" is a *cross-correlation*. The
kernel is slid over the image as it is, not flipped; a textbook convolution would flip it
first. For the symmetric blur kernels the two agree; for Sobel they differ by a sign.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lecturekit._checks import check_array, check_positive_int, to_numpy


def _frozen(rows: list[list[float]], scale: float = 1.0) -> np.ndarray:
    array = np.array(rows, dtype=np.float64) * scale
    array.setflags(write=False)
    return array


# The classic 3 x 3 kernels of image processing (lecture 4). The arrays are read-only so
# that a notebook cannot change them for every later cell by accident; use .copy() to edit.
KERNELS: dict[str, np.ndarray] = {
    "identity": _frozen([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "box_blur": _frozen([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 1 / 9),
    "gaussian_blur": _frozen([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 1 / 16),
    "sharpen": _frozen([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "laplacian": _frozen([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "sobel_x": _frozen([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "sobel_y": _frozen([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
}

POOL_MODES = ("max", "mean")


def output_size(n: int, kernel_size: int, *, stride: int = 1, padding: int = 0) -> int:
    """Length of a convolution's output along one axis: ``(n + 2p - k) // s + 1`` (lecture 4).

    ``n`` is the input length, ``k`` the kernel size, ``s`` the stride, ``p`` the zero
    padding added on each side. The same formula gives the output size of pooling.
    """
    return (n + 2 * padding - kernel_size) // stride + 1


def correlate2d(image: np.ndarray, kernel: np.ndarray, *, stride: int = 1, padding: int = 0) -> np.ndarray:
    """2-D cross-correlation of one image with one kernel, as a CNN layer computes it (lecture 4).

    The image is padded with ``padding`` zeros on every side; the kernel is then placed at
    every ``stride``-th position, and each output pixel is the sum of the element-wise
    products of the kernel and the image patch under it. Returns a float64 array of shape
    ``(output_size(h, kh, ...), output_size(w, kw, ...))``, equal to
    ``torch.nn.functional.conv2d`` on the same single-channel data.
    """
    padded = np.pad(np.asarray(image, dtype=np.float64), padding)
    kernel = np.asarray(kernel, dtype=np.float64)
    # Every kernel-sized patch of the padded image, at every stride-th position:
    # patches[r, c] is the patch whose top-left corner is at (r * stride, c * stride).
    patches = sliding_window_view(padded, kernel.shape)[::stride, ::stride]
    # Multiply each patch element-wise with the kernel and add up the products.
    return np.einsum("rcij,ij->rc", patches, kernel)


def pool2d(x: np.ndarray, size: int, *, stride: int | None = None, mode: str = "max") -> np.ndarray:
    """Max or mean pooling of a 2-D array over ``size x size`` windows, no padding (lecture 5).

    ``stride`` defaults to ``size`` (windows side by side, no overlap). ``mode`` is
    ``"max"`` or ``"mean"``. Windows that would run past the edge are dropped, exactly as
    in ``torch.nn.functional.max_pool2d`` / ``avg_pool2d`` with their default arguments.
    """
    step = size if stride is None else stride
    windows = sliding_window_view(np.asarray(x, dtype=np.float64), (size, size))[::step, ::step]
    return windows.max(axis=(2, 3)) if mode == "max" else windows.mean(axis=(2, 3))


def conv2d_parameter_count(in_channels: int, out_channels: int, kernel_size: int, *,
                           bias: bool = True) -> int:
    """Weights and biases of a convolutional layer: ``out * (in * k * k + 1)`` (lecture 5).

    The count does not depend on the image size: the same kernels are shared by every position.
    """
    return out_channels * (in_channels * kernel_size * kernel_size + int(bias))


def linear_parameter_count(in_features: int, out_features: int, *, bias: bool = True) -> int:
    """Weights and biases of a fully connected layer: ``out * (in + 1)`` (lecture 5)."""
    return out_features * (in_features + int(bias))


# --- the boundary: user images and kernels come in here ------------------------------------

MAX_SIDE = 10_000  # image or kernel side; a 10,000 x 10,000 float64 image is 800 MB


def check_image(name: str, value: Any) -> np.ndarray:
    """A non-empty 2-D array of real numbers (ints or floats, not bools or complex) as float64."""
    raw = np.asarray(to_numpy(value))
    if raw.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers (int or float), got dtype {raw.dtype}")
    array = check_array(name, raw, ndim=2)
    if 0 in array.shape or max(array.shape) > MAX_SIDE:
        raise ValueError(f"{name} must have sides from 1 to {MAX_SIDE:,}, got shape {array.shape}")
    return array


def check_window(image: np.ndarray, window: tuple[int, ...], *, stride: Any = 1,
                 padding: Any = 0) -> tuple[int, int]:
    """``stride >= 1`` and ``padding >= 0`` as ints, with which a ``window`` fits the image."""
    stride = check_positive_int("stride", stride, maximum=MAX_SIDE)
    padding = check_positive_int("padding", padding, minimum=0, maximum=MAX_SIDE)
    for axis, (n, k) in enumerate(zip(image.shape, window)):
        if n + 2 * padding < k:
            raise ValueError(
                f"image (shape {image.shape}) is smaller than the window (shape {tuple(window)}) "
                f"along axis {axis} with padding={padding}; pad the image or use a smaller window"
            )
    return stride, padding


def apply_kernel(image: Any, kernel: Any) -> np.ndarray:
    """Filter an image with a kernel centred on each pixel; the output has the image's size (lecture 4).

    ``kernel`` is a square array with an odd side (so that it has a centre pixel) or a
    name from :data:`KERNELS`. The image is zero-padded by half the kernel size.
    """
    if isinstance(kernel, str):
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {sorted(KERNELS)} or an array, got {kernel!r}")
        kernel = KERNELS[kernel]
    image, kernel = check_image("image", image), check_image("kernel", kernel)
    rows, cols = kernel.shape
    if rows != cols or rows % 2 == 0:
        raise ValueError(
            f"kernel must be square with an odd side so that it has a centre pixel, got shape {kernel.shape}"
        )
    return correlate2d(image, kernel, padding=rows // 2)
