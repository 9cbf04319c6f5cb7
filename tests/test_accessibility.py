"""Accessibility checks that need no browser (issue 14): every stored figure carries alt text,
the templates write it, :mod:`lecturekit.plotting` describes a figure from its titles, labels
and legend, and the code colours reach 4.5:1. The checks of the built pages in Chromium are
in tests/browser/test_a11y.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from kernel_support import execute as run_in_kernel

from lecturekit.toolchain import build as publish
from lecturekit.toolchain import notebooks

ROOT = Path(__file__).resolve().parents[1]
PATHS = notebooks.notebook_paths(ROOT)


def _stem(path: Path) -> str:
    return path.stem


def load(path):
    return nbformat.read(path, as_version=4)


def _figure_outputs(notebook):
    """(where, output) of every image output: the cells' and those stored in widget state."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            yield f"cell {index}", output
    state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for key, model in state.get("state", {}).items():
        for output in model.get("state", {}).get("outputs", []) or []:
            yield f"widget {key[:8]}", output


@pytest.mark.parametrize("path", PATHS, ids=_stem)
def test_stored_figures_say_what_they_show(path):
    """Every image output stored in the notebook has alt text (from lecturekit.plotting's
    figure formatter when the notebook was last run, or the cell metadata "alt")."""
    notebook = load(path)
    missing = []
    for where, output in _figure_outputs(notebook):
        for mime in ("image/png", "image/jpeg"):
            metadata = output.get("metadata", {})
            alt = metadata.get(mime, {}).get("alt") or metadata.get("alt")
            if mime in output.get("data", {}) and not alt:
                missing.append(where)
    cell_alt = {f"cell {i}" for i, cell in enumerate(notebook.cells) if cell.metadata.get("alt")}
    missing = [where for where in missing if where not in cell_alt]
    assert not missing, (f"figures with no alt text in their metadata: {missing} "
                         "(run the notebook again: `make execute NB=...`)")


def _tiny_notebook(folder: Path):
    """A notebook with three PNG outputs (alt in the output metadata, in the cell metadata,
    none) and an Output widget whose figure has alt text."""
    import base64

    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    png = base64.b64encode(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5d3"
        "c1e80000000049454e44ae426082")).decode()
    shown = new_code_cell("plot()", outputs=[new_output(
        "display_data", data={"image/png": png, "text/plain": "<Figure>"},
        metadata={"image/png": {"alt": "Figure: Training loss per epoch. x: epoch, y: loss."}})])
    by_cell = new_code_cell("plot()", metadata={"alt": "A hand-written alt text"},
                            outputs=[new_output("display_data", data={"image/png": png})])
    bare = new_code_cell("plot()", outputs=[new_output("display_data", data={"image/png": png + "AA"})])
    widget_png = png[:-4] + "AAAA"
    notebook = new_notebook(cells=[shown, by_cell, bare])
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "version_major": 2, "version_minor": 0, "state": {"abc": {
            "model_name": "OutputModel", "model_module": "@jupyter-widgets/output",
            "model_module_version": "1.0.0", "state": {"outputs": [{
                "output_type": "display_data", "data": {"image/png": widget_png},
                "metadata": {"image/png": {"alt": "Figure: line of slope w."}}}]}}}}}
    path = folder / "tiny.ipynb"
    nbformat.write(notebook, path)
    return path, widget_png


@pytest.mark.parametrize("export", [publish.export_handout, publish.export_slides], ids=["handout", "slides"])
def test_templates_write_alt_text_from_the_metadata(tmp_path, export):
    path, widget_png = _tiny_notebook(tmp_path)
    page = export(path, tmp_path).read_text(encoding="utf-8")
    alts = re.findall(r'<img alt="([^"]*)"', page)
    assert alts == ["Figure: Training loss per epoch. x: epoch, y: loss.", "A hand-written alt text",
                    publish.FIGURE_ALT_FALLBACK], alts
    table = json.loads(re.search(r"var ALTS = (\{.*?\});", page).group(1))
    middle = len(widget_png) // 2
    assert table == {f"{len(widget_png)}:{widget_png[middle:middle + 64]}": "Figure: line of slope w."}


