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
        content = asdict(self) | {"folder": "", "dpi": DPI}
        digest = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:10]
        return self.folder / f"{self.stem}-{digest}.png"


def _vn(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


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
    wrapped = [textwrap.fill(label, 28 if horizontal else 16) for label in labels]
    height = max(3.2, 0.32 * len(labels) + 1.2) if horizontal else 3.6
    fig, ax = plt.subplots(figsize=(6.3, height), dpi=DPI)
    decimals = 1 if spec.percent else 0
    if horizontal:
        bars = ax.barh(wrapped[::-1], values[::-1], color="#2F5597")
        ax.set_xlim(0, 100 if spec.percent else max(values + [1]) * 1.15)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _vn(v)))
    else:
        bars = ax.bar(wrapped, values, color="#2F5597")
        ax.set_ylim(0, max(values + [1]) * 1.18)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _vn(v)))
        plt.setp(ax.get_xticklabels(), fontsize=8)
    shown = values[::-1] if horizontal else values
    ax.bar_label(bars, labels=[_vn(v, decimals) + ("%" if spec.percent else "") for v in shown],
                 fontsize=8, padding=2)
    ax.set_title(spec.title, fontsize=11, fontweight="bold")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # Fixed margins instead of tight_layout (which costs a full extra draw): room for the labels.
    fig.subplots_adjust(left=0.36 if horizontal else 0.08, right=0.95, top=0.9,
                        bottom=0.08 if horizontal else 0.3)
    try:
        write_replacing(path, lambda tmp: fig.savefig(tmp, dpi=DPI, format="png"))
    finally:
        plt.close(fig)
    return path
