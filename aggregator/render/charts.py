"""Charts for the Word reports (matplotlib, Vietnamese labels, PNG at print resolution).

A chart is described by a ChartSpec; its file name carries a hash of its content, so an unchanged
chart is never drawn twice, and a run can draw all of its charts up front in parallel.
"""

from __future__ import annotations

import hashlib
import json
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path

from aggregator.render.safe_write import write_replacing
from aggregator.vn_format import number

STYLE = 2  # bump when the drawing changes: charts already in an outbox are then redrawn
DPI = 150  # 160 mm wide in the report: ~150 dpi at print size
FONTS = ["Times New Roman", "Liberation Serif", "DejaVu Serif"]  # installed ones, in this order


@dataclass(frozen=True)
class ChartSpec:
    folder: Path
    stem: str
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    horizontal: bool = False
    percent: bool = False

    @property
    def path(self) -> Path:
        content = asdict(self) | {"folder": "", "dpi": DPI, "style": STYLE}
        digest = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:10]
        return self.folder / f"{self.stem}-{digest}.png"


MIN_SPREAD = 5.0  # percentage points between the highest and the lowest bar of a rate chart
# 160 mm wide in the report: at most about half an A4 page high (inches)
MAX_HEIGHT_IN = 4.6
SLOT_IN = 0.18  # inches of chart height per line of a bar's label (8 pt and some air)


def worth_drawing(values: list[float], percent: bool = True) -> bool:
    """A chart says something: at least two bars, and for rates a visible spread (a chart where
    every bar is 98–100% says less than the sentence already does)."""
    if len(values) < 2:
        return False
    return not percent or max(values) - min(values) >= MIN_SPREAD


def draw(spec: ChartSpec) -> Path:
    """The chart's PNG, drawn only if this exact chart does not exist yet."""
    path = spec.path
    if path.exists():
        return path
    import matplotlib

    matplotlib.use("Agg")  # no screen: render to files only
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from matplotlib.ticker import FuncFormatter

    installed = {f.name for f in font_manager.fontManager.ttflist}
    # A list of families: matplotlib falls back glyph by glyph, so a Times-like font without
    # Vietnamese letters (Liberation Serif 1.x) still renders through DejaVu Serif.
    plt.rcParams.update({"font.family": [f for f in FONTS if f in installed] or ["DejaVu Serif"],
                         "font.size": 10})
    labels, values, horizontal = list(spec.labels), list(spec.values), spec.horizontal
    wrapped = [textwrap.fill(label, 52 if horizontal else 16) for label in labels]
    tallest = max((w.count("\n") + 1 for w in wrapped), default=1)
    # Bars are evenly spaced: every slot must hold the tallest wrapped label, or the long ones
    # print over their neighbours; within half a page, a smaller font rather than a taller chart.
    font = 8 if SLOT_IN * tallest * len(labels) + 0.9 <= MAX_HEIGHT_IN else 6.5
    slot = SLOT_IN * (1 if font == 8 else 0.8)
    height = min(MAX_HEIGHT_IN, max(2.4, slot * tallest * len(labels) + 0.9)) \
        if horizontal else 3.6
    fig, ax = plt.subplots(figsize=(6.3, height), dpi=DPI)
    decimals = 1 if spec.percent else 0
    if horizontal:
        bars = ax.barh(wrapped[::-1], values[::-1], color="#2F5597")
        plt.setp(ax.get_yticklabels(), fontsize=font)
        ax.set_xlim(0, 100 if spec.percent else max(values + [1]) * 1.15)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v)))
    else:
        bars = ax.bar(wrapped, values, color="#2F5597")
        ax.set_ylim(0, max(values + [1]) * 1.18)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v)))
        plt.setp(ax.get_xticklabels(), fontsize=8)
    shown = values[::-1] if horizontal else values
    ax.bar_label(bars, labels=[number(v, decimals) + ("%" if spec.percent else "") for v in shown],
                 fontsize=8, padding=2)
    ax.set_title(spec.title, fontsize=11, fontweight="bold")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # Fixed margins instead of tight_layout (which costs a full extra draw): room for the labels.
    fig.subplots_adjust(left=0.5 if horizontal else 0.08, right=0.95, top=1 - 0.4 / height,
                        bottom=0.35 / height if horizontal else 0.3)
    try:
        write_replacing(path, lambda tmp: fig.savefig(tmp, dpi=DPI, format="png"))
    finally:
        plt.close(fig)
    return path
