"""lecturekit.kernels against torch: cross-correlation, pooling, output sizes, parameter counts."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecturekit import kernels


def _torch_conv(image, kernel, stride, padding):
    x = torch.from_numpy(np.asarray(image, dtype=np.float64))[None, None]
    w = torch.from_numpy(np.asarray(kernel, dtype=np.float64))[None, None]
    return F.conv2d(x, w, stride=stride, padding=padding)[0, 0].numpy()


def _random_case(rng):
    kh, kw = rng.integers(1, 6, size=2)
    padding = int(rng.integers(0, 3))
    stride = int(rng.integers(1, 4))
    h = int(rng.integers(max(1, kh - 2 * padding), 20))
    w = int(rng.integers(max(1, kw - 2 * padding), 20))
    return rng.normal(size=(h, w)), rng.normal(size=(kh, kw)), stride, padding


@pytest.mark.parametrize("seed", range(40))
def test_correlate2d_matches_torch_conv2d(seed):
    rng = np.random.default_rng(seed)
    image, kernel, stride, padding = _random_case(rng)
    ours = kernels.correlate2d(image, kernel, stride=stride, padding=padding)
    theirs = _torch_conv(image, kernel, stride, padding)
    assert ours.dtype == np.float64
    assert ours.shape == theirs.shape
    assert np.max(np.abs(ours - theirs)) < 1e-6


def test_correlate2d_matches_torch_in_float32_too():
    rng = np.random.default_rng(1)
    image = rng.random((28, 28)).astype(np.float32)
    kernel = kernels.KERNELS["sobel_x"]
    x = torch.from_numpy(image)[None, None]
    w = torch.from_numpy(kernel.astype(np.float32))[None, None]
    theirs = F.conv2d(x, w, padding=1)[0, 0].numpy()
    assert np.max(np.abs(kernels.correlate2d(image, kernel, padding=1) - theirs)) < 1e-5


def test_correlate2d_by_hand():
    image = np.arange(16).reshape(4, 4)
    kernel = np.array([[1, 0], [0, -1]])
    # out[r, c] = image[r, c] - image[r + 1, c + 1] = -5 everywhere
    np.testing.assert_array_equal(kernels.correlate2d(image, kernel), np.full((3, 3), -5.0))
    np.testing.assert_array_equal(kernels.correlate2d(image, kernel, stride=2), np.full((2, 2), -5.0))


def test_correlation_is_not_a_flipped_convolution():
    image = np.zeros((5, 5))
    image[2, 2] = 1.0  # one bright pixel: correlation paints the kernel rotated by 180 degrees
    kernel = kernels.KERNELS["sobel_x"]
    out = kernels.correlate2d(image, kernel, padding=1)
    np.testing.assert_array_equal(out[1:4, 1:4], kernel[::-1, ::-1])


def test_apply_kernel_keeps_the_size_and_identity_changes_nothing():
    image = np.random.default_rng(0).random((9, 7))
    np.testing.assert_allclose(kernels.apply_kernel(image, "identity"), image)
    assert kernels.apply_kernel(image, "laplacian").shape == image.shape
    assert kernels.apply_kernel(image, np.ones((5, 5))).shape == image.shape


def test_named_kernels():
    assert set(kernels.KERNELS) == {"identity", "box_blur", "gaussian_blur", "sharpen",
                                    "laplacian", "sobel_x", "sobel_y"}
    for name, kernel in kernels.KERNELS.items():
        assert kernel.shape == (3, 3), name
        assert not kernel.flags.writeable, name
    for name in ("identity", "box_blur", "gaussian_blur", "sharpen"):
        assert kernels.KERNELS[name].sum() == pytest.approx(1.0), name  # keep the brightness
    for name in ("laplacian", "sobel_x", "sobel_y"):
        assert kernels.KERNELS[name].sum() == 0.0, name  # flat regions give 0
    np.testing.assert_array_equal(kernels.KERNELS["sobel_y"], kernels.KERNELS["sobel_x"].T)


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("mode", kernels.POOL_MODES)
def test_pool2d_matches_torch(seed, mode):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 5))
    stride = None if seed % 3 == 0 else int(rng.integers(1, 5))
    x = rng.normal(size=(int(rng.integers(size, 20)), int(rng.integers(size, 20))))
    ours = kernels.pool2d(x, size, stride=stride, mode=mode)
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    theirs = pool(torch.from_numpy(x)[None, None], size, stride=stride)[0, 0].numpy()
    assert ours.shape == theirs.shape
    assert np.max(np.abs(ours - theirs)) < 1e-6


def test_pool2d_by_hand():
    x = np.array([[1, 2, 0, 0], [3, 4, 0, 8], [5, 6, 1, 1], [7, 9, 1, 1]])
    np.testing.assert_array_equal(kernels.pool2d(x, 2), [[4, 8], [9, 1]])
    np.testing.assert_array_equal(kernels.pool2d(x, 2, mode="mean"), [[2.5, 2], [6.75, 1]])
    np.testing.assert_array_equal(kernels.pool2d(x, 3, stride=1), [[6, 8], [9, 9]])


@pytest.mark.parametrize("seed", range(30))
def test_output_size_formula_matches_torch_shapes(seed):
    rng = np.random.default_rng(seed)
    image, kernel, stride, padding = _random_case(rng)
    shape = _torch_conv(image, kernel, stride, padding).shape
    expected = tuple(kernels.output_size(n, k, stride=stride, padding=padding)
                     for n, k in zip(image.shape, kernel.shape))
    assert shape == expected


def test_output_size_examples():
    assert kernels.output_size(28, 3) == 26
    assert kernels.output_size(28, 3, padding=1) == 28
    assert kernels.output_size(28, 2, stride=2) == 14
    assert kernels.output_size(224, 11, stride=4, padding=2) == 55  # AlexNet's first layer
    assert kernels.output_size(7, 3, stride=2) == 3


def test_parameter_counts_match_torch_modules():
    def count(module):
        return sum(p.numel() for p in module.parameters())

    assert kernels.linear_parameter_count(100, 10) == count(torch.nn.Linear(100, 10)) == 1010
    assert kernels.conv2d_parameter_count(1, 10, 3) == count(torch.nn.Conv2d(1, 10, 3)) == 100
    assert kernels.conv2d_parameter_count(16, 32, 5, bias=False) == count(
        torch.nn.Conv2d(16, 32, 5, bias=False))
    assert kernels.linear_parameter_count(800, 10, bias=False) == count(
        torch.nn.Linear(800, 10, bias=False))


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: kernels.apply_kernel(np.ones((5, 5)), np.ones(3)), ValueError, "kernel must be 2-D"),
        (lambda: kernels.apply_kernel(np.ones(5), np.ones((3, 3))), ValueError, "image must be 2-D"),
        (lambda: kernels.apply_kernel(np.ones((5, 5), dtype=complex), np.ones((3, 3))), TypeError, "dtype"),
        (lambda: kernels.apply_kernel(np.ones((5, 5), dtype=bool), np.ones((3, 3))), TypeError, "dtype"),
        (lambda: kernels.apply_kernel([["a", "b"], ["c", "d"]], np.ones((1, 1))), TypeError, "dtype"),
        (lambda: kernels.apply_kernel(np.full((5, 5), np.nan), np.ones((3, 3))), ValueError, "finite"),
        (lambda: kernels.apply_kernel(np.ones((0, 5)), np.ones((3, 3))), ValueError, "image must have sides"),
        (lambda: kernels.apply_kernel(np.ones((5, 5)), np.ones((2, 2))), ValueError, "odd side"),
        (lambda: kernels.apply_kernel(np.ones((5, 5)), np.ones((3, 5))), ValueError, "square"),
        (lambda: kernels.apply_kernel(np.ones((5, 5)), "emboss"), ValueError, "kernel must be one of"),
        (lambda: kernels.correlation_step(np.ones((5, 5)), np.ones((3, 3)), 0, 0, padding=-1),
         ValueError, "padding"),
        (lambda: kernels.correlation_step(np.ones((2, 5)), np.ones((3, 3)), 0, 0), ValueError,
         "smaller than the window"),
        (lambda: kernels.correlation_step(np.ones((5, 5)), np.ones((3, 3)), 0, 9), ValueError, "row, col"),
        (lambda: kernels.pooling_figure(np.ones((5, 5)), 0), ValueError, "size"),
        (lambda: kernels.pooling_figure(np.ones((5, 5)), 2, stride=0), ValueError, "stride"),
        (lambda: kernels.pooling_figure(np.ones((5, 5)), 2, stride=1.5), TypeError, "stride"),
        (lambda: kernels.pooling_figure(np.ones((1, 5)), 2), ValueError, "smaller than the window"),
        (lambda: kernels.pooling_figure(np.ones((5, 5)), 10**9), ValueError, "size must be at most"),
    ],
)
def test_boundary_checks_name_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_padding_lets_a_small_image_through():
    out = kernels.correlate2d(np.ones((2, 2)), np.ones((3, 3)), padding=1)
    np.testing.assert_array_equal(out, np.full((2, 2), 4.0))
