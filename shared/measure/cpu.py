"""The measurement libraries on the pinned instruction set (shared.core.cpu), checked.

Most libraries read their variable when they load (`shared/__init__.py` sets them
first). ffmpeg reads none: its decoders, resampler and scaler pick their SIMD code by
`av_get_cpu_flags()` when they are set up, so `pin_ffmpeg()` forces PyAV's libavutil
to the level's flags (those of them this CPU has) before anything is decoded.
`report()` says what each library really runs with, for the log and the tests.
"""

from __future__ import annotations

import ctypes
import functools
import logging
from pathlib import Path
from typing import Any

from shared.core import cpu

log = logging.getLogger(__name__)

# libavutil/cpu.h, x86
_MMX, _MMXEXT, _SSE, _SSE2, _SSE3, _SSSE3 = 0x1, 0x2, 0x8, 0x10, 0x40, 0x80
_SSE4, _SSE42, _CMOV, _AVX, _AVX2, _FMA3 = 0x100, 0x200, 0x1000, 0x4000, 0x8000, 0x10000
_BMI1, _BMI2, _AVX512, _AVX512ICL = 0x20000, 0x40000, 0x100000, 0x200000
_BASE = _MMX | _MMXEXT | _SSE | _SSE2 | _SSE3 | _SSSE3 | _SSE4 | _SSE42 | _CMOV
# What ffmpeg may use at each level: no "slow" hints, no AMD-only extensions (XOP,
# FMA4, 3DNow!), so every CPU of a level takes the same code.
FFMPEG_FLAGS = {
    "GENERIC": _BASE,
    "AVX": _BASE | _AVX,
    "AVX2": _BASE | _AVX | _AVX2 | _FMA3 | _BMI1 | _BMI2,
    "AVX512": _BASE | _AVX | _AVX2 | _FMA3 | _BMI1 | _BMI2 | _AVX512,
}


@functools.cache
def _libavutil() -> Any:
    import av

    folder = Path(av.__file__).resolve().parent.parent / "av.libs"
    found = sorted(folder.glob("libavutil*.so*"))
    # Loading the file PyAV loaded returns that same library, not a second copy.
    return ctypes.CDLL(str(found[0])) if found else ctypes.CDLL(None)


@functools.cache
def pin_ffmpeg() -> int:
    """Force ffmpeg's CPU flags to the pinned level's (once a process; returns them)."""
    lib = _libavutil()
    detected = int(lib.av_get_cpu_flags())
    flags = detected & FFMPEG_FLAGS[level()]
    lib.av_force_cpu_flags(ctypes.c_int(flags))
    return flags


def level() -> str:
    """The level shared/__init__.py pinned (the default, should it not have run)."""
    import os

    return os.environ.get(cpu.LEVEL_VARIABLE, cpu.LEVEL)


def report() -> dict[str, Any]:
    """What the pinned libraries run with: the level, ffmpeg's flags, numpy's and
    OpenCV's active dispatch, and any library that was loaded before the pins."""
    import os

    import cv2
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    numpy_on = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    line = cv2.getCPUFeaturesLine()
    opencv_on = [f.lstrip("*") for f in line.split() if f.startswith("*") and "?" not in f]
    return {
        "level": level(),
        "variables": {pin.variable: os.environ.get(pin.variable) for pin in cpu.PINS},
        "ffmpeg_flags": hex(pin_ffmpeg()),
        "numpy_dispatch": numpy_on,
        "opencv_dispatch": opencv_on,
        "openblas": openblas_core(),
        "pinned_late": pinned_late(),
    }


def openblas_core() -> str | None:
    """The kernel OpenBLAS (numpy's) chose, or None where it does not say."""
    import numpy

    folder = Path(numpy.__file__).resolve().parent.parent / "numpy.libs"
    for path in sorted(folder.glob("libscipy_openblas*.so")):
        lib = ctypes.CDLL(str(path))
        for name in ("scipy_openblas_get_corename64_", "openblas_get_corename"):
            if hasattr(lib, name):
                fn = getattr(lib, name)
                fn.restype = ctypes.c_char_p
                return str(fn().decode())
    return None


def pinned_late() -> list[str]:
    """The libraries that were loaded before shared/__init__.py pinned them (their
    kernels are the CPU's own, not the level's)."""
    import shared

    return list(shared.LOADED_BEFORE_PINS)


def ctranslate2_says() -> list[str]:
    """CTranslate2's own account of the CPU and the kernels it selected (its log when
    it loads the Whisper model, in a fresh process with this process's pins)."""
    import os
    import subprocess
    import sys

    code = (
        "import shared, ctranslate2\n"
        "from shared.measure.model import ensure_model_dir\n"
        "ctranslate2.models.Whisper(str(ensure_model_dir()), device='cpu', compute_type="
        "__import__('shared.measure.model', fromlist=['x']).COMPUTE_TYPE)\n"
    )
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, CT2_VERBOSE="1", PYTHONPATH=root)
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    wanted = ("CPU:", "Selected ISA", "SGEMM backend", "compute type")
    return [
        line.split("[info]", 1)[1].strip()
        for line in (proc.stdout + proc.stderr).splitlines()
        if "[info]" in line and any(w in line for w in wanted)
    ] or [f"(CTranslate2 said nothing: exit {proc.returncode}) {proc.stderr[-300:]}"]


def describe() -> list[str]:
    """Lines for a report: the CPU, the level the analysis is pinned to, and what each
    library runs with."""
    flags = cpu.cpu_flags() or frozenset()
    shown = [
        f
        for f in ("avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")
        if f in flags
    ]
    r = report()
    lines = [
        f"CPU: {cpu.cpu_model()} ({' '.join(shown) or 'no AVX'}); "
        f"levels it can run: {', '.join(cpu.supported(cpu.cpu_flags()))}",
        f"analysis pinned to {r['level']}: "
        + ", ".join(f"{k}={v}" for k, v in r["variables"].items()),
        f"ffmpeg flags {r['ffmpeg_flags']}, numpy dispatch {r['numpy_dispatch']}, "
        f"OpenCV dispatch {r['opencv_dispatch']}, OpenBLAS {r['openblas']}",
        *(f"CTranslate2: {line}" for line in ctranslate2_says()),
    ]
    if r["pinned_late"]:
        lines.append(f"PINNED TOO LATE (loaded before shared): {r['pinned_late']}")
    return lines


@functools.cache
def log_choice() -> None:
    """Say once per process which level the analysis runs at, and warn where its
    numbers may differ from other machines' (a level this CPU lacks, a library loaded
    before the pins)."""
    import shared

    choice = shared.CPU_LEVEL
    log.info("analysis pinned to %s on %s", level(), cpu.cpu_model())
    if choice.note:
        log.warning("instruction set: %s", choice.note)
    if pinned_late():
        log.warning("loaded before the CPU pins, not pinned: %s", ", ".join(pinned_late()))
