"""lecturekit.toydata: deterministic given a seed, the right shapes, clear errors."""

import numpy as np
import pytest

from lecturekit import toydata

GENERATORS = [toydata.separable_blobs, toydata.xor, toydata.moons, toydata.spirals, toydata.regression_1d]


@pytest.mark.parametrize("make", GENERATORS)
def test_deterministic_given_seed(make):
    X1, y1 = make(40, seed=3)
    X2, y2 = make(40, seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert X1.shape[0] == y1.shape[0] == 40


@pytest.mark.parametrize("make", [toydata.separable_blobs, toydata.moons, toydata.spirals])
def test_two_balanced_classes(make):
    X, y = make(100, seed=1)
    assert X.shape == (100, 2)
    assert set(np.unique(y)) == {0, 1}
    assert abs(int(y.sum()) - 50) <= 1


def test_blobs_are_separable_with_margin():
    X, y = toydata.separable_blobs(200, gap=1.0, seed=0)
    side = X.sum(axis=1) / np.sqrt(2)
    assert np.all(side[y == 1] >= 0.5) and np.all(side[y == 0] <= -0.5)


def test_xor_labels():
    X, y = toydata.xor()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [0, 1, 1, 0]


@pytest.mark.parametrize("make", GENERATORS)
def test_bad_arguments(make):
    with pytest.raises(ValueError, match="n must be >= 1"):
        make(0)
    with pytest.raises(TypeError, match="n must be an int"):
        make(2.5)
    with pytest.raises(TypeError, match="seed"):
        make(10, seed="zero")
    with pytest.raises(ValueError, match="noise|gap"):
        make(10, **({"gap": -1.0} if make is toydata.separable_blobs else {"noise": -1.0}))
