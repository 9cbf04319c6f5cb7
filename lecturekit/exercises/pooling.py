"""Checks for the exercises of lecture 5 (pooling and convolutional networks)."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from lecturekit import kernels
from lecturekit.exercises.feedback import (
    NotRightYet,
    Slip,
    as_array,
    attempt,
    compare,
    passed,
    unchanged,
    unpack,
)


def _distinct(rng: np.random.Generator, *shape: int, low: int | None = None) -> np.ndarray:
    """Whole numbers that all differ (no ties for the maximum), from ``low`` up (by default
    about as many below zero as above)."""
    size = int(np.prod(shape))
    start = -(size // 2) if low is None else low
    return (rng.permutation(size) + start).reshape(shape).astype(np.float64)


def check_max_pool2d(max_pool2d: Callable[..., Any]) -> None:
    """Check ``max_pool2d(x, size, stride=None)`` against :func:`kernels.pool2d`."""
    rng = np.random.default_rng(5)
    cases = [
        ("a 4 x 4 map, 2 x 2 windows side by side (stride left out: it is the window size)",
         _distinct(rng, 4, 4), 2, None),
        ("a 7 x 9 map, 2 x 2 windows, stride 2 (the last row and column fit in no window)",
         _distinct(rng, 7, 9), 2, 2),
        ("a 5 x 6 map, overlapping 3 x 3 windows, stride 1", _distinct(rng, 5, 6), 3, 1),
        ("a 7 x 8 map, 3 x 3 windows, stride 2, which does not divide evenly", _distinct(rng, 7, 8), 3, 2),
        ("a 4 x 6 map of negative numbers only", _distinct(rng, 4, 6, low=-40), 2, None),
        ("1 x 1 windows (nothing changes)", _distinct(rng, 3, 4), 1, 1),
        ("a 5 x 8 map, 2 x 2 windows, stride 3 (gaps between the windows)", _distinct(rng, 5, 8), 2, 3),
    ]
    for case, x, size, stride in cases:
        given = x.copy()
        if stride is None:
            result = attempt(max_pool2d, "max_pool2d", given, size, case=case)
        else:
            result = attempt(max_pool2d, "max_pool2d", given, size, stride=stride, case=case)
        unchanged(x, given, name="max_pool2d", argument="x", case=case)
        step = size if stride is None else stride

        def pool(mode: str = "max", s: int = step, x: np.ndarray = x, size: int = size) -> np.ndarray:
            return kernels.pool2d(x, size, stride=s, mode=mode)

        slips: list[Slip] = [
            ("took the mean of each window (that is average pooling)", lambda pool=pool: pool("mean")),
            ("moved the window by its size whatever the stride", lambda pool=pool, size=size: pool(s=size)),
            ("moved the window by 1 when no stride is given (the default stride is the window size)",
             lambda pool=pool: pool(s=1)),
            ("started the maximum at 0 (a window of negative numbers has a negative maximum)",
             lambda pool=pool: np.maximum(pool(), 0)),
            ("stopped one window short along each axis (an off-by-one in the loop bounds)",
             lambda pool=pool: pool()[:-1, :-1]),
            ("took the smallest value of each window", lambda x=x, size=size, s=step:
             -kernels.pool2d(-x, size, stride=s)),
        ]
        want = kernels.pool2d(x, size, stride=step)
        got = as_array(result)
        shape = ("count only the windows that fit entirely, `stride` pixels apart; "
                 if got is not None and got.shape != want.shape else "")
        compare(result, want, "the pooled map", case=case, slips=slips,
               hint=shape + "window (r, c) starts at row r * stride, column c * stride, and keeps "
                            "its largest value.")
    passed("max_pool2d", f"{len(cases)} cases, including overlapping windows, an uneven stride and "
                         "negative numbers")


def _conv(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, stride: int,
          padding: int) -> np.ndarray:
    tensor = torch.from_numpy
    return F.conv2d(tensor(x), tensor(np.ascontiguousarray(weight)),
                    None if bias is None else tensor(bias), stride=stride, padding=padding).numpy()


def check_conv_layer(conv_layer: Callable[..., Any]) -> None:
    """Check ``conv_layer(x, weight, bias, stride, padding)`` on batches against
    ``torch.nn.functional.conv2d`` in float64."""
    rng = np.random.default_rng(52)

    def normal(*shape: int) -> np.ndarray:
        return rng.normal(size=shape)

    cases = [
        ("a batch of one grey 5 x 6 image and one 3 x 3 kernel", normal(1, 1, 5, 6), normal(1, 1, 3, 3),
         normal(1), 1, 0),
        ("a batch of 2 images with 3 channels and 3 output maps", normal(2, 3, 6, 5), normal(3, 3, 3, 3),
         normal(3), 1, 0),
        ("a batch of 3 images with 2 channels and 4 output maps", normal(3, 2, 5, 5), normal(4, 2, 3, 3),
         normal(4), 1, 0),
        ("padding 1 and stride 2 on 7 x 6 images with 2 x 3 kernels", normal(2, 2, 7, 6),
         normal(3, 2, 2, 3), normal(3), 2, 1),
        ("a 1 x 1 convolution that mixes 3 channels into 2 maps", normal(2, 3, 4, 4), normal(2, 3, 1, 1),
         normal(2), 1, 0),
    ]
    for case, x, weight, bias, stride, padding in cases:
        args = (x.copy(), weight.copy(), bias.copy())
        result = attempt(conv_layer, "conv_layer", *args, stride=stride, padding=padding, case=case)
        for argument, before, after in zip(("x", "weight", "bias"), (x, weight, bias), args):
            unchanged(before, after, name="conv_layer", argument=argument, case=case)
        in_channels = x.shape[1]

        def conv(w: np.ndarray = weight, b: Any = bias, xs: np.ndarray = x, s: int = stride,
                 p: int = padding) -> np.ndarray:
            return _conv(xs, w, b, s, p)

        slips: list[Slip] = [
            ("left out the bias", lambda conv=conv: conv(b=None)),
            ("added the bias once per input channel instead of once per map",
             lambda conv=conv, b=bias, m=in_channels: conv(b=None) + m * b[:, None, None]),
            ("used only the first input channel (add up the correlations of all input channels)",
             lambda conv=conv, x=x, w=weight: conv(xs=x[:, :1], w=w[:, :1])),
            ("swapped the two channel axes of the weights (weight[o, m] is the slice of output map o "
             "for input channel m)", lambda conv=conv, w=weight: conv(w=w.transpose(1, 0, 2, 3))),
            ("flipped the kernels (a CNN slides them as they are)",
             lambda conv=conv, w=weight: conv(w=w[..., ::-1, ::-1])),
            ("put the output maps on the first axis and the samples on the second",
             lambda conv=conv: conv().transpose(1, 0, 2, 3)),
        ]
        compare(result, _conv(x, weight, bias, stride, padding), "the output of `conv_layer`", case=case,
               slips=slips,
               hint="output map o of sample n is bias[o] plus the sum over the input channels m of "
                    "x[n, m] correlated with weight[o, m]; the result has shape (N, C_out, H', W').")
    passed("conv_layer", f"{len(cases)} batches, including padding with stride and a 1 x 1 convolution")


def check_conv_summary(conv_summary: Callable[..., Any]) -> None:
    """Check ``conv_summary(shape, out_channels, kernel_size, stride, padding)``, the output shape
    and the parameter count of a ``Conv2d``, against :func:`kernels.output_size` and
    :func:`kernels.conv2d_parameter_count`."""
    cases = [
        ("the first convolution of the lecture's CNN: 16 maps of 3 x 3 on a 1 x 28 x 28 digit",
         (1, 28, 28), 16, 3, 1, 0),
        ("its second convolution: 32 maps of 3 x 3 on the pooled 16 x 13 x 13 maps",
         (16, 13, 13), 32, 3, 1, 0),
        ("8 maps of 5 x 5 with padding 2 on a 3 x 32 x 32 colour image (padding that keeps the size)",
         (3, 32, 32), 8, 5, 1, 2),
        ("6 maps of 3 x 3, stride 2 and padding 1 on a non-square 3 x 15 x 20 image",
         (3, 15, 20), 6, 3, 2, 1),
        ("a 1 x 1 convolution mixing 64 channels into 16 maps of 7 x 7", (64, 7, 7), 16, 1, 1, 0),
    ]
    for case, shape, out_channels, k, stride, padding in cases:
        result = attempt(conv_summary, "conv_summary", shape, out_channels, k, stride=stride,
                         padding=padding, case=case)
        result = unpack(result, 2, name="conv_summary",
                        what="a pair (output shape, parameter count)", case=case)
        got_shape, count = result
        try:
            got_shape = tuple(int(size) for size in got_shape)
        except (TypeError, ValueError):
            raise NotRightYet(f"the output shape should be a tuple of three whole numbers (channels, "
                              f"rows, columns), got {got_shape!r} on {case}.") from None
        channels, height, width = shape
        want_shape = (out_channels, kernels.output_size(height, k, stride=stride, padding=padding),
                      kernels.output_size(width, k, stride=stride, padding=padding))
        if got_shape != want_shape:
            slips = [
                (got_shape[:1] == (channels,) and channels != out_channels,
                 "the output has one channel per output map (per kernel), not per input channel."),
                (got_shape[1:] == (want_shape[2], want_shape[1]) and height != width,
                 "the rows come from the height and the columns from the width."),
                (got_shape[1:] == (height - k + 1, width - k + 1) and (stride, padding) != (1, 0),
                 "the padding adds rows and columns, the stride divides the number of positions."),
            ]
            hint = next((words for slipped, words in slips if slipped),
                        "along each axis count the positions where the kernel fits on the padded input.")
            raise NotRightYet(f"the output shape on {case}: yours is {got_shape}, expected {want_shape}."
                              f"\nHint: {hint}")
        if isinstance(count, (bool, np.bool_)) or not isinstance(count, (Integral, float, np.floating)):
            raise NotRightYet(f"the parameter count should be a whole number, got "
                              f"{type(count).__name__} on {case}.")
        count_slips: list[Slip] = [
            ("left out the biases (one per output map)",
             lambda m=channels, o=out_channels, k=k: o * m * k * k),
            ("left out the input channels (each kernel has one k x k slice per input channel)",
             lambda o=out_channels, k=k: o * (k * k + 1)),
            ("counted one bias per input channel (there is one per output map)",
             lambda m=channels, o=out_channels, k=k: o * m * (k * k + 1)),
            ("counted a separate kernel for every position (the kernels are shared by all positions)",
             lambda m=channels, o=out_channels, k=k, s=want_shape: o * (m * k * k + 1) * s[1] * s[2]),
        ]
        compare(count, kernels.conv2d_parameter_count(channels, out_channels, k), "the parameter count",
               case=case, slips=count_slips,
               hint="each output map has one kernel with a k x k slice per input channel, and one bias.")
    passed("conv_summary", f"{len(cases)} layers, including padding, a stride on an odd size and a "
                           "1 x 1 convolution")


def _route(x: np.ndarray, grad_out: np.ndarray, size: int, stride: int, *,
           pick: Callable[..., Any] = np.argmax, add: bool = True,
           shape_of: Callable[..., Any] | None = None) -> np.ndarray:
    """Max pooling's backward pass written out, with the usual slips as options."""
    grad_x = np.zeros(x.shape)
    for r in range(grad_out.shape[0]):
        for c in range(grad_out.shape[1]):
            window = x[r * stride:r * stride + size, c * stride:c * stride + size]
            i, j = np.unravel_index(pick(window), shape_of(x) if shape_of else window.shape)
            if add:
                grad_x[r * stride + i, c * stride + j] += grad_out[r, c]
            else:
                grad_x[r * stride + i, c * stride + j] = grad_out[r, c]
    return grad_x


