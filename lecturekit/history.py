"""How image recognition changed: published ImageNet (ILSVRC) results as data (lecture 5).

:data:`ILSVRC_TOP5` holds the top-5 classification error on the ILSVRC test set of
notable entries, one row per entry, each with the publication it is taken from
(:data:`SOURCES`). Top-5 error is the share of test images whose true class is not among
the five classes the model ranks highest; 1,000 classes, about 100,000 test images.

The winning entries are not single networks trained by the plain recipe of lecture 5: each
averages an *ensemble* of networks, and from 2015 on they also rely on residual connections
and batch normalisation (He et al. 2016). The notes of :data:`ILSVRC_TOP5` say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Entry:
    """One ILSVRC classification result: year, team or model, top-5 error in %, method, source."""

    year: int
    name: str
    top5_error: float
    deep: bool
    source: str
    note: str = ""


SOURCES: dict[str, str] = {
    "Russakovsky 2015": "O. Russakovsky et al., ImageNet Large Scale Visual Recognition Challenge, "
                        "International Journal of Computer Vision 115(3), 211-252, 2015.",
    "Krizhevsky 2012": "A. Krizhevsky, I. Sutskever, G. E. Hinton, ImageNet Classification with Deep "
                       "Convolutional Neural Networks, NeurIPS 2012.",
    "Zeiler 2014": "M. D. Zeiler, R. Fergus, Visualizing and Understanding Convolutional Networks, "
                   "ECCV 2014.",
    "Simonyan 2015": "K. Simonyan, A. Zisserman, Very Deep Convolutional Networks for Large-Scale "
                     "Image Recognition, ICLR 2015.",
    "Szegedy 2015": "C. Szegedy et al., Going Deeper with Convolutions, CVPR 2015.",
    "He 2016": "K. He, X. Zhang, S. Ren, J. Sun, Deep Residual Learning for Image Recognition, CVPR 2016.",
    "Hu 2018": "J. Hu, L. Shen, G. Sun, Squeeze-and-Excitation Networks, CVPR 2018.",
}

ILSVRC_TOP5: tuple[Entry, ...] = (
    Entry(2010, "NEC-UIUC", 28.2, False, "Russakovsky 2015", "hand-made features + linear SVMs"),
    Entry(2011, "XRCE", 25.8, False, "Russakovsky 2015", "Fisher vectors + linear classifiers"),
    Entry(2012, "AlexNet", 16.4, True, "Krizhevsky 2012",
          "5 CNNs averaged; 15.3% with extra images"),
    Entry(2013, "Clarifai", 11.7, True, "Russakovsky 2015", "a ZFNet-style CNN, see Zeiler 2014"),
    Entry(2014, "VGG", 7.3, True, "Simonyan 2015", "second place in 2014; 7 CNNs averaged"),
    Entry(2014, "GoogLeNet", 6.7, True, "Szegedy 2015", "6.67%; 7 CNNs averaged"),
    Entry(2015, "ResNet", 3.57, True, "He 2016",
          "6 residual nets, up to 152 layers, batch normalised"),
    Entry(2016, "Trimps-Soushen", 2.99, True, "Hu 2018", "an ensemble of CNNs; 2.991% as quoted by Hu 2018"),
    Entry(2017, "SENet", 2.25, True, "Hu 2018", "2.251%; an ensemble of residual SE networks"),
)

# One trained person's top-5 error on 1,500 test images (Russakovsky 2015, section 6.4).
HUMAN_TOP5 = 5.1
HUMAN_SOURCE = "Russakovsky 2015"

DEEP_COLOR = "#1f5fa8"
CLASSIC_COLOR = "#a0a0a0"


def plot_ilsvrc(ax: Axes | None = None, *, entries: tuple[Entry, ...] = ILSVRC_TOP5,
                human: float | None = HUMAN_TOP5) -> Figure:
    """Bar chart of ILSVRC top-5 error by year and entry, deep-learning entries highlighted (lecture 5)."""
    from matplotlib.patches import Patch

    from lecturekit.plotting import new_figure

    if not entries:
        raise ValueError("entries must hold at least one Entry")
    if ax is None:
        fig, ax = new_figure(width=12.0, height=3.7)
    else:
        fig = ax.figure
    positions = range(len(entries))
    colors = [DEEP_COLOR if entry.deep else CLASSIC_COLOR for entry in entries]
    bars = ax.bar(positions, [entry.top5_error for entry in entries], color=colors, width=0.7)
    for bar, entry in zip(bars, entries):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.4, f"{entry.top5_error:g}%",
                ha="center", va="bottom", fontsize=13, zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    labels = [entry.name.replace("-", "-\n") if len(entry.name) > 10 else entry.name for entry in entries]
    ax.set_xticks(list(positions), [f"{label}\n{entry.year}" for label, entry in zip(labels, entries)],
                  fontsize=13)
    ax.set_ylabel("top-5 test error (%)")
    ax.set_ylim(0, max(entry.top5_error for entry in entries) * 1.15)
    ax.grid(axis="x", visible=False)
    handles = [Patch(color=CLASSIC_COLOR, label="hand-designed features"),
               Patch(color=DEEP_COLOR, label="deep convolutional network")]
    if human is not None:
        handles.append(ax.axhline(human, color="#c62828", linestyle="--", linewidth=2, zorder=1.5,
                                  label=f"one trained human ({human:g}%)"))
    ax.legend(handles=handles, loc="upper right")
    ax.set_title("ImageNet classification (ILSVRC), 1,000 classes")
    return fig
