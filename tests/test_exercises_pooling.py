"""The checks of lecture 5's exercises accept the master solution, report the stub as not
done, and reject typical wrong answers with a message that says what differs."""

import numpy as np
import torch
import torch.nn.functional as F
from exercise_support import assert_accepts, assert_not_done, assert_rejects, master, stub

from lecturekit import kernels
from lecturekit.exercises import pooling as checks

PRELUDE = "import numpy as np\nfrom lecturekit import kernels"


def _pool_loops(x, size, stride, *, start=None, count=None):
    # max pooling with its loop bounds and starting maximum open to the usual slips
    count = count or (lambda n: (n - size) // stride + 1)
    out = np.zeros((count(x.shape[0]), count(x.shape[1])))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            window = x[r * stride:r * stride + size, c * stride:c * stride + size]
            out[r, c] = window.max() if start is None else max(start, window.max())
    return out


def test_max_pool2d(capsys):
    check = checks.check_max_pool2d
    assert_accepts(check, master("05", "max_pool2d"), capsys)
    assert_not_done(check, stub("05", "max_pool2d"))

    def mean_pool(x, size, stride=None):
        return kernels.pool2d(x, size, stride=stride, mode="mean")

    def default_stride_one(x, size, stride=1):
        return kernels.pool2d(x, size, stride=stride)

    def ignores_stride(x, size, stride=None):
        return kernels.pool2d(x, size)

    def starts_at_zero(x, size, stride=None):
        return _pool_loops(x, size, stride or size, start=0.0)

    def partial_windows(x, size, stride=None):
        step = stride or size
        return _pool_loops(x, size, step, count=lambda n: int(np.ceil((n - size) / step)) + 1)

    def changes_input(x, size, stride=None):
        x -= x.min()
        return kernels.pool2d(x, size, stride=stride) + np.min(x)

    assert_rejects(check, mean_pool, "the pooled map", "4 x 4 map", "took the mean")
    assert_rejects(check, default_stride_one, "stride left out", "has shape (3, 3), expected (2, 2)",
                   "moved the window by 1 when no stride is given")
    assert_rejects(check, ignores_stride, "overlapping 3 x 3 windows, stride 1",
                   "moved the window by its size whatever the stride")
    assert_rejects(check, starts_at_zero, "the pooled map", "(yours 0, expected -",
                   "started the maximum at 0")
    assert_rejects(check, partial_windows, "the last row and column fit in no window",
                   "shape (4, 5), expected (3, 4)", "count only the windows that fit entirely")
    assert_rejects(check, changes_input, "changed its argument `x` in place")


def _torch_conv(x, weight, bias, stride, padding):
    bias = None if bias is None else torch.from_numpy(bias)
    return F.conv2d(torch.from_numpy(x), torch.from_numpy(np.ascontiguousarray(weight)), bias,
                    stride=stride, padding=padding).numpy()


def test_conv_layer(capsys):
    check = checks.check_conv_layer
    assert_accepts(check, master("05", "conv_layer", PRELUDE), capsys)
    assert_not_done(check, stub("05", "conv_layer", PRELUDE))

    def no_bias(x, weight, bias, stride=1, padding=0):
        return _torch_conv(x, weight, None, stride, padding)

    def bias_per_channel(x, weight, bias, stride=1, padding=0):
        out = np.zeros(_torch_conv(x, weight, None, stride, padding).shape)
        for n, image in enumerate(x):
            for o, kernel in enumerate(weight):
                for channel, k in zip(image, kernel):
                    out[n, o] += kernels.correlate2d(channel, k, stride=stride, padding=padding) + bias[o]
        return out

    def first_channel_only(x, weight, bias, stride=1, padding=0):
        return _torch_conv(x[:, :1], weight[:, :1], bias, stride, padding)

    def swapped_weight_axes(x, weight, bias, stride=1, padding=0):
        return _torch_conv(x, weight.transpose(1, 0, 2, 3), bias, stride, padding)

    def maps_first(x, weight, bias, stride=1, padding=0):
        return _torch_conv(x, weight, bias, stride, padding).transpose(1, 0, 2, 3)

    assert_rejects(check, no_bias, "the output of `conv_layer`", "one grey 5 x 6 image", "left out the bias")
    assert_rejects(check, bias_per_channel, "3 channels and 3 output maps",
                   "added the bias once per input channel")
    assert_rejects(check, first_channel_only, "3 channels", "used only the first input channel")
    assert_rejects(check, swapped_weight_axes, "3 channels and 3 output maps", "swapped the two channel axes")
    assert_rejects(check, maps_first, "has shape (3, 2, 4, 3), expected (2, 3, 4, 3)",
                   "put the output maps on the first axis")


def test_conv_summary(capsys):
    check = checks.check_conv_summary
    assert_accepts(check, master("05", "conv_summary"), capsys)
    assert_not_done(check, stub("05", "conv_summary"))

    def shape_of(shape, out_channels, k, stride, padding):
        _, height, width = shape
        rows, cols = (height + 2 * padding - k) // stride + 1, (width + 2 * padding - k) // stride + 1
        return out_channels, rows, cols

    def no_bias(shape, out_channels, k, stride=1, padding=0):
        return shape_of(shape, out_channels, k, stride, padding), out_channels * shape[0] * k * k

    def no_input_channels(shape, out_channels, k, stride=1, padding=0):
        return shape_of(shape, out_channels, k, stride, padding), out_channels * (k * k + 1)

    def keeps_input_channels(shape, out_channels, k, stride=1, padding=0):
        return ((shape[0], *shape_of(shape, out_channels, k, stride, padding)[1:]),
                out_channels * (shape[0] * k * k + 1))

    def ignores_padding_and_stride(shape, out_channels, k, stride=1, padding=0):
        return ((out_channels, shape[1] - k + 1, shape[2] - k + 1), out_channels * (shape[0] * k * k + 1))

    def rows_and_columns_swapped(shape, out_channels, k, stride=1, padding=0):
        c, rows, cols = shape_of(shape, out_channels, k, stride, padding)
        return (c, cols, rows), out_channels * (shape[0] * k * k + 1)

    assert_rejects(check, no_bias, "the parameter count", "16 maps of 3 x 3 on a 1 x 28 x 28 digit",
                   "yours is 144, expected 160", "left out the biases")
    assert_rejects(check, no_input_channels, "its second convolution", "left out the input channels")
    assert_rejects(check, keeps_input_channels, "yours is (1, 26, 26), expected (16, 26, 26)",
                   "one channel per output map")
    assert_rejects(check, ignores_padding_and_stride, "padding 2",
                   "yours is (8, 28, 28), expected (8, 32, 32)", "the padding adds rows and columns")
    assert_rejects(check, rows_and_columns_swapped, "non-square 3 x 15 x 20 image",
                   "the rows come from the height")
    assert_rejects(check, lambda shape, out_channels, k, stride=1, padding=0: 160, "a pair")


def _backward_loops(x, grad_out, size, stride, *, add=True, ones=False):
    grad_x = np.zeros(x.shape)
    for r in range(grad_out.shape[0]):
        for c in range(grad_out.shape[1]):
            window = x[r * stride:r * stride + size, c * stride:c * stride + size]
            i, j = np.unravel_index(np.argmax(window), window.shape)
            value = 1.0 if ones else grad_out[r, c]
            if add:
                grad_x[r * stride + i, c * stride + j] += value
            else:
                grad_x[r * stride + i, c * stride + j] = value
    return grad_x


def test_max_pool_backward(capsys):
    check = checks.check_max_pool_backward
    assert_accepts(check, master("05", "max_pool_backward"), capsys)
    assert_not_done(check, stub("05", "max_pool_backward"))

    def spread_evenly(x, grad_out, size, stride=None):
        inputs = torch.tensor(x, requires_grad=True)
        pooled = F.avg_pool2d(inputs[None, None], size, stride=stride or size)
        pooled.backward(torch.tensor(grad_out)[None, None])
        return inputs.grad.numpy()

    def overwrites(x, grad_out, size, stride=None):
        return _backward_loops(x, grad_out, size, stride or size, add=False)

    def forgets_grad_out(x, grad_out, size, stride=None):
        return _backward_loops(x, grad_out, size, stride or size, ones=True)

    def whole_map_index(x, grad_out, size, stride=None):
        stride = stride or size
        grad_x = np.zeros(x.shape)
        for r in range(grad_out.shape[0]):
            for c in range(grad_out.shape[1]):
                window = x[r * stride:r * stride + size, c * stride:c * stride + size]
                i, j = np.unravel_index(np.argmax(window), x.shape)
                grad_x[r * stride + i, c * stride + j] += grad_out[r, c]
        return grad_x

    assert_rejects(check, spread_evenly, "the gradient with respect to x", "4 x 4 map",
                   "spread each gradient evenly")
    assert_rejects(check, overwrites, "overlapping 3 x 3 windows",
                   "replaced the gradient where windows overlap")
    assert_rejects(check, forgets_grad_out, "4 x 4 map", "sent a 1 to each maximum")
    assert_rejects(check, whole_map_index, "raised IndexError", "4 x 4 map")
