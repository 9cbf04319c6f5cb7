"""The anatomy of a convolutional network: the tensor shape after each layer, a diagram, and how
much of the image one unit sees (its receptive field) (lecture 5).

The shapes are never typed by hand: :func:`layer_shapes` runs a dummy input through the
real torch model and records what comes out of every layer. :func:`receptive_fields` follows
the receptive field through the layers by a formula, and :func:`receptive_field_mask`
measures it by backpropagation, so that each checks the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from lecturekit._checks import check_array, check_module, check_positive_int

if TYPE_CHECKING:
    import torch
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Colour of each kind of layer in the diagram.
LAYER_COLORS = {
    "input": "#e0e0e0",
    "conv": "#9ecae1",
    "activation": "#fdd0a2",
    "pool": "#a1d99b",
    "flatten": "#d9d9d9",
    "linear": "#cbc9e2",
    "other": "#f0f0f0",
}


def _kind(module: Any) -> str:
    from torch import nn

    if isinstance(module, nn.Conv2d):
        return "conv"
    if isinstance(module, (nn.ReLU, nn.Sigmoid, nn.Tanh, nn.LeakyReLU, nn.GELU)):
        return "activation"
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
        return "pool"
    if isinstance(module, nn.Flatten):
        return "flatten"
    if isinstance(module, nn.Linear):
        return "linear"
    return "other"


def describe_layer(module: Any) -> str:
    """A short slide label for a torch layer, e.g. ``conv 3x3, 16`` or ``max-pool 2x2`` (lecture 5)."""
    from torch import nn

    def pair(value: Any) -> str:
        a, b = (value, value) if isinstance(value, int) else tuple(value)
        return f"{a}x{b}"

    if isinstance(module, nn.Conv2d):
        return f"conv {pair(module.kernel_size)}, {module.out_channels}"
    if isinstance(module, nn.MaxPool2d):
        return f"max-pool {pair(module.kernel_size)}"
    if isinstance(module, nn.AvgPool2d):
        return f"avg-pool {pair(module.kernel_size)}"
    if isinstance(module, nn.Linear):
        return f"linear {module.out_features}"
    if isinstance(module, nn.Flatten):
        return "flatten"
    return type(module).__name__


def layer_shapes(model: torch.nn.Module,
                 input_shape: tuple[int, ...]) -> list[tuple[str, str, tuple[int, ...]]]:
    """Run a zero input of ``input_shape`` (without the batch axis) through ``model`` (lecture 5).

    Returns ``(label, kind, shape)`` for the input and then for every layer in the order
    the layers ran, ``shape`` without the batch axis. Layers are the modules without
    children; functions called inside ``forward`` (``F.relu``) do not show up.
    """
    import torch

    check_module("model", model)
    if not isinstance(input_shape, tuple) or not input_shape:
        raise TypeError(f"input_shape must be a non-empty tuple of ints, got {input_shape!r}")
    for index, size in enumerate(input_shape):
        check_positive_int(f"input_shape[{index}]", size)
    records: list[tuple[str, str, tuple[int, ...]]] = [("input", "input", tuple(input_shape))]

    def hook(module: Any, inputs: Any, output: Any) -> None:
        records.append((describe_layer(module), _kind(module), tuple(output.shape[1:])))

    leaves = [m for m in model.modules() if not list(m.children())]
    handles = [m.register_forward_hook(hook) for m in leaves]
    was_training = model.training
    try:
        model.eval()
        parameter = next(model.parameters(), None)
        device = parameter.device if parameter is not None else torch.device("cpu")
        dtype = parameter.dtype if parameter is not None else torch.float32
        with torch.no_grad():
            model(torch.zeros((1, *input_shape), device=device, dtype=dtype))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return records


def _shape_text(shape: tuple[int, ...]) -> str:
    return " x ".join(str(s) for s in shape)


def draw_cnn(model: torch.nn.Module, input_shape: tuple[int, ...], *, ax: Axes | None = None,
             title: str | None = None, per_row: int = 7) -> Figure:
    """A diagram of a CNN: one box per layer with the tensor shape after it (lecture 5).

    The shapes come from :func:`layer_shapes`, that is from running the model. Boxes are
    coloured by kind (convolution, nonlinearity, pooling, flatten, fully connected) and
    wrap onto a new row after ``per_row`` boxes.
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

    from lecturekit.plotting import new_figure

    per_row = check_positive_int("per_row", per_row)
    records = layer_shapes(model, input_shape)
    rows = -(-len(records) // per_row)
    if ax is None:
        fig, ax = new_figure(width=13.0, height=1.0 + 2.0 * rows)
    else:
        fig = ax.figure
    width, height, gap_x, gap_y = 1.5, 1.1, 0.45, 0.9
    centres = []
    for index, (label, kind, shape) in enumerate(records):
        row, col = divmod(index, per_row)
        x = col * (width + gap_x)
        y = -row * (height + gap_y)
        ax.add_patch(FancyBboxPatch((x, y), width, height, boxstyle="round,pad=0.03,rounding_size=0.1",
                                    facecolor=LAYER_COLORS[kind], edgecolor="#404040", linewidth=1.2))
        ax.text(x + width / 2, y + height * 0.68, label, ha="center", va="center", fontsize=13,
                fontweight="bold")
        ax.text(x + width / 2, y + height * 0.3, _shape_text(shape), ha="center", va="center", fontsize=13)
        centres.append((x, y))
    for (x0, y0), (x1, y1) in zip(centres, centres[1:]):
        if y0 == y1:
            start, end = (x0 + width, y0 + height / 2), (x1, y1 + height / 2)
        else:  # wrap round to the start of the next row: down, left, then down into the box
            middle = y0 - gap_y / 2
            ax.plot([x0 + width / 2, x0 + width / 2, x1 + width / 2], [y0, middle, middle],
                    color="#404040", linewidth=1.2)
            start, end = (x1 + width / 2, middle), (x1 + width / 2, y1 + height)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color="#404040",
                                     linewidth=1.2, shrinkA=0, shrinkB=0))
    ax.set_xlim(-0.2, per_row * (width + gap_x) - gap_x + 0.2)
    ax.set_ylim(-(rows - 1) * (height + gap_y) - 0.3, height + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    kinds = [k for k in LAYER_COLORS if k not in ("input", "other") and any(r[1] == k for r in records)]
    names = {"conv": "convolution", "activation": "nonlinearity", "pool": "pooling",
             "flatten": "flatten", "linear": "fully connected"}
    ax.legend(handles=[Patch(facecolor=LAYER_COLORS[k], edgecolor="#404040", label=names[k]) for k in kinds],
              loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(kinds), frameon=False, fontsize=13)
    if title:
        ax.set_title(title)
    return fig


# --- receptive fields ------------------------------------------------------------------------

def grow_receptive_field(size: int, jump: int, kernel: int, stride: int) -> tuple[int, int]:
    """One layer with a ``kernel x kernel`` window moved by ``stride``: the new (size, jump) (lecture 5).

    ``size`` is the side of the input patch one unit sees, ``jump`` how many input pixels
    apart two neighbouring units are. The window spans ``kernel`` units of the layer below,
    each ``jump`` pixels further along than the last.
    """
    return size + (kernel - 1) * jump, jump * stride


def _square(name: str, value: Any, layer: Any) -> int:
    a, b = (value, value) if isinstance(value, int) else tuple(value)
    if a != b:
        raise ValueError(f"receptive fields are computed for square windows, but {layer} has "
                         f"{name} {value}")
    return int(a)


def _spatial_layers(model: torch.nn.Module) -> list[tuple[Any, int, int]]:
    """``(layer, kernel, stride)`` for the layers of ``model`` before its first Flatten or Linear,
    in the order they are registered; element-wise layers have kernel 1 and stride 1.
    Effective kernel of a dilated window: ``dilation * (kernel - 1) + 1``."""
    from torch import nn

    check_module("model", model)
    elementwise = (nn.ReLU, nn.Sigmoid, nn.Tanh, nn.LeakyReLU, nn.GELU, nn.Identity,
                   nn.BatchNorm2d, nn.Dropout, nn.Dropout2d)
    layers = []
    for module in model.modules():
        if list(module.children()):
            continue
        if isinstance(module, (nn.Flatten, nn.Linear)):
            break
        if isinstance(module, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            kernel = _square("kernel_size", module.kernel_size, module)
            stride = _square("stride", module.stride or module.kernel_size, module)
            dilation = _square("dilation", getattr(module, "dilation", 1), module)
            layers.append((module, dilation * (kernel - 1) + 1, stride))
        elif isinstance(module, elementwise):
            layers.append((module, 1, 1))
        else:
            raise ValueError(f"cannot follow the receptive field through {type(module).__name__}: "
                             "only Conv2d, MaxPool2d, AvgPool2d and element-wise layers")
    return layers


def receptive_fields(model: torch.nn.Module) -> list[tuple[str, int, int]]:
    """``(label, size, jump)`` for the input and for every layer up to the first Flatten or
    Linear of ``model``, in the order the layers are registered (lecture 5).

    ``size``: the receptive field, the side of the square of input pixels that one unit of the
    layer depends on; ``jump``: the distance in input pixels between neighbouring units. Both
    start at 1 and grow by :func:`grow_receptive_field`: ``size += (kernel - 1) * jump``,
    ``jump *= stride``. Padding moves the window but does not change its size.
    """
    size, jump = 1, 1
    rows = [("input", size, jump)]
    for layer, kernel, stride in _spatial_layers(model):
        size, jump = grow_receptive_field(size, jump, kernel, stride)
        rows.append((describe_layer(layer), size, jump))
    return rows


def receptive_field_mask(model: torch.nn.Module, input_shape: tuple[int, ...]) -> Any:
    """The input pixels one unit of the last feature map depends on, measured by backpropagation
    (lecture 5): an ``H x W`` numpy array of booleans.

    The unit is channel 0 at the centre of the output of the layers :func:`receptive_fields`
    follows. They are run as a twin without anything that could block or cancel a gradient:
    every weight 1, no bias, every pooling a sum over the same window, no nonlinearity. Then
    an input pixel has a nonzero gradient exactly when some path of the network links it to
    the unit (with the real weights, max pooling passes the gradient to one pixel of each window
    only and a ReLU can be off, so the gradient would see less than the unit can).
    """
    import torch
    import torch.nn.functional as F
    from torch import nn

    layers = _spatial_layers(model)
    if not isinstance(input_shape, tuple) or len(input_shape) != 3:
        raise TypeError(f"input_shape must be a tuple (channels, height, width), got {input_shape!r}")
    for index, size in enumerate(input_shape):
        check_positive_int(f"input_shape[{index}]", size)
    image = torch.ones((1, *input_shape), dtype=torch.float64, requires_grad=True)
    x = image
    try:
        for layer, _, _ in layers:
            if isinstance(layer, nn.Conv2d):
                ones = torch.ones(layer.weight.shape, dtype=torch.float64)
                x = F.conv2d(x, ones, None, layer.stride, layer.padding, layer.dilation, layer.groups)
            elif isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
                kernel = _square("kernel_size", layer.kernel_size, layer)
                channels = x.shape[1]
                ones = torch.ones((channels, 1, kernel, kernel), dtype=torch.float64)
                x = F.conv2d(x, ones, None, layer.stride or layer.kernel_size, layer.padding,
                             getattr(layer, "dilation", 1), channels)
    except RuntimeError as error:
        raise ValueError(f"input_shape {input_shape} does not fit the model: {error}") from error
    x[0, 0, x.shape[-2] // 2, x.shape[-1] // 2].backward()
    return (image.grad[0] != 0).any(dim=0).numpy()


# --- small shifts: pixels against pooled edge maps ---------------------------------------------

# The edge detectors of lecture 4 that lecture 5's shift experiment applies to a digit.
EDGE_KERNELS = ("sobel_x", "sobel_y", "laplacian")
MAX_POOL = 28  # pooling windows wider than an MNIST digit make no sense here


def _check_images(name: str, images: Any) -> torch.Tensor:
    """A float tensor batch ``N x 1 x H x W`` of finite numbers (a numpy array is converted)."""
    import torch

    if not isinstance(images, torch.Tensor):
        images = torch.as_tensor(check_array(name, images, ndim=4), dtype=torch.float32)
    if images.ndim != 4 or images.shape[1] != 1 or 0 in images.shape:
        raise ValueError(f"{name} must be a batch of shape (N, 1, H, W), got {tuple(images.shape)}")
    if not images.is_floating_point():
        images = images.float()
    if not bool(torch.isfinite(images).all()):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return images


def edge_features(images: torch.Tensor, pool: int = 1) -> torch.Tensor:
    """The edge maps of a batch of images, then a ReLU, then ``pool x pool`` max pooling (lecture 5).

    ``images`` is ``N x 1 x H x W``; the maps are those of the kernels :data:`EDGE_KERNELS`
    (Sobel x, Sobel y, Laplacian) with zero padding 1, so the result is ``N x 3 x H x W``
    before pooling. ``pool=1`` means no pooling.
    """
    import torch
    import torch.nn.functional as F

    from lecturekit.kernels import KERNELS

    images = _check_images("images", images)
    pool = check_positive_int("pool", pool, maximum=MAX_POOL)
    weight = torch.tensor(np.stack([KERNELS[name] for name in EDGE_KERNELS]),
                          dtype=images.dtype)[:, None]
    maps = F.relu(F.conv2d(images, weight, padding=1))
    return F.max_pool2d(maps, pool) if pool > 1 else maps


def shift(images: torch.Tensor, *, right: int = 0, down: int = 0) -> torch.Tensor:
    """Move the content of a batch ``N x 1 x H x W`` right and down by whole pixels (lecture 5).

    The gap is filled with black (0); pixels pushed over the edge are lost, so the result has
    the shape of ``images``.
    """
    import torch.nn.functional as F

    images = _check_images("images", images)
    right = check_positive_int("right", right, minimum=0, maximum=images.shape[-1])
    down = check_positive_int("down", down, minimum=0, maximum=images.shape[-2])
    padded = F.pad(images, (right, 0, down, 0))
    return padded[..., :images.shape[-2], :images.shape[-1]]


def relative_change(before: torch.Tensor, after: torch.Tensor) -> np.ndarray:
    """Per image of a batch: the size of ``after - before`` over the size of ``before`` (lecture 5).

    Sizes are Euclidean norms over all values of an image; returns a numpy array of ``N``
    numbers (0.5 means a change half as large as the image itself).
    """
    import torch

    before, after = torch.as_tensor(before), torch.as_tensor(after)
    if before.shape != after.shape or before.ndim < 2:
        raise ValueError(f"before and after must be batches of the same shape, got "
                         f"{tuple(before.shape)} and {tuple(after.shape)}")
    size = before.flatten(1).norm(dim=1)
    if bool((size == 0).any()):
        raise ValueError("before must not hold an all-zero image (its change has no relative size)")
    return ((after - before).flatten(1).norm(dim=1) / size).numpy()


def shift_change(images: torch.Tensor, pool: int | None = None, *, right: int = 0,
                 down: int = 0) -> float:
    """How much a representation of ``images`` changes when they are shifted (lecture 5).

    The representation is the raw pixels when ``pool`` is None, else :func:`edge_features`
    with that pooling. Returns the mean over the batch of :func:`relative_change` between
    the representation of ``images`` and that of ``shift(images, right=right, down=down)``.
    """
    images = _check_images("images", images)

    def represent(batch: torch.Tensor) -> torch.Tensor:
        return batch if pool is None else edge_features(batch, pool)

    moved = shift(images, right=right, down=down)
    return float(relative_change(represent(images), represent(moved)).mean())


def shift_figure(images: torch.Tensor, pool: int = 4, *, right: int = 1) -> Figure:
    """The first image of a batch and its pooled edge maps, before and after a shift (lecture 5).

    Two rows: the pixels and :func:`edge_features` with ``pool x pool`` max pooling (the
    three maps shown added up). Columns: before, shifted ``right`` pixels, and the absolute
    difference, titled with the :func:`relative_change`. All panels of a row share one grey
    scale. Returns the figure.
    """
    from lecturekit.plotting import new_figure

    images = _check_images("images", images)[:1]
    pool = check_positive_int("pool", pool, maximum=MAX_POOL)
    moved = shift(images, right=right)
    rows = [("pixels", images, moved),
            ("pooled edge maps", edge_features(images, pool), edge_features(moved, pool))]
    fig, axes = new_figure(3, 2, width=6.6, height=4.4)
    for row, (name, before, after) in zip(axes, rows):
        change = relative_change(before, after)[0]
        before, after = before[0].sum(0).numpy(), after[0].sum(0).numpy()
        shift_title = f"shifted by {right} pixel" + ("s" if right != 1 else "")
        titles = [name, shift_title, f"difference: {change:.0%}"]
        for ax, image, title in zip(row, [before, after, np.abs(after - before)], titles):
            ax.imshow(image, cmap="gray", vmin=0, vmax=float(before.max()))
            ax.set_title(title)
            ax.set_axis_off()
    return fig
