from __future__ import annotations

from pathlib import Path

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import AsOfOpt, JsonOpt, WorkspaceOpt, guarded, parse_as_of
from aggregator.cli.output import console, print_json, print_run


@app.command("status")
def status_command(workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None,
                   json: JsonOpt = False) -> None:
    """Tình hình nộp báo cáo của từng kỳ (không tiếp nhận tệp, không ghi gì)."""
    day = parse_as_of(as_of)
    result = guarded(lambda: api.status(workspace.resolve(), day))
    print_run(console(json), result, "")
    if json:
        print_json(result.to_dict())
