"""lecturekit.generative: the naive Bayes digit model of lecture 6."""

import numpy as np
import pytest

from lecturekit.generative import BernoulliNaiveBayes, SoftmaxRegression, softmax_regression_step


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


# --- softmax regression, the discriminative twin ----------------------------------------------

def test_naive_bayes_is_linear_in_the_pixels():
    rng = np.random.default_rng(0)
    images = rng.random((40, 3, 3))
    labels = rng.integers(0, 3, 40)
    model = BernoulliNaiveBayes(alpha=0.5).fit(images, labels, num_classes=3)
    weights, bias = model.linear_form()
    assert weights.shape == (3, 9) and bias.shape == (3,)
    np.testing.assert_allclose(model.binarize(images) @ weights.T + bias, model.log_joint(images))


def test_softmax_regression_step_is_gradient_descent_on_the_cross_entropy():
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(1)
    x = (rng.random((7, 5)) > 0.5).astype(float)
    y = rng.integers(0, 3, 7)
    weights, bias = rng.normal(size=(3, 5)), rng.normal(size=3)
    w = torch.tensor(weights, requires_grad=True)
    b = torch.tensor(bias, requires_grad=True)
    loss = F.cross_entropy(torch.tensor(x) @ w.T + b, torch.tensor(y))
    loss.backward()
    returned = softmax_regression_step(torch.from_numpy(weights), torch.from_numpy(bias), torch.tensor(x),
                                       torch.tensor(y), lr=0.3)
    assert returned == pytest.approx(loss.item())
    np.testing.assert_allclose(weights, (w - 0.3 * w.grad).detach().numpy())
    np.testing.assert_allclose(bias, (b - 0.3 * b.grad).detach().numpy())


def test_softmax_regression_fits_predicts_and_counts_its_parameters():
    images, labels = _toy()
    model = SoftmaxRegression()
    assert "not fitted" in repr(model)
    losses = model.fit(images, labels, epochs=50, batch_size=2, lr=1.0, num_classes=2)
    assert len(losses) == 50 * 2
    assert losses[0] == pytest.approx(np.log(2))  # zero weights: every class equally likely
    assert np.mean(losses[-4:]) < 0.2 * losses[0]
    assert model.predict(images).tolist() == [0, 0, 1, 1]
    assert model.score(images, labels) == 1.0
    probs = model.predict_proba(images)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert model.parameter_count() == 2 * 4 + 2
    # The same number of parameters as naive Bayes on the same pixels.
    bayes = BernoulliNaiveBayes().fit(images, labels, num_classes=2)
    assert model.parameter_count() == bayes.parameter_count() == bayes.pixel_probs.size + 2


def test_softmax_regression_is_reproducible_and_binarises_like_naive_bayes():
    rng = np.random.default_rng(2)
    images = rng.random((30, 4, 4))
    labels = rng.integers(0, 3, 30)
    first, second = SoftmaxRegression(), SoftmaxRegression()
    assert first.fit(images, labels, epochs=3, batch_size=8, seed=5) == \
        second.fit(images, labels, epochs=3, batch_size=8, seed=5)
    np.testing.assert_array_equal(first.weights, second.weights)
    # Pixels on the same side of the threshold give the same scores.
    np.testing.assert_array_equal(first.logits(images), first.logits(first.binarize(images)))
    np.testing.assert_array_equal(first.binarize(images), BernoulliNaiveBayes().binarize(images))


def test_softmax_regression_errors():
    model = SoftmaxRegression()
    with pytest.raises(RuntimeError, match="not fitted"):
        model.predict(np.zeros((1, 2, 2)))
    images, labels = _toy()
    with pytest.raises(ValueError, match="labels"):
        model.fit(images, labels[:3])
    with pytest.raises(ValueError, match="lr"):
        model.fit(images, labels, lr=0)
    with pytest.raises(ValueError, match="epochs"):
        model.fit(images, labels, epochs=0)
    model.fit(images, labels, num_classes=2)
    with pytest.raises(ValueError, match="pixels"):
        model.predict(np.zeros((1, 3, 3)))


def test_softmax_regression_leaves_the_thread_count_as_it_was():
    import torch

    before = torch.get_num_threads()
    images, labels = _toy()
    SoftmaxRegression().fit(images, labels, num_classes=2)
    assert torch.get_num_threads() == before


def test_plot_samples_puts_each_class_in_a_column():
    import matplotlib.pyplot as plt

    from lecturekit.generative import plot_samples

    samples = [np.full((3, 4, 4), c / 2) for c in range(3)]
    fig = plot_samples(samples)
    assert len(fig.axes) == 9
    rows = np.array(fig.axes).reshape(3, 3)  # row-major: one row per sample
    assert [ax.get_title() for ax in rows[0]] == ["a 0", "a 1", "a 2"]
    assert all(ax.get_title() == "" for ax in rows[1:].flat)
    assert [ax.images[0].get_array()[0, 0] for ax in rows[2]] == [0.0, 0.5, 1.0]
    assert plot_samples([np.zeros((2, 1, 4, 4))]).axes[0].images[0].get_array().shape == (4, 4)
    plt.close("all")
    with pytest.raises(TypeError, match="samples"):
        plot_samples(np.zeros((3, 2, 4, 4)))
    with pytest.raises(ValueError, match=r"samples\[1\]"):
        plot_samples([np.zeros((2, 4, 4)), np.zeros((3, 4, 4))])
    with pytest.raises(ValueError, match=r"samples\[0\]"):
        plot_samples([np.zeros((4, 4))])
    with pytest.raises(ValueError, match=r"samples\[0\]"):
        plot_samples([np.full((1, 4, 4), np.nan)])
