"""The checks of lecture 4's exercises accept the master solution, report the stub as not
done, and reject typical wrong answers with a message that says what differs."""

import numpy as np
from exercise_support import assert_accepts, assert_not_done, assert_rejects, master, stub

from lecturekit import kernels
from lecturekit.exercises import convolution as checks

PRELUDE = "import numpy as np\nfrom lecturekit import kernels"


def _loops(image, kernel, stride=1, padding=0, *, rows_of=None, cols_of=None, extra=1):
    # correlate2d with its loop bounds and kernel sizes open to the usual slips
    image = np.pad(image, padding)
    kh, kw = kernel.shape
    rows = rows_of(image.shape[0], kh, stride) if rows_of else (image.shape[0] - kh) // stride + extra
    cols = cols_of(image.shape[1], kw, stride) if cols_of else (image.shape[1] - kw) // stride + extra
    out = np.zeros((rows, cols))
    for r in range(rows):
        for c in range(cols):
            patch = image[r * stride:r * stride + kh, c * stride:c * stride + kw]
            out[r, c] = np.sum(patch * kernel)
    return out


def test_correlate2d(capsys):
    check = checks.check_correlate2d
    assert_accepts(check, master("04", "correlate2d", PRELUDE), capsys)
    assert_not_done(check, stub("04", "correlate2d", PRELUDE))

    def flipped(image, kernel, stride=1, padding=0):
        return kernels.correlate2d(image, kernel[::-1, ::-1], stride=stride, padding=padding)

    def one_too_few(image, kernel, stride=1, padding=0):
        return _loops(image, kernel, stride, padding, extra=0)

    def square_kernel(image, kernel, stride=1, padding=0):
        k = kernel.shape[0]  # as if every kernel were k x k
        return _loops(image, kernel, stride, padding, rows_of=lambda n, kh, s: (n - k) // s + 1,
                      cols_of=lambda n, kw, s: (n - k) // s + 1)

    def rounds_up(image, kernel, stride=1, padding=0):
        ceil = lambda n, k, s: int(np.ceil((n - k) / s)) + 1  # noqa: E731
        return _loops(image, kernel, stride, padding, rows_of=ceil, cols_of=ceil)

    def one_side(image, kernel, stride=1, padding=0):
        return kernels.correlate2d(np.pad(image, ((padding, 0), (padding, 0))), kernel, stride=stride)

    assert_rejects(check, flipped, "flipped the kernel", "lecture's 5 x 5 image")
    assert_rejects(check, one_too_few, "has shape (2, 2), expected (3, 3)", "one position short",
                   "where the whole kernel fits")
    assert_rejects(check, square_kernel, "raised ValueError", "non-square 2 x 3 kernel")
    assert_rejects(check, rounds_up, "raised ValueError", "does not divide evenly")
    assert_rejects(check, one_side, "with padding 1", "padded the image on one side only")
    assert_rejects(check, lambda image, kernel, stride=1, padding=0: None, "None", "return")


def test_output_size(capsys):
    check = checks.check_output_size
    assert_accepts(check, master("04", "output_size"), capsys)
    assert_not_done(check, stub("04", "output_size"))
    assert_rejects(check, lambda n, k, stride=1, padding=0: (n + 2 * padding - k) // stride,
                   "yours is 2, expected 3", "forgot the + 1")
    assert_rejects(check, lambda n, k, stride=1, padding=0: (n + padding - k) // stride + 1,
                   "padding 1", "padded one side only")
    assert_rejects(check, lambda n, k, stride=1, padding=0: -(-(n + 2 * padding - k) // stride) + 1,
                   "does not divide evenly", "rounded the division up")
    assert_rejects(check, lambda n, k, stride=1, padding=0: (n + 2 * padding - k) / stride + 1,
                   "returned 13.5", "whole", "round the division down")
    assert_rejects(check, lambda n, k, stride=1, padding=0: n + 2 * padding - k + 1,
                   "stride 2", "left out the stride")


def test_convolve2d(capsys):
    check = checks.check_convolve2d
    assert_accepts(check, master("04", "convolve2d", PRELUDE), capsys)
    assert_not_done(check, stub("04", "convolve2d", PRELUDE))
    assert_rejects(check, lambda image, kernel: kernels.correlate2d(image, kernel),
                   "Sobel x", "without flipping it", "wrong sign")
    assert_rejects(check, lambda image, kernel: kernels.correlate2d(image, -kernel),
                   "no symmetry", "negated the kernel")
    assert_rejects(check, lambda image, kernel: kernels.correlate2d(image, kernel[::-1]),
                   "Sobel x", "without flipping it", "upside down only")
    assert_rejects(check, lambda image, kernel: kernels.correlate2d(image, kernel[:, ::-1]),
                   "no symmetry", "left to right only")
    assert_rejects(check, lambda image, kernel: kernels.correlate2d(image, kernel.T),
                   "Sobel x", "transposed the kernel")


def test_edge_strength(capsys):
    check = checks.check_edge_strength
    assert_accepts(check, master("04", "edge_strength", PRELUDE), capsys)
    assert_not_done(check, stub("04", "edge_strength", PRELUDE))
    sobel_x, sobel_y = kernels.KERNELS["sobel_x"], kernels.KERNELS["sobel_y"]

    def squared(image):
        gx = kernels.correlate2d(image, sobel_x, padding=1)
        gy = kernels.correlate2d(image, sobel_y, padding=1)
        return gx**2 + gy**2

    def added(image):
        gx = kernels.correlate2d(image, sobel_x, padding=1)
        gy = kernels.correlate2d(image, sobel_y, padding=1)
        return np.abs(gx) + np.abs(gy)

    def same_kernel_twice(image):
        gx = kernels.correlate2d(image, sobel_x, padding=1)
        return np.sqrt(gx**2 + gx**2)

    def no_padding(image):
        return np.hypot(kernels.correlate2d(image, sobel_x), kernels.correlate2d(image, sobel_y))

    assert_rejects(check, squared, "the edge strength", "vertical edge", "square root")
    assert_rejects(check, added, "vertical edge", "|gx| + |gy|")
    assert_rejects(check, same_kernel_twice, "vertical edge", "yours 0, expected 4", "Sobel x for both")
    assert_rejects(check, no_padding, "has shape (4, 5), expected (6, 7)", "one ring of zeros")
