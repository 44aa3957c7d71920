"""Keeping a warm worker's memory flat from job to job.

A worker runs job after job in one process. Decoding, Whisper and OCR allocate
hundreds of megabytes in several threads (the listening thread, OCR's pool,
libavcodec's and CTranslate2's own), and glibc gives each thread an arena of its own,
up to 8 per core. What a job frees stays in those arenas, and the next job's threads
land on other arenas with other holes: on the same 179 s clip the peak rose job after
job (718, 743, ... 784 MB) and the resident size left after a job (582 ... 661 MB).
`malloc_trim(0)` after a job is not enough alone: it returns free pages inside every
arena but never the top of a thread's arena.

Two things, measured with bench/bench_memory.py:
- `configure()` (on the first measurement, before its threads exist) caps the arenas
  at one per core, at least 2 (`mallopt(M_ARENA_MAX)`; an explicit MALLOC_ARENA_MAX
  in the environment wins): every job reuses the same few arenas. No slower on this
  workload (the threads mostly allocate large blocks, rarely at the same moment).
- `after_job()` collects Python's cycles and calls `malloc_trim(0)`: the free pages
  go back to the system between jobs.

Lowering the mmap threshold instead (MALLOC_MMAP_THRESHOLD_=128 KiB or 1 MiB) also
flattened the peak but cost 40 % more CPU: CTranslate2's tensors were then mapped and
zeroed by the kernel at every allocation. Everything here is a no-op without glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os
from typing import Any

M_ARENA_MAX = -8  # glibc's mallopt parameter


@functools.cache
def _libc() -> Any | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.mallopt.restype = ctypes.c_int
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return None
    return libc


def arena_limit() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(2, cpus)


@functools.cache
def configure() -> int | None:
    """Cap glibc's arenas for this process (once); the cap set, or None."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return None  # the operator's choice, read by glibc at start
    libc = _libc()
    if libc is None:
        return None
    limit = arena_limit()
    return limit if libc.mallopt(M_ARENA_MAX, limit) == 1 else None


def release() -> bool:
    """Collect garbage and return free heap pages to the system; True if glibc trimmed."""
    gc.collect()
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def after_job() -> None:
    """What a worker does when a job has ended, whatever its outcome."""
    release()
