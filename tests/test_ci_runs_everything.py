"""In CI a test may not skip for a missing tool: .ci/run installs them all (LibreOffice, Gnumeric,
poppler, zip, 7z, mutt, mpack), so such a skip means the install step broke and must fail."""

from __future__ import annotations

import shutil
from pathlib import Path

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py")

SAMPLE = '''
import pytest

def test_needs_a_tool():
    pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")

@pytest.mark.skipif(True, reason="chattr +i is not permitted here (needs root)")
def test_cannot_run_as_root():
    pass
'''


def _run(pytester, monkeypatch, ci: str | None):
    shutil.copy(CONFTEST, pytester.path / "conftest.py")
    pytester.makepyfile(test_sample=SAMPLE)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    return pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")


def test_in_ci_a_skip_for_a_missing_tool_fails(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "true")
    result.assert_outcomes(failed=1, skipped=1)  # the root-only case may still skip
    assert "CI must run this test" in result.stdout.str()


def test_elsewhere_it_skips_with_its_reason(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, None)
    result.assert_outcomes(skipped=2)
