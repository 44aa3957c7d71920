"""The same numbers on every CPU: one instruction set for every numeric library.

Each library the measurement step runs picks its kernels by the CPU it finds, and
kernels of different widths round differently. Measured on the real Russian clip of
tests/realmedia (issue 16), what a CPU changed:

- CTranslate2 (Whisper) multiplies with Intel MKL on Intel CPUs and with oneDNN on
  AMD ones, and both take AVX-512 VNNI kernels where the CPU has them. Its int8 kernels
  without VNNI (every AMD EPYC before Zen 4, every Intel before Cascade Lake) add
  byte pairs in saturating 16-bit sums: the same model heard «Ваша сообщения слишком
  короткая» there and «Ваше сообщение слишком короткое» with VNNI (the clip's word
  error rate 0.138 against 0.034). So Whisper runs in float32 (shared/measure/model.py),
  with oneDNN on every vendor and oneDNN capped at the level below;
- CTranslate2's own kernels (quantisation, softmax, layer norm), numpy's ufuncs,
  OpenBLAS (the mel filter bank), OpenCV (resize, optical flow, the face network),
  Tesseract's dot products and ffmpeg's decoders, resamplers and scalers each
  dispatch on the CPU too: word timings moved by 20 ms, the language probability by
  0.01 and a words-per-minute figure by one between AVX2 and AVX-512 kernels.

`LEVEL` (AVX2: what every x86-64 server the project meets has, Cloud Run's included)
is the one instruction set they all use; `REELS_CPU_ISA` (or, as a shorthand,
CTranslate2's own `CT2_FORCE_CPU_ISA`) picks another. `environment()` is what each
library reads; `shared/__init__.py` sets it before any of them is imported (an
operator's own value of a variable wins). ffmpeg reads no variable:
`shared.measure.cpu` forces its flags through libavutil, the same level's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

LEVELS = ("GENERIC", "AVX", "AVX2", "AVX512")
LEVEL = "AVX2"
LEVEL_VARIABLE = "REELS_CPU_ISA"
CT2_VARIABLE = "CT2_FORCE_CPU_ISA"
# Modules whose libraries read their variable when they load: pinned too late if loaded first.
READ_AT_LOAD = ("numpy", "cv2", "ctranslate2", "faster_whisper", "tesserocr")

# What a level needs of the CPU (the flag names of /proc/cpuinfo).
REQUIRES: dict[str, frozenset[str]] = {
    "GENERIC": frozenset({"sse4_1"}),
    "AVX": frozenset({"sse4_1", "avx"}),
    "AVX2": frozenset({"sse4_1", "avx", "avx2", "fma", "bmi1", "bmi2", "f16c"}),
    "AVX512": frozenset(
        {"sse4_1", "avx", "avx2", "fma", "bmi1", "bmi2", "f16c"}
        | {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}
    ),
}


@dataclass(frozen=True)
class Pin:
    """One library's variable and its value at each level."""

    variable: str
    library: str
    values: Mapping[str, str]


PINS: tuple[Pin, ...] = (
    Pin("CT2_FORCE_CPU_ISA", "CTranslate2's own kernels", {lv: lv for lv in LEVELS}),
    # CTranslate2 takes MKL on GenuineIntel only; oneDNN runs the same code on both.
    Pin("CT2_USE_MKL", "CTranslate2's GEMM backend", dict.fromkeys(LEVELS, "0")),
    Pin(
        "ONEDNN_MAX_CPU_ISA",
        "oneDNN (CTranslate2's GEMM and convolutions)",
        {"GENERIC": "SSE41", "AVX": "AVX", "AVX2": "AVX2", "AVX512": "AVX512_CORE"},
    ),
    Pin(
        "NPY_DISABLE_CPU_FEATURES",
        "numpy's ufunc dispatch",
        {
            "GENERIC": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
            "AVX": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
            "AVX2": "X86_V4 AVX512_ICL AVX512_SPR",
            "AVX512": "AVX512_ICL AVX512_SPR",
        },
    ),
    Pin(
        "OPENBLAS_CORETYPE",
        "OpenBLAS (numpy's and scipy's)",
        {"GENERIC": "Nehalem", "AVX": "Sandybridge", "AVX2": "Haswell", "AVX512": "SkylakeX"},
    ),
    Pin(
        "OPENCV_CPU_DISABLE",
        "OpenCV's dispatch",
        {
            "GENERIC": "AVX,FP16,AVX2,AVX512-SKX",
            "AVX": "FP16,AVX2,AVX512-SKX",
            "AVX2": "AVX512-SKX",
            "AVX512": "",
        },
    ),
    # Tesseract has no AVX-512 dot product: AVX2 is its widest.
    Pin(
        "DOTPRODUCT",
        "Tesseract's dot products",
        {"GENERIC": "sse", "AVX": "avx", "AVX2": "avx2", "AVX512": "avx2"},
    ),
)


@dataclass(frozen=True)
class Choice:
    level: str  # the level the libraries are pinned to
    asked: str  # the level asked for (REELS_CPU_ISA, CT2_FORCE_CPU_ISA or LEVEL)
    note: str | None = None  # why they differ, when they do


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str] | None:
    """The CPU's feature flags (None where /proc/cpuinfo is not readable)."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return frozenset(value.split())
    return None


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return "unknown CPU"
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name":
            return value.strip()
    return "unknown CPU"


def supported(flags: frozenset[str] | None) -> list[str]:
    """The levels this CPU can run (all of them when its flags are unknown)."""
    if flags is None:
        return list(LEVELS)
    return [lv for lv in LEVELS if REQUIRES[lv] <= flags]


def choose(env: Mapping[str, str], flags: frozenset[str] | None) -> Choice:
    """The level asked for, or the widest below it this CPU has (with a note: its
    numbers then differ from other machines')."""
    asked = (env.get(LEVEL_VARIABLE) or env.get(CT2_VARIABLE) or LEVEL).strip().upper()
    if asked not in LEVELS:
        return Choice(LEVEL, asked, f"unknown instruction set {asked!r}: {LEVEL} used")
    can = supported(flags)
    if asked in can:
        return Choice(asked, asked)
    below = [lv for lv in LEVELS[: LEVELS.index(asked)] if lv in can] or ["GENERIC"]
    return Choice(
        below[-1],
        asked,
        f"this CPU has no {asked}: {below[-1]} used, results may differ from other machines",
    )


def environment(level: str) -> dict[str, str]:
    """Every library's variable at `level`."""
    return {pin.variable: pin.values[level] for pin in PINS}


def pin(env: MutableMapping[str, str] | None = None) -> Choice:
    """Set every library's variable for the chosen level where it is not set yet."""
    target = os.environ if env is None else env
    choice = choose(target, cpu_flags())
    target[LEVEL_VARIABLE] = choice.level
    for variable, value in environment(choice.level).items():
        target.setdefault(variable, value)
    return choice
