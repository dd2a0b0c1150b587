"""The workspace and its configuration: folders, aggregator.toml, defaults, `init`."""

from aggregator.workspace.folders import Workspace

__all__ = ["Workspace"]
