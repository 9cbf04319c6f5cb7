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


def test_named_kernels_are_frozen_3x3():
    for name, kernel in kernels.KERNELS.items():
        assert kernel.shape == (3, 3), name
        assert not kernel.flags.writeable, name
        with pytest.raises(ValueError):
            kernel[1, 1] = 7.0


def test_smoothing_kernels_keep_a_flat_image_and_edge_detectors_zero_it():
    flat = np.full((7, 7), 3.0)
    for name in ("identity", "box_blur", "gaussian_blur", "sharpen"):
        # the weights sum to 1: a flat region keeps its brightness
        np.testing.assert_allclose(kernels.correlate2d(flat, kernels.KERNELS[name]), 3.0, err_msg=name)
    for name in ("laplacian", "sobel_x", "sobel_y"):
        np.testing.assert_allclose(kernels.correlate2d(flat, kernels.KERNELS[name]), 0.0, atol=1e-12,
                                   err_msg=name)
    for name in ("box_blur", "gaussian_blur"):
        assert np.all(kernels.KERNELS[name] >= 0), name  # a blur averages, it never subtracts


def test_sobel_kernels_measure_the_gradient_along_their_axis():
    rows, cols = np.mgrid[0:8, 0:9].astype(float)
    ramp_x, ramp_y = 2.0 * cols, 3.0 * rows  # brightness grows to the right / downwards
    sobel_x, sobel_y = kernels.KERNELS["sobel_x"], kernels.KERNELS["sobel_y"]
    gx = kernels.correlate2d(ramp_x, sobel_x)
    np.testing.assert_allclose(gx, gx[0, 0])  # constant slope, constant response
    assert gx[0, 0] > 0
    np.testing.assert_allclose(kernels.correlate2d(ramp_x, sobel_y), 0.0, atol=1e-12)
    np.testing.assert_allclose(kernels.correlate2d(ramp_y, sobel_x), 0.0, atol=1e-12)
    gy = kernels.correlate2d(ramp_y, sobel_y)
    # the same operator turned by 90 degrees: it sees 3 per row where sobel_x sees 2 per column
    np.testing.assert_allclose(gy, gx[0, 0] * 3.0 / 2.0)
    np.testing.assert_array_equal(sobel_y, sobel_x.T)


def test_laplacian_vanishes_on_a_linear_ramp_and_sharpen_adds_it_back():
    rows, cols = np.mgrid[0:8, 0:8].astype(float)
    np.testing.assert_allclose(kernels.correlate2d(2 * rows - cols + 1, kernels.KERNELS["laplacian"]), 0.0,
                               atol=1e-12)
    np.testing.assert_allclose(kernels.correlate2d(rows**2 + cols**2, kernels.KERNELS["laplacian"]), 4.0)
    # sharpening = the image minus its Laplacian
    np.testing.assert_array_equal(kernels.KERNELS["sharpen"],
                                  kernels.KERNELS["identity"] - kernels.KERNELS["laplacian"])


def test_correlation_equals_convolution_exactly_for_the_symmetric_kernels():
    # The module docstring: for the symmetric kernels correlation and convolution agree; for
    # Sobel they differ by a sign (the 180-degree rotation flips it).
    image = np.random.default_rng(3).random((9, 8))
    for name, kernel in kernels.KERNELS.items():
        rotated = kernel[::-1, ::-1]
        convolved = kernels.correlate2d(image, rotated, padding=1)
        sign = -1.0 if name.startswith("sobel") else 1.0
        np.testing.assert_allclose(convolved, sign * kernels.correlate2d(image, kernel, padding=1),
                                   err_msg=name)


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


@pytest.mark.parametrize(("n", "k", "stride", "padding"),
                         [(28, 3, 1, 0), (28, 3, 1, 1), (28, 2, 2, 0), (224, 11, 4, 2), (7, 3, 2, 0)])
def test_output_size_of_the_lecture_examples_matches_torch(n, k, stride, padding):
    out = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=stride, padding=padding)
    assert kernels.output_size(n, k, stride=stride, padding=padding) == out.shape[-1]


def test_output_size_of_alexnets_first_layer():
    # Krizhevsky et al. 2012: 224 x 224 input, 11 x 11 kernels, stride 4 -> 55 x 55 feature maps
    assert kernels.output_size(224, 11, stride=4, padding=2) == 55