def _pool_gradient(x: np.ndarray, grad_out: np.ndarray, size: int, stride: int,
                   mode: str = "max") -> np.ndarray:
    inputs = torch.tensor(x, requires_grad=True)
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    pool(inputs[None, None], size, stride=stride).backward(torch.tensor(grad_out)[None, None])
    return inputs.grad.numpy()


def check_max_pool_backward(max_pool_backward: Callable[..., Any]) -> None:
    """Check ``max_pool_backward(x, grad_out, size, stride=None)`` against torch's autograd
    through ``max_pool2d`` in float64."""
    rng = np.random.default_rng(54)
    shared = _distinct(rng, 5, 5)
    top = np.unravel_index(np.argmax(shared), shared.shape)
    shared[top], shared[2, 2] = shared[2, 2], shared[top]  # the largest value in all nine windows
    cases = [
        ("a 4 x 4 map, 2 x 2 windows side by side (stride left out: it is the window size)",
         _distinct(rng, 4, 4), 2, None),
        ("a 5 x 7 map, 2 x 2 windows (its last row and column are in no window: their gradient is 0)",
         _distinct(rng, 5, 7), 2, 2),
        ("a 5 x 5 map, overlapping 3 x 3 windows, stride 1 (the largest value is the maximum of all "
         "nine windows and collects all their gradients)", shared, 3, 1),
        ("a 7 x 8 map, 3 x 3 windows, stride 2", _distinct(rng, 7, 8), 3, 2),
        ("1 x 1 windows (the gradient passes straight through)", _distinct(rng, 3, 4), 1, 1),
    ]
    for case, x, size, stride in cases:
        step = size if stride is None else stride
        rows, cols = kernels.pool2d(x, size, stride=step).shape
        grad_out = np.round(rng.normal(size=(rows, cols)), 2)
        args = (x.copy(), grad_out.copy(), size)
        options = {} if stride is None else {"stride": stride}
        result = attempt(max_pool_backward, "max_pool_backward", *args, case=case, **options)
        unchanged(x, args[0], name="max_pool_backward", argument="x", case=case)
        unchanged(grad_out, args[1], name="max_pool_backward", argument="grad_out", case=case)
        slips: list[Slip] = [
            ("spread each gradient evenly over its window (that is average pooling's gradient)",
             lambda x=x, g=grad_out, size=size, s=step: _pool_gradient(x, g, size, s, "mean")),
            ("replaced the gradient where windows overlap instead of adding it up",
             lambda x=x, g=grad_out, size=size, s=step: _route(x, g, size, s, add=False)),
            ("sent a 1 to each maximum instead of the upstream gradient (multiply by grad_out: the "
             "chain rule)", lambda x=x, g=grad_out, size=size, s=step: _route(x, np.ones_like(g), size, s)),
            ("sent the gradient to the smallest value of each window",
             lambda x=x, g=grad_out, size=size, s=step: _route(x, g, size, s, pick=np.argmin)),
            ("turned the position of the maximum in the window into a row and column with the shape of "
             "the whole map instead of the window's",
             lambda x=x, g=grad_out, size=size, s=step: _route(x, g, size, s, shape_of=np.shape)),
        ]
        compare(result, _pool_gradient(x, grad_out, size, step), "the gradient with respect to x",
               case=case, slips=slips,
               hint="each entry of grad_out goes to the position of its window's maximum, and only "
                    "there; a position in several windows collects the sum.")
    passed("max_pool_backward", f"{len(cases)} cases, including overlapping windows and a row and column "
                                "outside every window")
