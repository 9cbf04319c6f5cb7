"""lecturekit.generative: the naive Bayes digit model of lecture 6."""

import numpy as np
import pytest

from lecturekit.generative import BernoulliNaiveBayes


def _toy():
    # Two classes of 2x2 images: class 0 inks the left column, class 1 the right column.
    images = np.array([
        [[1, 0], [1, 0]],
        [[1, 0], [0, 0]],
        [[0, 1], [0, 1]],
        [[0, 1], [0, 1]],
    ], dtype=float)
    return images, np.array([0, 0, 1, 1])


def test_fit_counts_ink_with_laplace_smoothing():
    images, labels = _toy()
    model = BernoulliNaiveBayes(alpha=1.0).fit(images, labels, num_classes=2)
    # Class 0: pixel (0,0) inked 2 of 2 times -> (2+1)/(2+2); pixel (1,0) once -> 2/4.
    np.testing.assert_allclose(model.pixel_probs[0], [3 / 4, 1 / 4, 2 / 4, 1 / 4])
    np.testing.assert_allclose(model.pixel_probs[1], [1 / 4, 3 / 4, 1 / 4, 3 / 4])
    np.testing.assert_allclose(model.class_priors, [0.5, 0.5])
    assert model.class_images().shape == (2, 2, 2)


def test_log_joint_matches_the_formula():
    images, labels = _toy()
    model = BernoulliNaiveBayes(alpha=1.0).fit(images, labels, num_classes=2)
    x = np.array([1, 0, 0, 0])
    p = model.pixel_probs[0]
    expected = np.log(0.5) + np.sum(x * np.log(p) + (1 - x) * np.log(1 - p))
    assert model.log_joint(x.reshape(1, 2, 2))[0, 0] == pytest.approx(expected)


def test_predict_and_score():
    images, labels = _toy()
    model = BernoulliNaiveBayes().fit(images, labels, num_classes=2)
    assert model.predict(images).tolist() == [0, 0, 1, 1]
    assert model.score(images, labels) == 1.0
    assert model.score(images, [1, 0, 1, 1]) == 0.75
    probs = model.predict_proba(images)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert (probs[:2, 0] > 0.5).all()


def test_samples_follow_the_pixel_probabilities():
    images, labels = _toy()
    model = BernoulliNaiveBayes().fit(images, labels, num_classes=2)
    samples = model.sample(0, 4000, seed=1)
    assert samples.shape == (4000, 2, 2)
    assert set(np.unique(samples)) <= {0.0, 1.0}
    np.testing.assert_allclose(samples.reshape(4000, -1).mean(axis=0), model.pixel_probs[0], atol=0.03)
    np.testing.assert_array_equal(model.sample(1, 5, seed=2), model.sample(1, 5, seed=2))


def test_errors():
    with pytest.raises(ValueError, match="alpha"):
        BernoulliNaiveBayes(alpha=0)
    model = BernoulliNaiveBayes()
    with pytest.raises(RuntimeError, match="not fitted"):
        model.predict(np.zeros((1, 2, 2)))
    assert "not fitted" in repr(model)
    images, labels = _toy()
    with pytest.raises(ValueError, match="labels"):
        model.fit(images, labels[:3])
    with pytest.raises(ValueError, match="labels"):
        model.fit(images, [0, 0, 1, 5], num_classes=2)
    with pytest.raises(ValueError, match="images"):
        model.fit(np.zeros((0, 2, 2)), [])
    model.fit(images, labels, num_classes=2)
    with pytest.raises(ValueError, match="pixels"):
        model.predict(np.zeros((1, 3, 3)))
    with pytest.raises(ValueError, match="label"):
        model.sample(2)
    with pytest.raises(ValueError, match="count"):
        model.sample(0, 0)
