"""lecturekit.cnn: layer shapes come from running the model, and the diagram shows them."""

import pytest
import torch
from torch import nn

from lecturekit import cnn


def _model():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(4 * 13 * 13, 10),
    )


def _forward_shapes(model, input_shape):
    """The shape after every layer of a Sequential, by running it (independent of cnn.layer_shapes)."""
    x = torch.zeros(2, *input_shape)
    shapes = [tuple(x.shape[1:])]
    for layer in model:
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    return shapes


def test_layer_shapes_match_a_forward_pass():
    model = _model()
    records = cnn.layer_shapes(model, (1, 28, 28))
    assert [shape for _, _, shape in records] == _forward_shapes(model, (1, 28, 28))
    assert records[0][:2] == ("input", "input")
    kinds = {}
    for (label, kind, _), layer in zip(records[1:], model):
        assert kind in cnn.LAYER_COLORS and kind != "other", (label, kind)  # each gets its colour
        assert kinds.setdefault(type(layer), kind) == kind
    assert len(set(kinds.values())) == len(kinds)  # different layer types, different colours
    conv, pool = records[1][0], records[3][0]  # the slide labels state the kernel sizes and channels
    (kh, kw), channels = model[0].kernel_size, model[0].out_channels
    assert f"{kh}x{kw}" in conv and str(channels) in conv
    assert f"{model[2].kernel_size}x{model[2].kernel_size}" in pool


def test_layer_shapes_cleans_up_and_keeps_the_mode():
    model = _model().train()
    cnn.layer_shapes(model, (1, 28, 28))
    assert model.training
    assert all(not m._forward_hooks for m in model.modules())


def test_layer_shapes_checks_its_arguments():
    with pytest.raises(TypeError, match="model"):
        cnn.layer_shapes("not a model", (1, 28, 28))
    with pytest.raises(TypeError, match="input_shape"):
        cnn.layer_shapes(_model(), [1, 28, 28])
    with pytest.raises(ValueError, match="input_shape"):
        cnn.layer_shapes(_model(), (1, 0, 28))


def test_draw_cnn_labels_every_layer_with_its_shape():
    model = _model()
    fig = cnn.draw_cnn(model, (1, 28, 28), per_row=3)
    texts = [t.get_text() for t in fig.axes[0].texts]
    shapes = [" x ".join(str(s) for s in shape) for shape in _forward_shapes(model, (1, 28, 28))]
    labels = [label for label, _, _ in cnn.layer_shapes(model, (1, 28, 28))]
    assert texts == [text for pair in zip(labels, shapes) for text in pair]
    with pytest.raises(ValueError, match="per_row"):
        cnn.draw_cnn(_model(), (1, 28, 28), per_row=0)


def test_layer_shapes_of_a_float64_model():
    import torch

    model = torch.nn.Sequential(torch.nn.Linear(3, 4, dtype=torch.float64), torch.nn.ReLU())
    assert cnn.layer_shapes(model, (3,))[-1][2] == (4,)


# --- receptive fields (lecture 5) -------------------------------------------------------------

def test_grow_receptive_field_is_the_formula():
    assert cnn.grow_receptive_field(1, 1, 3, 1) == (3, 1)
    assert cnn.grow_receptive_field(3, 1, 2, 2) == (4, 2)
    assert cnn.grow_receptive_field(4, 2, 3, 1) == (8, 2)
    assert cnn.grow_receptive_field(8, 2, 2, 2) == (10, 4)


def test_receptive_fields_of_the_lecture_networks():
    from lecturekit.models import SmallCNN

    rows = cnn.receptive_fields(SmallCNN())
    assert [size for _, size, _ in rows] == [1, 3, 4, 4, 8, 10, 10]
    assert rows[-1][2] == 4
    # Two 2 x 2 pools with nothing between them: 4 x 4 windows.
    assert cnn.receptive_fields(nn.Sequential(nn.MaxPool2d(2), nn.MaxPool2d(2)))[-1][1:] == (4, 4)
    # The fully connected part is not followed: it sees the whole image.
    assert len(cnn.receptive_fields(_model())) == 4


@pytest.mark.parametrize("seed", range(6))
def test_formula_agrees_with_the_gradient_measurement(seed):
    generator = torch.Generator().manual_seed(seed)

    def draw(low, high):
        return int(torch.randint(low, high + 1, (1,), generator=generator))

    layers, channels = [], 1
    for _ in range(draw(1, 4)):
        if draw(0, 1):
            layers += [nn.Conv2d(channels, 2, draw(1, 5), stride=draw(1, 2), padding=draw(0, 1)), nn.ReLU()]
            channels = 2
        else:
            layers.append((nn.MaxPool2d if draw(0, 1) else nn.AvgPool2d)(draw(2, 3), stride=draw(1, 3)))
    model = nn.Sequential(*layers)
    size = cnn.receptive_fields(model)[-1][1]
    mask = cnn.receptive_field_mask(model, (1, 64, 64))
    rows, cols = mask.nonzero()
    assert mask.sum() == size * size
    assert rows.max() - rows.min() + 1 == size == cols.max() - cols.min() + 1


