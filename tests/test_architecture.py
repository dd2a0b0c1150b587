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
    # the orchestration of a run uses the stages; no stage uses it (but for two leaf modules)
    "pipeline": {"aggregator.api", "aggregator.cli"},
    "workspace": {"aggregator.pipeline", "aggregator.intake", "aggregator.ledger",
                  "aggregator.consolidate", "aggregator.render", "aggregator.api", "aggregator.cli"},
}
STAGES = ("read", "validate", "intake", "ledger", "consolidate", "render", "units", "forms",
          "workspace")


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


LEAVES = {"aggregator.pipeline.faults", "aggregator.pipeline.timing"}  # checkpoints, stopwatch


@pytest.mark.parametrize("stage", STAGES)
def test_no_stage_depends_on_the_orchestration(stage):
    offenders = [f"{path.relative_to(PACKAGE)} imports {name}"
                 for path in (PACKAGE / stage).rglob("*.py") for name in imports_of(path)
                 if name.startswith("aggregator.pipeline") and name not in LEAVES]
    assert offenders == []


def test_the_issue_catalog_is_a_leaf():
    """read/, validate/, ledger/ and render/ all speak in issues: the catalog imports none of them."""
    assert {n for n in imports_of(PACKAGE / "issues.py") if n.startswith("aggregator")} <= {
        "aggregator.text"}


def test_sql_only_in_the_ledger():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "ledger" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(PACKAGE)}:{node.lineno}" for node in ast.walk(tree)
                      if isinstance(node, ast.Attribute) and node.attr == "conn"]
    assert offenders == []


def test_the_package_root_holds_only_shared_leaves():
    """The folders show the flow; the root keeps the verbs, their results and shared vocabulary."""
    loose = {p.name for p in PACKAGE.glob("*.py")}
    assert loose <= {"__init__.py", "__main__.py", "api.py", "results.py", "issues.py",
                     "periods.py", "text.py", "os_errors.py", "xlsx_safe.py", "generated_docs.py",
                     "vn_format.py"}


def test_the_formatting_module_is_a_leaf():
    """Every stage formats numbers and dates (validate, workspace, render): it imports none."""
    assert {n for n in imports_of(PACKAGE / "vn_format.py") if n.startswith("aggregator")} == set()
