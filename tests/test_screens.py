"""What a clerk reads at the end of a run, on a narrow console: paths whole on their own lines,
long unit lists collapsed, the rejected files' explanations last (what stays on screen when the
double-clicked .bat pauses)."""

from __future__ import annotations

import io
from dataclasses import replace

from rich.console import Console

from aggregator.cli.output import print_run, unit_list


def _screen(result, width: int = 60) -> str:
    buffer = io.StringIO()
    print_run(Console(file=buffer, width=width, highlight=False), result, "Tệp đã xử lý")
    return buffer.getvalue()


def test_every_path_is_printed_whole_on_its_own_line(demo_run):
    lines = _screen(demo_run).splitlines()
    paths = [str(p) for r in demo_run.rounds for p in r.outputs] + [str(demo_run.reminder)]
    rejected = [f for f in demo_run.files if f.status == "rejected"]
    paths += [str(f.note) for f in rejected] + [str(f.feedback) for f in rejected]
    assert len(paths) > 5 and all(len(p) > 60 for p in paths)  # wider than the console
    for path in paths:
        assert f"  {path}" in lines, path


def test_rejected_files_are_explained_after_the_round_table(demo_run):
    screen = _screen(demo_run)
    assert demo_run.rounds and any(f.status == "rejected" for f in demo_run.files)
    assert screen.index("Tình hình báo cáo") < screen.index("Kết quả đã ghi") \
        < screen.index("Giải thích:")


def test_a_long_list_of_missing_units_is_collapsed_with_the_command_that_lists_them(demo_run):
    codes = [f"U{i:02d}" for i in range(12)]
    assert unit_list(codes[:5], "KTCV", "2024-Y") == "U00, U01, U02, U03, U04"
    collapsed = unit_list(codes, "KTCV", "2024-Y")
    assert collapsed.startswith("U00, U01, U02, U03, U04, … và 7 đơn vị khác")
    assert "status --form KTCV --period 2024-Y" in collapsed
    many = replace(demo_run, rounds=[replace(demo_run.rounds[0], missing=codes)])
    screen = _screen(many, width=200)
    assert "U11" not in screen and "và 7 đơn vị khác" in screen
