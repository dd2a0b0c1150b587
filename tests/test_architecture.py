"""Dependency direction of STYLE.md: cli → api → stages; read/validate never touch the ledger;
render consumes consolidation results only; no stage imports the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "aggregator"

FORBIDDEN = {
    "read": {"aggregator.ledger", "aggregator.intake", "aggregator.consolidate", "aggregator.render",
             "aggregator.api", "aggregator.cli"},
    "validate": {"aggregator.ledger", "aggregator.intake", "aggregator.consolidate",
                 "aggregator.render", "aggregator.api", "aggregator.cli"},
    "intake": {"aggregator.ledger", "aggregator.api", "aggregator.cli"},
    "ledger": {"aggregator.consolidate", "aggregator.render", "aggregator.api", "aggregator.cli"},
    "consolidate": {"aggregator.ledger", "aggregator.intake", "aggregator.render", "aggregator.api",
                    "aggregator.cli"},
    "render": {"aggregator.ledger", "aggregator.intake", "aggregator.api", "aggregator.cli"},
    "units": {"aggregator.api", "aggregator.cli"},
    "forms": {"aggregator.api", "aggregator.cli"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("stage", sorted(FORBIDDEN))
def test_stage_imports_respect_the_direction(stage):
    offenders = []
    for path in (PACKAGE / stage).rglob("*.py"):
        for name in imports_of(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[stage]):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []
