"""lecturekit.models: the MLP and the small CNN of lecture 6."""

import pytest
import torch
import torch.nn.functional as F

from lecturekit import models


@pytest.mark.parametrize("cls", [models.MnistMLP, models.SmallCNN])
def test_output_shape(cls):
    torch.manual_seed(0)
    out = cls()(torch.rand(5, 1, 28, 28))
    assert out.shape == (5, 10)
    assert out.dtype == torch.float32


def test_parameter_counts():
    # 784*256 + 256 weights and biases, then 256*10 + 10.
    assert models.parameter_count(models.MnistMLP()) == 784 * 256 + 256 + 256 * 10 + 10 == 203_530
    assert models.parameter_count(models.MnistMLP(hidden=100)) == 784 * 100 + 100 + 100 * 10 + 10
    conv = (16 * 1 * 9 + 16) + (32 * 16 * 9 + 32)
    dense = (800 * 128 + 128) + (128 * 10 + 10)
    assert models.parameter_count(models.SmallCNN()) == conv + dense == 108_618


def test_parameter_count_trainable_only():
    model = models.MnistMLP(hidden=8)
    model.layers[1].weight.requires_grad_(False)
    assert models.parameter_count(model) == 8 + 8 * 10 + 10
    assert models.parameter_count(model, trainable_only=False) == 784 * 8 + 8 + 8 * 10 + 10


def test_layer_table_lists_layers_with_parameters():
    rows = models.layer_table(models.SmallCNN())
    assert [name for name, _, _ in rows] == ["features.0", "features.3", "classifier.1", "classifier.3"]
    assert [count for _, _, count in rows] == [160, 4640, 102_528, 1290]
    assert rows[0][1].startswith("Conv2d(1, 16")


def test_cnn_pools_before_relu_without_changing_the_function():
    # Reference: the textbook order conv -> ReLU -> pool, written with the same weights.
    torch.manual_seed(1)
    model = models.SmallCNN()
    x = torch.randn(4, 1, 28, 28)
    conv1, conv2 = model.features[0], model.features[3]
    h = F.max_pool2d(F.relu(F.conv2d(x, conv1.weight, conv1.bias)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, conv2.weight, conv2.bias)), 2)
    fc1, fc2 = model.classifier[1], model.classifier[3]
    expected = fc2(F.relu(fc1(h.flatten(1))))
    torch.testing.assert_close(model(x), expected, rtol=1e-4, atol=1e-5)


def test_cnn_uses_channels_last():
    model = models.SmallCNN()
    assert model.features[0].weight.is_contiguous(memory_format=torch.channels_last)
    assert model.features[3].weight.is_contiguous(memory_format=torch.channels_last)


@pytest.mark.parametrize("cls", [models.MnistMLP, models.SmallCNN])
def test_input_shape_is_what_the_model_takes(cls):
    model = cls()
    assert model(torch.rand(3, *cls.input_shape)).shape == (3, models.NUM_CLASSES)
    with pytest.raises(RuntimeError):
        model(torch.rand(3, 3, 32, 32))


def test_bad_arguments():
    with pytest.raises(ValueError, match="hidden"):
        models.MnistMLP(hidden=0)
    with pytest.raises(TypeError, match="hidden"):
        models.MnistMLP(hidden=2.5)
    with pytest.raises(ValueError, match="hidden"):
        models.MnistMLP(hidden=models.MAX_HIDDEN + 1)
    with pytest.raises(TypeError, match="network"):
        models.parameter_count("not a model")
    with pytest.raises(ValueError, match="network"):
        models.parameter_count([784, 0, 10])
    with pytest.raises(TypeError, match="model"):
        models.layer_table(None)


def test_one_parameter_count_for_sizes_numpy_and_torch_networks():
    from lecturekit import backprop, shallow

    for sizes in ([2, 4, 4, 2], [784, 16, 10], [1, 128, 1]):
        torch_count = sum(p.numel() for p in shallow.torch_mlp(sizes).parameters())
        assert models.parameter_count(sizes) == torch_count
        assert models.parameter_count(backprop.NumpyMLP(sizes)) == torch_count
    frozen = models.MnistMLP(hidden=8)
    frozen.layers[1].requires_grad_(False)
    assert models.parameter_count(frozen) == 8 * 10 + 10
    assert models.parameter_count(frozen, trainable_only=False) == 784 * 8 + 8 + 8 * 10 + 10