def test_pixels_outside_the_field_do_not_move_the_unit():
    # With real weights, max pooling and ReLUs: change every pixel outside the measured field
    # and the central unit of the last feature map stays exactly the same.
    from lecturekit.models import SmallCNN

    torch.manual_seed(0)
    model = SmallCNN().eval()
    mask = torch.from_numpy(cnn.receptive_field_mask(model, (1, 28, 28)))
    image = torch.rand(1, 1, 28, 28)
    changed = torch.where(mask, image, torch.rand(1, 1, 28, 28))
    with torch.no_grad():
        before, after = model.features(image), model.features(changed)
    centre = (0, 0, before.shape[-2] // 2, before.shape[-1] // 2)
    assert before[centre] == after[centre]
    assert not torch.equal(before, after)


def test_receptive_field_errors():
    with pytest.raises(ValueError, match="Upsample"):
        cnn.receptive_fields(nn.Sequential(nn.Upsample(scale_factor=2)))
    with pytest.raises(ValueError, match="kernel_size"):
        cnn.receptive_fields(nn.Sequential(nn.Conv2d(1, 1, (3, 5))))
    with pytest.raises(TypeError, match="model"):
        cnn.receptive_fields("not a model")
    with pytest.raises(TypeError, match="input_shape"):
        cnn.receptive_field_mask(nn.Sequential(nn.MaxPool2d(2)), (28, 28))
    with pytest.raises(ValueError, match="input_shape"):
        cnn.receptive_field_mask(nn.Sequential(nn.Conv2d(1, 1, 5)), (1, 4, 4))
    with pytest.raises(ValueError, match="input_shape"):
        cnn.receptive_field_mask(nn.Sequential(nn.AvgPool2d(2)), (1, 1, 1))


# --- small shifts (lecture 5) -----------------------------------------------------------------

def _digits(n=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    images = torch.zeros(n, 1, 12, 12)
    images[:, :, 3:9, 4:8] = torch.rand(n, 1, 6, 4, generator=generator) + 0.5
    return images


def test_edge_features_are_relu_of_the_edge_maps_then_max_pooled():
    import numpy as np
    import torch.nn.functional as F

    from lecturekit import kernels

    images = _digits()
    maps = cnn.edge_features(images)
    assert maps.shape == (3, len(cnn.EDGE_KERNELS), 12, 12)
    for channel, name in enumerate(cnn.EDGE_KERNELS):
        expected = np.maximum(kernels.apply_kernel(images[1, 0].numpy(), name), 0)
        np.testing.assert_allclose(maps[1, channel].numpy(), expected, atol=1e-5)
    assert torch.equal(cnn.edge_features(images, 4), F.max_pool2d(maps, 4))
    assert cnn.edge_features(images, 4).shape == (3, 3, 3, 3)


def test_shift_moves_the_content_and_fills_with_black():
    images = _digits()
    moved = cnn.shift(images, right=2, down=1)
    assert moved.shape == images.shape
    assert torch.equal(moved[..., 1:, 2:], images[..., :-1, :-2])
    assert moved[..., :1, :].abs().sum() == 0 and moved[..., :, :2].abs().sum() == 0
    assert torch.equal(cnn.shift(images), images)


def test_relative_change_and_shift_change():
    images = _digits()
    assert cnn.relative_change(images, images).tolist() == [0.0, 0.0, 0.0]
    assert cnn.relative_change(images, 3 * images) == pytest.approx([2.0, 2.0, 2.0])
    moved = cnn.shift(images, right=1)
    expected = cnn.relative_change(images, moved).mean()
    assert cnn.shift_change(images, right=1) == pytest.approx(expected)
    pooled = cnn.relative_change(cnn.edge_features(images, 2), cnn.edge_features(moved, 2)).mean()
    assert cnn.shift_change(images, 2, right=1) == pytest.approx(pooled)
    assert cnn.shift_change(images, 1) == 0.0


def test_shift_figure_titles_name_the_changes():
    images = _digits()
    fig = cnn.shift_figure(images, pool=2)
    titles = [ax.get_title() for ax in fig.axes]
    pixels = cnn.relative_change(images[:1], cnn.shift(images[:1], right=1))[0]
    assert titles[:3] == ["pixels", "shifted by 1 pixel", f"difference: {pixels:.0%}"]
    assert titles[3] == "pooled edge maps"
    assert cnn.shift_figure(images, right=2).axes[1].get_title() == "shifted by 2 pixels"


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        (lambda: cnn.edge_features(torch.zeros(2, 3, 8, 8)), ValueError, "images"),
        (lambda: cnn.edge_features(torch.zeros(8, 8)), ValueError, "images"),
        (lambda: cnn.edge_features(torch.full((1, 1, 8, 8), float("nan"))), ValueError, "images"),
        (lambda: cnn.edge_features(torch.zeros(1, 1, 8, 8), 0), ValueError, "pool"),
        (lambda: cnn.shift(torch.zeros(1, 1, 8, 8), right=-1), ValueError, "right"),
        (lambda: cnn.shift(torch.zeros(1, 1, 8, 8), down=1.5), TypeError, "down"),
        (lambda: cnn.relative_change(torch.ones(2, 4), torch.ones(2, 5)), ValueError, "before"),
        (lambda: cnn.relative_change(torch.zeros(2, 4), torch.ones(2, 4)), ValueError, "before"),
        (lambda: cnn.shift_figure(torch.zeros(1, 1, 8, 8), pool=100), ValueError, "pool"),
    ],
)
def test_shift_helpers_check_their_arguments(call, error, argument):
    with pytest.raises(error, match=rf"\b{argument}\b"):
        call()
