"""Where a measurement's time goes: each stage's own busy time.

The stages overlap (Whisper listens in a thread while the video decodes, OCR reads
keyframes in worker threads), so the time between progress reports says little.
Each stage instead adds up the time spent inside it, in whichever thread:

    timings = Timings()
    with timings.bound():                 # measure() does this for its own Timings
        with timed("faces"):              # anywhere below, in the same thread
            ...
        pool.submit(wrap("ocr", read_text), image)   # in worker threads

For each stage: `wall`, the seconds spent inside it summed over its calls (stages in
different threads overlap, so these may add up to more than the job took); `cpu`, the
CPU seconds of the thread that ran it (not of native threads it waited on:
libavcodec's frame threads, CTranslate2's workers); `calls`. `Timings.summary()` adds
the job's wall time and the process's CPU seconds (all threads) and its children's
(tesseract). `timed()` and `wrap()` do nothing when no Timings is bound, so code
under `shared.measure` can use them unconditionally; they cost about a microsecond.
"""

from __future__ import annotations

import contextvars
import resource
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class StageTime:
    wall: float = 0.0
    cpu: float = 0.0
    calls: int = 0


def _process_cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


class Span:
    """One stay in a stage (a context manager; reusable, not re-entrant)."""

    __slots__ = ("_cpu", "_name", "_timings", "_wall")

    def __init__(self, timings: Timings | None, name: str) -> None:
        self._timings = timings
        self._name = name
        self._wall = 0.0
        self._cpu = 0.0

    def __enter__(self) -> None:
        if self._timings is not None:
            self._wall = time.perf_counter()
            self._cpu = time.thread_time()

    def __exit__(self, *exc: object) -> None:
        if self._timings is not None:
            self._timings.add(
                self._name, time.perf_counter() - self._wall, time.thread_time() - self._cpu
            )


class Timings:
    """Per-stage busy time of one measurement (thread-safe)."""

    def __init__(self) -> None:
        self.stages: dict[str, StageTime] = {}
        self._lock = threading.Lock()
        self._started = time.perf_counter()
        self._cpu0 = _process_cpu()
        self._ended: tuple[float, float, float] | None = None

    def add(self, name: str, wall: float, cpu: float, calls: int = 1) -> None:
        with self._lock:
            stage = self.stages.setdefault(name, StageTime())
            stage.wall += wall
            stage.cpu += cpu
            stage.calls += calls

    def span(self, name: str) -> Span:
        return Span(self, name)

    @contextmanager
    def bound(self) -> Iterator[Timings]:
        """Make this the Timings that `timed()` and `wrap()` record into."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)

    def stop(self) -> None:
        """Fix the job's wall time and CPU seconds (the first call counts)."""
        if self._ended is None:
            own, children = _process_cpu()
            wall = time.perf_counter() - self._started
            self._ended = (wall, own - self._cpu0[0], children - self._cpu0[1])

    def summary(self) -> dict[str, Any]:
        """JSON-safe: {"wall", "process_cpu", "children_cpu", "stages": {name: {...}}}."""
        self.stop()
        assert self._ended is not None
        wall, own, children = self._ended
        with self._lock:
            stages = {
                name: {"wall": round(s.wall, 3), "cpu": round(s.cpu, 3), "calls": s.calls}
                for name, s in self.stages.items()
            }
        return {
            "wall": round(wall, 3),
            "process_cpu": round(own, 3),
            "children_cpu": round(children, 3),
            "stages": stages,
        }


_current: contextvars.ContextVar[Timings | None] = contextvars.ContextVar(
    "measure_timings", default=None
)


def current() -> Timings | None:
    return _current.get()


def timed(name: str) -> Span:
    """`with timed("faces"): ...` adds the block's time to the bound Timings, if any."""
    return Span(_current.get(), name)


def wrap(name: str, fn: Callable[P, R]) -> Callable[P, R]:
    """`fn`, timed as `name` into the Timings bound now, wherever it later runs (for
    work handed to thread pools, which do not inherit the caller's context)."""
    timings = _current.get()
    if timings is None:
        return fn

    def timed_fn(*args: P.args, **kwargs: P.kwargs) -> R:
        with Span(timings, name):
            return fn(*args, **kwargs)

    return timed_fn


def in_thread(fn: Callable[[], R]) -> Callable[[], R]:
    """`fn` to run in another thread with the caller's context (its bound Timings)."""
    context = contextvars.copy_context()
    return lambda: context.run(fn)