def test_figure_alt_says_what_a_figure_shows():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from lecturekit.plotting import figure_alt, show_images

    fig, axes = plt.subplots(1, 2)
    for ax, name in zip(axes, ["MLP", "CNN"]):
        ax.plot([3, 2, 1], label="train")
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(r"$\sigma(z)$")
    axes[0].legend()
    fig.suptitle("Training loss per epoch")
    assert figure_alt(fig) == ("Figure: Training loss per epoch. Panels: MLP; CNN. x: epoch, y: σ(z). "
                               "Legend: train.")
    bare, ax = plt.subplots()
    ax.plot([1, 2])
    ax.scatter([1], [2])
    assert figure_alt(bare) == "Figure: a plot of 1 line and 1 set of points."
    grid = show_images(np.zeros((3, 4, 4)))
    assert figure_alt(grid) == "Figure: a grid of 3 images."
    question, ax = plt.subplots()
    ax.imshow(np.eye(3))
    question.colorbar(ax.images[0])
    ax.set_title("Which kernel made this?")
    assert figure_alt(question) == "Figure: Which kernel made this?"
    plt.close("all")


def test_figures_shown_in_a_kernel_carry_alt_text_and_the_same_image(tmp_path):
    """In a throwaway kernel: plt.show(), a returned figure, retina figures and an interactive
    output all carry the figure's description; the PNG is the one IPython makes."""
    pytest.importorskip("nbclient")
    from nbformat.v4 import new_code_cell, new_notebook

    cells = [
        "%matplotlib inline\nimport matplotlib.pyplot as plt\nfrom lecturekit import plotting\n"
        "plotting.use_slide_style()\nplotting.use_slide_style()",
        "fig, axes = plotting.new_figure(2)\nfor ax, name in zip(axes, ['MLP', 'CNN']):\n"
        "    ax.plot([3, 2, 1], label='train'); ax.set_title(name)\n"
        "    ax.set_xlabel('epoch'); ax.set_ylabel('loss')\n"
        "fig.suptitle('Training loss per epoch'); axes[0].legend(); plt.show()",
        "from IPython import get_ipython\nfrom IPython.core.pylabtools import print_figure\n"
        "from matplotlib.figure import Figure\n"
        "fig2, ax = plt.subplots(); ax.set_title(r'$\\sigma(z)$')\n"
        "printer = get_ipython().display_formatter.formatters['image/png'].type_printers[Figure]\n"
        "data, metadata = printer(fig2)\n"
        "print(data == print_figure(fig2, 'png', base64=True), metadata['alt'])\nfig2",
        "%config InlineBackend.figure_formats = ['retina']",
        "import ipywidgets as widgets\ndef draw(w=1.0):\n"
        "    f, a = plt.subplots(); a.plot([0, w]); a.set_title('slope w'); plt.show()\n"
        "widgets.interactive(draw, w=widgets.FloatSlider(value=1.0, min=0, max=2))",
    ]
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    run_in_kernel(notebook, ROOT, timeout=120, store_widget_state=True)
    figures = {where: output for where, output in _figure_outputs(notebook)
               if "image/png" in output.get("data", {})}
    alts = {where: output["metadata"].get("image/png", {}).get("alt") for where, output in figures.items()}
    assert alts.pop("cell 1") == ("Figure: Training loss per epoch. Panels: MLP; CNN. x: epoch, y: loss. "
                                  "Legend: train.")
    assert alts.pop("cell 2") == "Figure: σ(z)."
    assert notebook.cells[2].outputs[0].text.strip() == "True Figure: σ(z)."
    (widget, alt), = alts.items()
    assert widget.startswith("widget") and alt == "Figure: slope w."
    assert {"width", "height"} <= set(figures[widget]["metadata"]["image/png"]), "retina metadata lost"


# --- colours -------------------------------------------------------------------------------------

def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _declarations(css: str) -> dict[str, str]:
    return dict(re.findall(r"(--jp-mirror-editor-[\w-]+-color)\s*:\s*(#[0-9a-fA-F]{3,6})", css))


def test_code_colours_reach_4_5_to_1_in_handouts_decks_and_rise():
    handout = _declarations(publish.CODE_COLOURS)
    assert len(handout) >= 10
    # the grey code background, the active line (white), and a slightly darker grey for margin
    low = {f"{name} {colour} on {background}": round(contrast(colour, background), 2)
           for name, colour in handout.items() for background in ("#f5f5f5", "#ffffff", "#eeeeee")
           if contrast(colour, background) < 4.5}
    assert not low, f"syntax colours below 4.5:1: {low}"
    rise = (ROOT / "notebooks" / "rise.css").read_text(encoding="utf-8")
    assert _declarations(rise) == handout, "rise.css and build.CODE_COLOURS declare different colours"
