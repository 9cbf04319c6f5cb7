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
