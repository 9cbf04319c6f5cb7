"""lecturekit.toydata: deterministic given a seed, the right shapes, clear errors."""

import numpy as np
import pytest

from lecturekit import toydata

GENERATORS = [toydata.separable_blobs, toydata.xor, toydata.moons, toydata.spirals, toydata.regression_1d]


# Arguments that make every generator random (xor and regression_1d are exact without noise).
RANDOM = {toydata.xor: {"noise": 0.1}, toydata.regression_1d: {"noise": 0.1}}


@pytest.mark.parametrize("make", GENERATORS)
def test_deterministic_given_seed(make):
    kwargs = RANDOM.get(make, {})
    X1, y1 = make(40, seed=3, **kwargs)
    X2, y2 = make(40, seed=3, **kwargs)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert X1.shape[0] == y1.shape[0] == 40
    X3, y3 = make(40, seed=4, **kwargs)
    assert not (np.array_equal(X1, X3) and np.array_equal(y1, y3)), "the seed must change the sample"


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


@pytest.mark.parametrize("noise", [0.0, 0.1])
def test_xor_labels_are_the_exclusive_or_of_the_corners(noise):
    X, y = toydata.xor(8, noise=noise, seed=1)
    corners = np.round(X).astype(int)
    assert np.all((corners == 0) | (corners == 1))
    np.testing.assert_array_equal(y, corners[:, 0] ^ corners[:, 1])
    assert len({tuple(c) for c in corners}) == 4  # all four corners of the unit square
    if noise == 0.0:
        np.testing.assert_array_equal(X, corners)


@pytest.mark.parametrize("make", GENERATORS)
def test_bad_arguments(make):
    with pytest.raises(ValueError, match=r"\bn\b"):
        make(0)
    with pytest.raises(TypeError, match=r"\bn\b"):
        make(2.5)
    with pytest.raises(TypeError, match="seed"):
        make(10, seed="zero")
    spread = "gap" if make is toydata.separable_blobs else "noise"
    with pytest.raises(ValueError, match=spread):
        make(10, **{spread: -1.0})
