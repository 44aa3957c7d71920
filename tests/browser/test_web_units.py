"""The page's pure functions (exports, checks, formats), tested with Node's own
test runner: web/test/*.test.mjs. No browser needed. They import the contract that
web/build.sh generates from Python (conftest's `web_dist` runs it first); its
parity with Python is tests/browser/test_contract_js.py."""

from __future__ import annotations

import subprocess
from pathlib import Path


def test_node_unit_tests_of_the_page_pass():
    """The page's pure functions (exports, checks, formats): web/test/*.test.mjs."""
    web = Path(__file__).resolve().parents[2] / "web"
    assert (web / "src" / "generated" / "contract.json").exists(), "web/build.sh writes it"
    proc = subprocess.run(
        ["node", "--test", "--test-reporter=tap", "test/"],
        cwd=web,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout
