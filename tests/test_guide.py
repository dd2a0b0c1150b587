"""The Vietnamese user guide's examples run as written (in a demo workspace)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from aggregator import api

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "huong-dan-su-dung.md"


def examples() -> list[str]:
    blocks = re.findall(r"```console\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_every_command_of_the_guide_runs(tmp_path: Path):
    root = tmp_path / "TongHop"
    api.demo(root)
    # what the guide's examples name: a GSO table downloaded, a workspace made with init
    shutil.copy(Path(__file__).parent / "data" / "gso-2025-thai-nguyen-cao-bang.csv",
                root / "danh-muc-hanh-chinh-2025.csv")
    subprocess.run([sys.executable, "-m", "aggregator", "init", "--workspace", "nam-2025"],
                   cwd=root, check=True, capture_output=True)
    commands = examples()
    assert {c.split()[1] for c in commands} >= {"init", "templates", "run", "status", "check",
                                                 "history", "report", "export", "demo", "units"}
    for command in commands:
        args = shlex.split(command)[1:]
        proc = subprocess.run([sys.executable, "-m", "aggregator", *args], cwd=root,
                              capture_output=True, text=True, encoding="utf-8", timeout=300)
        assert proc.returncode == 0, (command, proc.stderr)


def test_the_guide_pictures_exist():
    """Rendered from real outputs by scripts/guide_images.py."""
    text = GUIDE.read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert len(pictures) >= 4
    for name in pictures:
        data = (GUIDE.parent / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000, name
