"""The typer application; each command lives in its own module and only formats library results."""

from __future__ import annotations

from aggregator.cli.vietnamese import VietnameseTyper

app = VietnameseTyper(
    name="aggregator",
    help="Tổng hợp báo cáo kiểm tra công vụ, kiểm tra công tác CCHC (Sở Nội vụ).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
