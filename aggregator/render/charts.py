"""Charts for the Word reports (matplotlib, Vietnamese labels, PNG at print resolution)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen: render to files only
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

DPI = 200
FONTS = ["Times New Roman", "Liberation Serif", "DejaVu Serif"]  # first one installed wins


def _vn(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def bar_chart(path: Path, title: str, labels: list[str], values: list[float], *,
              horizontal: bool = False, percent: bool = False) -> Path:
    """A bar chart with the value written on each bar (Vietnamese number format)."""
    # A list of families: matplotlib falls back glyph by glyph, so a Times-like font without
    # Vietnamese letters (Liberation Serif 1.x) still renders through DejaVu Serif.
    installed = {f.name for f in font_manager.fontManager.ttflist}
    families = [f for f in FONTS if f in installed] or ["DejaVu Serif"]
    plt.rcParams.update({"font.family": families, "font.size": 10})
    wrapped = [textwrap.fill(label, 28 if horizontal else 16) for label in labels]
    height = max(3.2, 0.32 * len(labels) + 1.2) if horizontal else 3.6
    fig, ax = plt.subplots(figsize=(6.3, height), dpi=DPI)
    decimals = 1 if percent else 0
    if horizontal:
        bars = ax.barh(wrapped[::-1], values[::-1], color="#2F5597")
        ax.set_xlim(0, 100 if percent else max(values + [1]) * 1.15)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _vn(v)))
    else:
        bars = ax.bar(wrapped, values, color="#2F5597")
        ax.set_ylim(0, max(values + [1]) * 1.18)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _vn(v)))
        plt.setp(ax.get_xticklabels(), fontsize=8)
    ax.bar_label(bars, labels=[_vn(v, decimals) + ("%" if percent else "") for v in
                               (values[::-1] if horizontal else values)], fontsize=8, padding=2)
    ax.set_title(title, fontsize=11, fontweight="bold")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path
