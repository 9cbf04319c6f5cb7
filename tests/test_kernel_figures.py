"""lecturekit.kernels' figures: they show the numbers they are given, and check their arguments."""

import numpy as np
import pytest

from lecturekit import kernels


def test_draw_matrix_writes_every_number():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    kernels.draw_matrix([[1, 2.5], [0, -3]], ax=ax)
    assert sorted(t.get_text() for t in ax.texts) == sorted(["1", "2.5", "0", "-3"])
    plt.close(fig)


def test_correlation_step_shows_the_output_numbers():
    image = np.arange(16).reshape(4, 4)
    fig = kernels.correlation_step(image, np.ones((3, 3)), 0, 1)
    output = kernels.correlate2d(image, np.ones((3, 3)))
    assert sorted(t.get_text() for t in fig.axes[2].texts) == sorted(f"{v:.0f}" for v in output.ravel())
    with pytest.raises(ValueError, match="row, col"):
        kernels.correlation_step(image, np.ones((3, 3)), 2, 0)


def test_pooling_figure_shows_max_and_mean():
    x = np.array([[1, 2, 0, 0], [3, 4, 0, 8], [5, 6, 1, 1], [7, 9, 1, 1]])
    fig = kernels.pooling_figure(x, 2)
    assert sorted(t.get_text() for t in fig.axes[1].texts) == ["1", "4", "8", "9"]
    assert sorted(t.get_text() for t in fig.axes[2].texts) == ["1", "2", "2.5", "6.75"]


def test_kernel_gallery_shows_each_image_filtered_by_each_kernel():
    with pytest.raises(ValueError, match="names"):
        kernels.kernel_gallery({"x": np.ones((8, 8))}, ["emboss"])
    rng = np.random.default_rng(0)
    images = {"a": rng.random((8, 8)), "b": rng.random((6, 9))}
    names = ["identity", "gaussian_blur", "sobel_x"]
    fig = kernels.kernel_gallery(images, names)
    panels = np.array(fig.axes).reshape(len(images), len(names))
    for row, (label, image) in enumerate(images.items()):
        assert panels[row, 0].get_ylabel() == label
        for col, name in enumerate(names):
            filtered = kernels.apply_kernel(image, name)
            shown = filtered if name != "sobel_x" else np.abs(filtered)  # edges: their strength
            np.testing.assert_allclose(panels[row, col].images[0].get_array(), shown, err_msg=name)


def test_kernel_explorer_loads_presets():
    box = kernels.kernel_explorer(np.random.default_rng(0).random((10, 10)), "identity")
    controls = box.children[0]
    grid, presets = controls.children[1], controls.children[2]
    presets.value = "sobel_y"
    values = np.array([b.value for b in grid.children]).reshape(3, 3)
    np.testing.assert_array_equal(values, kernels.KERNELS["sobel_y"])
    with pytest.raises(ValueError, match="kernel"):
        kernels.kernel_explorer(np.ones((5, 5)), "emboss")


def test_kernel_numbers_draws_each_named_kernel_with_its_numbers():
    fig = kernels.kernel_numbers(["box_blur", "sobel_x"])
    assert [ax.get_title() for ax in fig.axes] == ["box blur", "sobel x"]
    assert sorted(t.get_text() for t in fig.axes[1].texts) == sorted(
        ["-1", "0", "1", "-2", "0", "2", "-1", "0", "1"])
    with pytest.raises(ValueError, match="names"):
        kernels.kernel_numbers(["emboss"])
    with pytest.raises(ValueError, match="names"):
        kernels.kernel_numbers("sobel_x")
    with pytest.raises(ValueError, match="names"):
        kernels.kernel_numbers([])


def test_filtered_image_shows_what_the_gallery_shows():
    rng = np.random.default_rng(1)
    image = rng.random((9, 7))
    for name in ("gaussian_blur", "sobel_y"):
        fig = kernels.filtered_image(image, name, title="which?")
        ax = fig.axes[0]
        gallery = kernels.kernel_gallery({"x": image}, [name]).axes[0]
        np.testing.assert_array_equal(ax.images[0].get_array(), gallery.images[0].get_array())
        assert ax.images[0].get_clim() == gallery.images[0].get_clim()
        assert ax.get_title() == "which?"
    edges = kernels.filtered_image(image, np.array([[0, 0, 0], [-1, 0, 1], [0, 0, 0]]))
    assert edges.axes[0].images[0].get_array().min() >= 0  # an edge detector: its size


def test_filtered_image_draws_on_a_given_axes_and_checks_its_arguments():
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2)
    assert kernels.filtered_image(np.ones((5, 5)), "identity", ax=axes[1]) is fig
    assert len(axes[1].images) == 1 and not axes[0].images
    plt.close(fig)
    with pytest.raises(ValueError, match="kernel"):
        kernels.filtered_image(np.ones((5, 5)), "emboss")
    with pytest.raises(ValueError, match="image"):
        kernels.filtered_image(np.ones(5), "identity")
    with pytest.raises(ValueError, match="kernel"):
        kernels.filtered_image(np.ones((5, 5)), np.ones((2, 2)))


def test_feature_map_figure_takes_a_height():
    short = kernels.feature_map_figure(np.ones((8, 8)), kernels.KERNELS["sobel_x"], height=2.5)
    assert tuple(short.get_size_inches()) == (12.0, 2.5)
    with pytest.raises(ValueError, match="height"):
        kernels.feature_map_figure(np.ones((8, 8)), kernels.KERNELS["sobel_x"], height=0)