def _torch_count(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize(("n_in", "n_out", "k"), [(1, 10, 3), (16, 32, 5), (3, 7, 1), (800, 10, 2)])
def test_parameter_counts_match_torch_modules(n_in, n_out, k, bias):
    assert kernels.conv2d_parameter_count(n_in, n_out, k, bias=bias) == _torch_count(
        torch.nn.Conv2d(n_in, n_out, k, bias=bias))
    assert kernels.linear_parameter_count(n_in, n_out, bias=bias) == _torch_count(
        torch.nn.Linear(n_in, n_out, bias=bias))


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        (lambda: kernels.apply_kernel(np.ones((5, 5)), np.ones(3)), ValueError, "kernel"),
        (lambda: kernels.apply_kernel(np.ones(5), np.ones((3, 3))), ValueError, "image"),
        (lambda: kernels.apply_kernel(np.ones((5, 5), dtype=complex), np.ones((3, 3))), TypeError, "image"),
        (lambda: kernels.apply_kernel(np.ones((5, 5), dtype=bool), np.ones((3, 3))), TypeError, "image"),
        (lambda: kernels.apply_kernel([["a", "b"], ["c", "d"]], np.ones((1, 1))), TypeError, "image"),
        (lambda: kernels.apply_kernel(np.full((5, 5), np.nan), np.ones((3, 3))), ValueError, "image"),
        (lambda: kernels.apply_kernel(np.ones((0, 5)), np.ones((3, 3))), ValueError, "image"),
        (lambda: kernels.apply_kernel(np.ones((5, 5)), np.ones((2, 2))), ValueError, "kernel"),
        (lambda: kernels.apply_kernel(np.ones((5, 5)), np.ones((3, 5))), ValueError, "kernel"),
        (lambda: kernels.apply_kernel(np.ones((5, 5)), "emboss"), ValueError, "kernel"),
        (lambda: kernels.correlation_step(np.ones((5, 5)), np.ones((3, 3)), 0, 0, padding=-1),
         ValueError, "padding"),
        (lambda: kernels.correlation_step(np.ones((2, 5)), np.ones((3, 3)), 0, 0), ValueError, "image"),
        (lambda: kernels.correlation_step(np.ones((5, 5)), np.ones((3, 3)), 0, 9), ValueError, "row, col"),
        (lambda: kernels.pooling_figure(np.ones((5, 5)), 0), ValueError, "size"),
        (lambda: kernels.pooling_figure(np.ones((5, 5)), 2, stride=0), ValueError, "stride"),
        (lambda: kernels.pooling_figure(np.ones((5, 5)), 2, stride=1.5), TypeError, "stride"),
        (lambda: kernels.pooling_figure(np.ones((1, 5)), 2), ValueError, "window"),
        (lambda: kernels.pooling_figure(np.ones((5, 5)), 10**9), ValueError, "size"),
    ],
)
def test_boundary_checks_name_the_argument(call, error, argument):
    with pytest.raises(error, match=rf"\b{argument}\b"):
        call()


def test_padding_lets_a_small_image_through():
    out = kernels.correlate2d(np.ones((2, 2)), np.ones((3, 3)), padding=1)
    np.testing.assert_array_equal(out, np.full((2, 2), 4.0))


@pytest.mark.parametrize("seed", range(10))
def test_torch_conv2d_is_torch_and_agrees_with_correlate2d(seed):
    rng = np.random.default_rng(seed)
    image, kernel, stride, padding = _random_case(rng)
    ours = kernels.torch_conv2d(image, kernel, stride=stride, padding=padding)
    np.testing.assert_allclose(ours, _torch_conv(image, kernel, stride, padding), atol=1e-12)
    np.testing.assert_allclose(ours, kernels.correlate2d(image, kernel, stride=stride, padding=padding),
                               atol=1e-9)
    assert ours.dtype == np.float64


def test_torch_conv2d_takes_read_only_and_flipped_kernels():
    image = np.arange(30.0).reshape(5, 6)
    sobel = kernels.KERNELS["sobel_x"]  # read-only
    flipped = kernels.torch_conv2d(image, sobel[::-1, ::-1], padding=1)  # negative strides
    np.testing.assert_allclose(flipped, -kernels.torch_conv2d(image, sobel, padding=1))


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        (lambda: kernels.torch_conv2d(np.ones(5), np.ones((3, 3))), ValueError, "image"),
        (lambda: kernels.torch_conv2d(np.ones((5, 5)), np.full((3, 3), np.nan)), ValueError, "kernel"),
        (lambda: kernels.torch_conv2d(np.ones((2, 2)), np.ones((3, 3))), ValueError, "image"),
        (lambda: kernels.torch_conv2d(np.ones((5, 5)), np.ones((3, 3)), stride=0), ValueError, "stride"),
        (lambda: kernels.torch_conv2d(np.ones((5, 5)), np.ones((3, 3)), padding=-1), ValueError, "padding"),
    ],
)
def test_torch_conv2d_checks_its_arguments(call, error, argument):
    with pytest.raises(error, match=rf"\b{argument}\b"):
        call()
