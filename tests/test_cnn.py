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


def test_layer_shapes_match_a_forward_pass():
    model = _model()
    records = cnn.layer_shapes(model, (1, 28, 28))
    assert [kind for _, kind, _ in records] == ["input", "conv", "activation", "pool", "flatten", "linear"]
    x = torch.zeros(2, 1, 28, 28)
    for (_, _, shape), layer in zip(records[1:], model):
        x = layer(x)
        assert shape == tuple(x.shape[1:])
    assert records[1][0] == "conv 3x3, 4" and records[3][0] == "max-pool 2x2"


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
    fig = cnn.draw_cnn(_model(), (1, 28, 28), per_row=3)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"input", "1 x 28 x 28", "4 x 26 x 26", "4 x 13 x 13", "676", "10"} <= texts
    with pytest.raises(ValueError, match="per_row"):
        cnn.draw_cnn(_model(), (1, 28, 28), per_row=0)


def test_layer_shapes_of_a_float64_model():
    import torch

    model = torch.nn.Sequential(torch.nn.Linear(3, 4, dtype=torch.float64), torch.nn.ReLU())
    assert cnn.layer_shapes(model, (3,))[-1][2] == (4,)
