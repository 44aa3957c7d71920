"""The same video gives the same result on every CPU (issue 16).

A real clip whose bytes are the same on every machine (devstack/golden.py: real footage
copied as it is, real voice as PCM) is analysed offline in a fresh process, and the
result must equal, to the byte, the one recorded in tests/realmedia/golden/<LEVEL>.json.
Those were written on an Intel Xeon with AVX-512, VNNI and AMX; the test passes on an
AMD EPYC with AVX2 only when the pins of shared/core/cpu.py hold there too. After a
deliberate change to the analysis: `.venv/bin/python -m devstack.golden --write`.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from devstack import golden
from shared.core import cpu

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return golden.build(tmp_path_factory.mktemp("golden") / "golden.mov")


def _level() -> str:
    return cpu.choose(os.environ, cpu.cpu_flags()).level


def _expected() -> dict[str, object]:
    path = golden.golden_path(_level())
    assert path.is_file(), f"no recorded result for {_level()}: python -m devstack.golden --write"
    return dict(json.loads(path.read_text()))


def test_the_clip_is_the_same_bytes_on_every_machine(clip: Path) -> None:
    assert golden.sha256(clip) == _expected()["input_sha256"]
    assert golden.sha256(golden.build(clip.with_name("again.mov"))) == golden.sha256(clip)


def test_the_analysis_is_the_same_json_on_every_cpu(clip: Path) -> None:
    expected = _expected()
    run = golden.run_fresh(clip)
    assert run["level"] == _level() == expected["level"]
    got = json.dumps(run["result"], ensure_ascii=False, indent=1, sort_keys=True)
    want = json.dumps(expected["result"], ensure_ascii=False, indent=1, sort_keys=True)
    if got != want:
        diff = "\n".join(difflib.unified_diff(want.splitlines(), got.splitlines(), lineterm=""))
        pytest.fail(f"the analysis differs from the recorded one at {_level()}:\n{diff[:6000]}")


def test_the_recorded_results_are_real_analyses() -> None:
    """What the files hold is the analysis of the clip (the voice heard, the cuts of the
    footage), not something written by hand."""
    for level in cpu.LEVELS:
        doc = json.loads(golden.golden_path(level).read_text())
        result = doc["result"]
        assert doc["level"] == level and result["meta"]["versions"]["cpu_isa"] == level
        assert "слишком короткое" in result["original"]["transcription"]
        assert result["meta"]["measurements"]["cuts_sec"] == [1.2, 3.04, 5.48, 7.48, 9.68]


def test_every_level_gave_the_same_result() -> None:
    """Written at GENERIC, AVX, AVX2 and AVX-512 on one CPU: the same JSON but for the
    level itself. Which level a deployment pins changes its speed, not its answers."""
    results = []
    for level in cpu.LEVELS:
        result = json.loads(golden.golden_path(level).read_text())["result"]
        result["meta"]["versions"].pop("cpu_isa")
        results.append(json.dumps(result, sort_keys=True))
    assert len(set(results)) == 1
