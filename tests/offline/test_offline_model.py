"""The Whisper model assembled from the two pinned wheels: atomically, verified."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.measure import model

pytestmark = pytest.mark.slow

ASSEMBLE = "from shared.measure import model; print(model.ensure_model_dir())"


def _run_assemblers(cache: Path, n: int) -> list[subprocess.CompletedProcess]:
    env = dict(os.environ, REELS_MODEL_CACHE=str(cache), PYTHONPATH=os.getcwd())
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ASSEMBLE],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while b := f.read(1 << 20):
            h.update(b)
    return h.hexdigest()


def test_concurrent_assembly_gives_one_verified_model(tmp_path: Path) -> None:
    results = _run_assemblers(tmp_path, 3)
    for r in results:
        assert r.returncode == 0, r.stderr
    dirs = {r.stdout.strip() for r in results}
    assert len(dirs) == 1
    target = Path(dirs.pop())
    assert _sha(target / "model.bin") == model.MODEL_SHA256
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        assert (target / name).is_file()
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no half-built leftovers


def test_damaged_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELS_MODEL_CACHE", str(tmp_path))
    monkeypatch.setattr(model, "_verified", set())
    target = model.ensure_model_dir()
    with (target / "model.bin").open("r+b") as f:
        f.seek(1000)
        f.write(b"\0" * 16)
    monkeypatch.setattr(model, "_verified", set())
    again = model.ensure_model_dir()
    assert again == target
    assert _sha(target / "model.bin") == model.MODEL_SHA256


def test_wrong_parts_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELS_MODEL_CACHE", str(tmp_path))
    monkeypatch.setattr(model, "_verified", set())
    monkeypatch.setattr(model, "MODEL_SHA256", "0" * 64)
    with pytest.raises(model.ModelError, match="sha256"):
        model.ensure_model_dir()
    assert not any(tmp_path.iterdir()) or all(
        not p.name.startswith(".assembling") for p in tmp_path.iterdir()
    )


def test_default_cache_is_writable_tmp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REELS_MODEL_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert str(model.cache_root()).startswith("/tmp")
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/cache/x")
    assert model.cache_root() == Path("/var/cache/x/reels-scripter")
