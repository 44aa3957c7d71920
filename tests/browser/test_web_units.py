"""The page's pure functions (exports, checks, formats), tested with Node's own
test runner: web/test/*.test.mjs. No browser needed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from shared.core.contract import contract


def test_node_unit_tests_of_the_page_pass():
    """The page's pure functions (exports, checks, formats): web/test/*.test.mjs."""
    web = Path(__file__).resolve().parents[2] / "web"
    generated = web / "src" / "generated" / "contract.json"
    if not generated.exists():  # web/build.sh writes it; a bare pytest run may come first
        generated.parent.mkdir(parents=True, exist_ok=True)
        generated.write_text(json.dumps(contract(), ensure_ascii=False))
    proc = subprocess.run(
        ["node", "--test", "--test-reporter=tap", "test/"],
        cwd=web,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout
