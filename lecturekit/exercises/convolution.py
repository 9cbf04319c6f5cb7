"""Checks for the exercises of lecture 4 (convolution kernels)."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Any

import numpy as np

from lecturekit import kernels
from lecturekit.exercises.feedback import NotRightYet, Slip, as_array, attempt, compare, passed


def _image(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    return rng.integers(-4, 5, size=(rows, cols)).astype(np.float64)


TINY = np.array([[3, 1, 0, 2, 1], [0, 2, 4, 1, 0], [1, 0, 3, 2, 2], [2, 1, 0, 1, 3], [0, 3, 1, 0, 1]],
                dtype=np.float64)
EDGE = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=np.float64)


def check_correlate2d(correlate2d: Callable[..., Any]) -> None:
    """Check ``correlate2d(image, kernel, stride, padding)`` against :func:`kernels.correlate2d`."""
    rng = np.random.default_rng(4)
    size_hint = ("count the positions where the whole kernel fits on the padded image, `stride` "
                 "pixels apart: down the rows with the kernel's height, across the columns with its width")
    cases = [
        ("the lecture's 5 x 5 image and 3 x 3 kernel (no padding, stride 1)", TINY, EDGE, 1, 0,
         "each output pixel is the sum of the kernel times the patch under it, "
         "the patch's top-left corner at (r, c)."),
        ("a 6 x 6 image with padding 1 (the output keeps its size)", _image(rng, 6, 6),
         _image(rng, 3, 3), 1, 1,
         "pad the image with p rings of zeros on every side before sliding the kernel."),
        ("a 7 x 7 image with stride 2", _image(rng, 7, 7), _image(rng, 3, 3), 2, 0,
         "with stride s the patch of output pixel (r, c) starts at row r * s, column c * s."),
        ("an 8 x 8 image with stride 2, which does not divide evenly (its last row and column are "
         "never under the kernel)", _image(rng, 8, 8), _image(rng, 3, 3), 2, 0,
         "count only the positions where the whole kernel fits on the image."),
        ("a 1 x 1 kernel", _image(rng, 4, 5), np.array([[-2.0]]), 1, 0,
         "a 1 x 1 kernel multiplies every pixel by its one number."),
        ("a non-square 5 x 7 image and a non-square 2 x 3 kernel", _image(rng, 5, 7), _image(rng, 2, 3),
         1, 0, "use the kernel's number of rows along the image's rows and its number of columns "
               "along the image's columns."),
        ("a 6 x 9 image with padding 2, stride 3 and a 3 x 2 kernel", _image(rng, 6, 9),
         _image(rng, 3, 2), 3, 2, "pad first, then step by the stride."),
    ]
    for case, image, kernel, stride, padding, hint in cases:
        result = attempt(correlate2d, "correlate2d", image.copy(), kernel.copy(), stride=stride,
                         padding=padding, case=case)

        def run(k: np.ndarray, x: np.ndarray = image, s: int = stride, p: int = padding) -> np.ndarray:
            return kernels.correlate2d(x, k, stride=s, padding=p)

        def one_side(x: np.ndarray = image, k: np.ndarray = kernel, s: int = stride,
                     p: int = padding) -> np.ndarray:
            return kernels.correlate2d(np.pad(x, ((p, 0), (p, 0))), k, stride=s)

        slips: list[Slip] = [
            ("flipped the kernel (a textbook convolution; a CNN slides the kernel as it is)",
             lambda k=kernel, run=run: run(k[::-1, ::-1])),
            ("used the transposed kernel", lambda k=kernel, run=run: run(k.T)),
            ("padded the image on one side only", one_side),
            ("stopped one position short along each axis (an off-by-one in the loop bounds)",
             lambda k=kernel, run=run: run(k)[:-1, :-1]),
        ]
        want = kernels.correlate2d(image, kernel, stride=stride, padding=padding)
        got = as_array(result)
        shape_hint = f"{size_hint}; " if got is not None and got.shape != want.shape else ""
        compare(result, want, "the output of `correlate2d`", case=case, hint=shape_hint + hint, slips=slips)
    passed("correlate2d", f"{len(cases)} cases, including an uneven stride, a 1 x 1 kernel "
                          "and a non-square kernel")


def check_output_size(output_size: Callable[..., Any]) -> None:
    """Check ``output_size(n, k, stride, padding)`` against :func:`kernels.output_size`."""
    cases = [
        ("n = 5, k = 3, no padding, stride 1", 5, 3, 1, 0),
        ("n = 28, k = 3, padding 1, stride 1 (padding that keeps the size)", 28, 3, 1, 1),
        ("n = 28, k = 5, padding 1, stride 2 (a stride that does not divide evenly)", 28, 5, 2, 1),
        ("n = 28, k = 4, no padding, stride 3", 28, 4, 3, 0),
        ("n = 7, a 1 x 1 kernel", 7, 1, 1, 0),
        ("n = 6, a kernel as large as the image", 6, 6, 1, 0),
        ("n = 224, k = 11, padding 2, stride 4 (AlexNet's first layer)", 224, 11, 4, 2),
    ]
    for case, n, k, s, p in cases:
        result = attempt(output_size, "output_size", n, k, stride=s, padding=p, case=case)
        if isinstance(result, (bool, np.bool_)) or not isinstance(result, (Integral, float, np.floating)):
            raise NotRightYet(f"`output_size` should return a whole number (an int), got "
                              f"{type(result).__name__} on {case}.")
        if not isinstance(result, Integral) and not float(result).is_integer():
            raise NotRightYet(f"`output_size` returned {result} on {case}: an output has a whole "
                              "number of pixels. The kernel fits only where it lies entirely on the "
                              "(padded) image: round the division down.")
        slips: list[Slip] = [
            ("forgot the + 1 (the first position, before any step, counts too)",
             lambda n=n, k=k, s=s, p=p: (n + 2 * p - k) // s),
            ("padded one side only (padding p adds p pixels on each side, 2p in all)",
             lambda n=n, k=k, s=s, p=p: (n + p - k) // s + 1),
            ("rounded the division up (a kernel that would run past the edge does not count)",
             lambda n=n, k=k, s=s, p=p: -(-(n + 2 * p - k) // s) + 1),
            ("left out the stride (with stride s the kernel moves s pixels per step)",
             lambda n=n, k=k, p=p: n + 2 * p - k + 1),
        ]
        compare(result, kernels.output_size(n, k, stride=s, padding=p), "the output size", case=case,
               hint="count how many positions of the kernel fit along the padded axis.", slips=slips)
    passed("output_size", f"{len(cases)} cases, including an uneven stride and a 1 x 1 kernel")


def check_convolve2d(convolve2d: Callable[..., Any]) -> None:
    """Check ``convolve2d(image, kernel)``, a textbook convolution (the kernel rotated by 180
    degrees), against :func:`kernels.correlate2d` with the flipped kernel."""
    rng = np.random.default_rng(43)
    cases = [
        ("Sobel x on the lecture's 5 x 5 image", TINY, kernels.KERNELS["sobel_x"].copy()),
        ("a 3 x 3 kernel with no symmetry", _image(rng, 6, 5), np.arange(9.0).reshape(3, 3) - 2),
        ("a non-square 2 x 3 kernel on a 4 x 6 image", _image(rng, 4, 6), np.array([[1.0, 2, 3], [0, 0, 5]])),
        ("the Gaussian blur (symmetric: flipping changes nothing)", _image(rng, 5, 5),
         kernels.KERNELS["gaussian_blur"].copy()),
        ("a 1 x 1 kernel", _image(rng, 3, 4), np.array([[3.0]])),
    ]
    for case, image, kernel in cases:
        result = attempt(convolve2d, "convolve2d", image.copy(), kernel.copy(), case=case)
        slips: list[Slip] = [
            ("slid the kernel without flipping it (that is the cross-correlation)",
             lambda x=image, k=kernel: kernels.correlate2d(x, k)),
            ("flipped the kernel upside down only",
             lambda x=image, k=kernel: kernels.correlate2d(x, k[::-1])),
            ("flipped the kernel left to right only",
             lambda x=image, k=kernel: kernels.correlate2d(x, k[:, ::-1])),
            ("transposed the kernel (a transpose mirrors it along its diagonal, it is no 180-degree turn)",
             lambda x=image, k=kernel: kernels.correlate2d(x, k.T)),
            ("negated the kernel (flipping moves its numbers, it does not change their signs; for Sobel "
             "the two happen to agree)", lambda x=image, k=kernel: kernels.correlate2d(x, -k)),
        ]
        compare(result, kernels.correlate2d(image, kernel[::-1, ::-1]), "the output of `convolve2d`",
               case=case, slips=slips,
               hint="rotate the kernel by 180 degrees (upside down and left to right), then slide "
                    "it as in `correlate2d`, stride 1, no padding.")
    passed("convolve2d", f"{len(cases)} cases, including a kernel with no symmetry and a non-square one")


def _edges(image: np.ndarray, x_kernel: np.ndarray, y_kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (kernels.correlate2d(image, x_kernel, padding=1),
            kernels.correlate2d(image, y_kernel, padding=1))


def check_edge_strength(edge_strength: Callable[..., Any]) -> None:
    """Check ``edge_strength(image)``, the Sobel gradient magnitude, against
    :func:`kernels.correlate2d` with :data:`kernels.KERNELS`' Sobel kernels."""
    rng = np.random.default_rng(44)
    step = np.zeros((6, 7))
    step[:, 4:] = 1.0
    square = np.zeros((7, 7))
    square[2:5, 2:5] = 1.0
    cases = [
        ("a vertical edge (dark left part, bright right part)", step),
        ("a horizontal edge (dark top, bright bottom)", step.T.copy()),
        ("a bright square on a dark background", square),
        ("a flat grey image (zero inside; the zero padding makes its border an edge)", np.full((5, 6), 0.5)),
        ("a random non-square image", rng.random((5, 8))),
    ]
    sobel_x, sobel_y = kernels.KERNELS["sobel_x"], kernels.KERNELS["sobel_y"]
    for case, image in cases:
        result = attempt(edge_strength, "edge_strength", image.copy(), case=case)
        gx, gy = _edges(image, sobel_x, sobel_y)
        slips: list[Slip] = [
            ("left out the square root", lambda gx=gx, gy=gy: gx**2 + gy**2),
            ("added the sizes |gx| + |gy| instead of taking the length of the vector (gx, gy)",
             lambda gx=gx, gy=gy: np.abs(gx) + np.abs(gy)),
            ("used Sobel x for both directions", lambda gx=gx: np.sqrt(2) * np.abs(gx)),
            ("used Sobel y for both directions", lambda gy=gy: np.sqrt(2) * np.abs(gy)),
            ("used only Sobel x", lambda gx=gx: np.abs(gx)),
            ("used only Sobel y", lambda gy=gy: np.abs(gy)),
        ]
        got = as_array(result)
        size = ("pad with one ring of zeros so that the output has the image's size; "
                if got is not None and got.shape != image.shape else "")
        compare(result, np.hypot(gx, gy), "the edge strength", case=case, slips=slips,
               hint=size + "correlate the image with Sobel x and with Sobel y (padding 1), then take "
                           "the length of the vector (gx, gy) at every pixel.")
    passed("edge_strength", f"{len(cases)} images, including a flat one and a non-square one")
