"""lecturekit._checks: the shared argument checks."""

import numpy as np
import pytest
import torch

from lecturekit import _checks


def test_check_array_takes_tensors_with_gradients():
    value = torch.ones(2, 3, requires_grad=True)
    array = _checks.check_array("X", value, shape=(None, 3))
    assert isinstance(array, np.ndarray) and array.dtype == np.float64 and array.shape == (2, 3)


def test_check_bool_choice_module():
    assert _checks.check_bool("flag", np.bool_(True)) is True
    with pytest.raises(TypeError, match="flag must be True or False"):
        _checks.check_bool("flag", 1)
    assert _checks.check_choice("mode", "max", ("max", "mean")) == "max"
    with pytest.raises(TypeError, match="mode must be a string"):
        _checks.check_choice("mode", ["max"], ("max", "mean"))
    with pytest.raises(ValueError, match="mode must be one of"):
        _checks.check_choice("mode", "min", ("max", "mean"))
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        _checks.check_module("model", "net")


def test_negative_seed_names_the_argument():
    from lecturekit import toydata

    with pytest.raises(ValueError, match="seed must be >= 0"):
        toydata.moons(10, seed=-1)


def test_helpers_name_the_bad_argument():
    from lecturekit import backprop, kernels, perceptron, sgd, toydata

    with pytest.raises(ValueError, match="y must hold class labels 0 and 1"):
        perceptron.Perceptron().fit(np.zeros((2, 2)), [0, 2])
    with pytest.raises(ValueError, match="X must hold at least one sample"):
        sgd.max_stable_learning_rate(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="at least one gradient"):
        backprop.largest_difference(([], []), ([], []))
    with pytest.raises(TypeError, match="x must be a numeric array"):
        toydata.target_function("a")
    with pytest.raises(TypeError, match="row must be an int"):
        kernels.correlation_step(np.zeros((4, 4)), np.ones((3, 3)), 0.5, 0)


def test_check_labels():
    labels = torch.tensor([0, 2, 1])
    checked = _checks.check_labels("y", labels, num_classes=3, count=3)
    assert checked.dtype == np.int64 and checked.tolist() == [0, 2, 1]
    assert np.shares_memory(checked, labels.numpy()), "int64 labels on the CPU are not copied"
    assert _checks.check_labels("y", [], num_classes=3).dtype == np.int64
    with pytest.raises(ValueError, match=r"y must be class indices in \[0, 2\].*got 3 at index 1"):
        _checks.check_labels("y", [0, 3], num_classes=3)
    with pytest.raises(ValueError, match="y must have the same length as X"):
        _checks.check_labels("y", [0, 1], count=3, count_name="X")
    with pytest.raises(TypeError, match="y must hold integer class indices"):
        _checks.check_labels("y", np.array([0.0, 1.0]))


def test_check_positive_int_maximum():
    assert _checks.check_positive_int("n", 5, maximum=5) == 5
    with pytest.raises(ValueError, match="n must be at most 5"):
        _checks.check_positive_int("n", 6, maximum=5)
