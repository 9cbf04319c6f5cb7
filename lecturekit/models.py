"""The two networks of lecture 6: a multilayer perceptron and a small convolutional network.

Both take a batch of MNIST digits, ``N x 1 x 28 x 28`` floats in [0, 1], and return
``N x 10`` logits (one unnormalised score per digit class). Each carries a ``default_lr``,
the peak learning rate :func:`lecturekit.training.fit` uses when it is given ``lr=None``,
and an ``input_shape``, the shape of one image, which :mod:`lecturekit.training` checks.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from lecturekit._checks import check_bool, check_module, check_positive_int, check_sizes

NUM_CLASSES = 10
INPUT_SHAPE = (1, 28, 28)
MAX_HIDDEN = 16_384  # 13 million weights (50 MB); more is a typo, not a lecture's network


class MnistMLP(nn.Module):
    """Multilayer perceptron 784-``hidden``-10 with a ReLU (lecture 6).

    Every pixel is one input: the network sees the image as a list of 784 numbers and knows
    nothing about which pixels are neighbours.
    """

    default_lr = 0.01
    input_shape = INPUT_SHAPE

    def __init__(self, hidden: int = 256) -> None:
        super().__init__()
        self.hidden = check_positive_int("hidden", hidden, maximum=MAX_HIDDEN)
        self.layers = nn.Sequential(
            nn.Flatten(),
            nn.Linear(28 * 28, self.hidden),
            nn.ReLU(),
            nn.Linear(self.hidden, NUM_CLASSES),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``N x 10`` for images ``N x 1 x 28 x 28``."""
        return self.layers(x)


class SmallCNN(nn.Module):
    """Convolutional network: two 3x3 convolutions (16 and 32 channels), then 800-128-10 (lecture 6).

    Each convolution is followed by 2x2 max-pooling and then the ReLU. Pooling first is the
    same function (max-pooling and ReLU commute, both are monotone) but the ReLU then runs on
    a quarter of the values. The weights and inputs are kept in the ``channels_last`` memory
    layout, which the CPU convolution kernels process faster.
    """

    default_lr = 0.01
    input_shape = INPUT_SHAPE

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3),   # 28x28 -> 26x26
            nn.MaxPool2d(2),                   # -> 13x13
            nn.ReLU(),
            nn.Conv2d(16, 32, kernel_size=3),  # -> 11x11
            nn.MaxPool2d(2),                   # -> 5x5
            nn.ReLU(),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(32 * 5 * 5, 128),
            nn.ReLU(),
            nn.Linear(128, NUM_CLASSES),
        )
        self.to(memory_format=torch.channels_last)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``N x 10`` for images ``N x 1 x 28 x 28`` (kept in channels-last memory)."""
        x = x.contiguous(memory_format=torch.channels_last)
        return self.classifier(self.features(x))


def parameter_count(network: Any, *, trainable_only: bool = True) -> int:
    """How many numbers (weights and biases) a network learns (lectures 2, 3, 5 and 6).

    ``network`` is a list of layer sizes of a fully connected network (``[2, 4, 4, 2]``,
    lecture 2), a :class:`lecturekit.backprop.NumpyMLP` (lecture 3) or a ``torch.nn.Module``
    (``trainable_only`` leaves out frozen parameters).
    """
    trainable_only = check_bool("trainable_only", trainable_only)
    if isinstance(network, nn.Module):
        return sum(p.numel() for p in network.parameters() if p.requires_grad or not trainable_only)
    if hasattr(network, "weights") and hasattr(network, "biases"):
        return sum(w.size + b.size for w, b in zip(network.weights, network.biases))
    if isinstance(network, (list, tuple)):
        sizes = check_sizes("network", network)
        return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    raise TypeError("network must be a list of layer sizes, a NumpyMLP or a torch.nn.Module, "
                    f"got {type(network).__name__}")


def layer_table(model: nn.Module) -> list[tuple[str, str, int]]:
    """One row per layer with parameters: (name, layer as text, parameter count) (lecture 6)."""
    check_module("model", model)
    rows = []
    for name, module in model.named_modules():
        own = list(module.parameters(recurse=False))
        if own:
            rows.append((name, repr(module), sum(p.numel() for p in own)))
    return rows
