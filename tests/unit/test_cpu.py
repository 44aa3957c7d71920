"""One instruction set for every numeric library (shared/core/cpu.py): the choice of
level, the variables, and, in fresh interpreters, that each library really takes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.core import cpu

ROOT = Path(__file__).resolve().parents[2]
AVX2_CPU = frozenset({"sse4_1", "avx", "avx2", "fma", "bmi1", "bmi2", "f16c"})  # EPYC Rome
AVX512_CPU = AVX2_CPU | {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}


def test_the_default_is_avx2_on_avx2_and_avx512_machines() -> None:
    assert cpu.LEVEL == "AVX2"
    for flags in (AVX2_CPU, AVX512_CPU, None):
        assert cpu.choose({}, flags) == cpu.Choice("AVX2", "AVX2")


def test_a_level_is_asked_for_by_name_or_by_ctranslate2s_own_variable() -> None:
    assert cpu.choose({"REELS_CPU_ISA": "avx"}, AVX512_CPU).level == "AVX"
    assert cpu.choose({"CT2_FORCE_CPU_ISA": "AVX512"}, AVX512_CPU).level == "AVX512"
    both = {"REELS_CPU_ISA": "GENERIC", "CT2_FORCE_CPU_ISA": "AVX512"}
    assert cpu.choose(both, AVX512_CPU).level == "GENERIC"


def test_a_cpu_without_the_level_runs_the_widest_it_has_and_says_so() -> None:
    choice = cpu.choose({"REELS_CPU_ISA": "AVX512"}, AVX2_CPU)
    assert choice.level == "AVX2" and choice.asked == "AVX512"
    assert choice.note and "AVX512" in choice.note
    old = frozenset({"sse4_1", "avx"})  # Sandy Bridge: AVX, no AVX2
    assert cpu.choose({}, old).level == "AVX"
    assert cpu.choose({"REELS_CPU_ISA": "nonsense"}, AVX2_CPU).level == "AVX2"


def test_every_library_has_a_value_at_every_level() -> None:
    for level in cpu.LEVELS:
        env = cpu.environment(level)
        assert set(env) == {p.variable for p in cpu.PINS}
    assert cpu.environment("AVX2")["CT2_FORCE_CPU_ISA"] == "AVX2"
    assert all(cpu.environment(lv)["CT2_USE_MKL"] == "0" for lv in cpu.LEVELS)


def test_pin_keeps_an_operators_own_values() -> None:
    env = {"ONEDNN_MAX_CPU_ISA": "AVX2_VNNI"}
    choice = cpu.pin(env)
    assert env["ONEDNN_MAX_CPU_ISA"] == "AVX2_VNNI"
    assert env["REELS_CPU_ISA"] == choice.level
    assert (
        env["NPY_DISABLE_CPU_FEATURES"] == cpu.environment(choice.level)["NPY_DISABLE_CPU_FEATURES"]
    )


def test_cpu_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: AMD EPYC 7B12\nflags\t\t: fpu sse4_1 avx avx2\n")
    assert cpu.cpu_flags(info) == frozenset({"fpu", "sse4_1", "avx", "avx2"})
    assert cpu.cpu_model(info) == "AMD EPYC 7B12"
    assert cpu.cpu_flags(tmp_path / "missing") is None


def _report(level: str) -> dict[str, object]:
    """shared.measure.cpu.report() in a fresh interpreter pinned to `level`."""
    env = {k: v for k, v in os.environ.items() if k not in {p.variable for p in cpu.PINS}}
    env.update(REELS_CPU_ISA=level, PYTHONPATH=str(ROOT))
    code = (
        "import json, shared\nfrom shared.measure import cpu\n"
        "r = cpu.report(); r['ct2'] = cpu.ctranslate2_says(); print(json.dumps(r))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return dict(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.parametrize("level", ["AVX", "AVX2"])
def test_each_library_takes_the_pinned_level(level: str) -> None:
    if level not in cpu.supported(cpu.cpu_flags()):
        pytest.fail(f"this CPU cannot run {level}: {cpu.cpu_model()}")
    r = _report(level)
    assert r["level"] == level and r["pinned_late"] == []
    assert f"Selected ISA: {level}" in " ".join(r["ct2"])  # type: ignore[arg-type]
    assert "SGEMM backend: DNNL" in " ".join(r["ct2"])  # type: ignore[arg-type]
    numpy_on = set(r["numpy_dispatch"])  # type: ignore[arg-type]
    opencv_on = set(r["opencv_dispatch"])  # type: ignore[arg-type]
    flags = int(str(r["ffmpeg_flags"]), 16)
    assert not numpy_on & {"X86_V4", "AVX512_ICL", "AVX512_SPR"}
    assert "AVX512-SKX" not in opencv_on
    assert not flags & 0x100000  # AV_CPU_FLAG_AVX512
    if level == "AVX":
        assert "X86_V3" not in numpy_on and "AVX2" not in opencv_on
        assert not flags & 0x8000 and flags & 0x4000  # no AVX2, AVX
        assert r["openblas"] == "Sandybridge"
    else:
        assert r["openblas"] == "Haswell"
        assert flags & 0x8000  # AV_CPU_FLAG_AVX2


def test_libraries_loaded_before_shared_are_named() -> None:
    code = "import numpy, shared\nfrom shared.measure import cpu\nprint(cpu.pinned_late())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=True,
    )
    assert out.stdout.strip() == "['numpy']"


def test_the_worker_warns_when_its_numbers_may_differ(monkeypatch, caplog) -> None:
    import logging

    import shared
    from shared.measure import cpu as measure_cpu

    choice = cpu.choose({"REELS_CPU_ISA": "AVX512"}, frozenset(cpu.REQUIRES["AVX2"]))
    monkeypatch.setattr(shared, "CPU_LEVEL", choice)
    measure_cpu.log_choice.cache_clear()
    with caplog.at_level(logging.INFO, logger="shared.measure.cpu"):
        measure_cpu.log_choice()
    measure_cpu.log_choice.cache_clear()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "instruction set: this CPU has no AVX512: AVX2 used, results may differ from other machines"
    ]
