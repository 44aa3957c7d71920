"""Per-stage timings of a measurement (shared/measure/timings.py) and giving memory back
after a job (shared/measure/memory.py): behaviour, not speed."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from shared.measure import memory, timings
from shared.measure.timings import Timings


def _busy(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_stage_adds_up_its_calls() -> None:
    t = Timings()
    with t.bound():
        for _ in range(3):
            with timings.timed("shots"):
                _busy(0.01)
    stage = t.summary()["stages"]["shots"]
    assert stage["calls"] == 3
    assert stage["cpu"] >= 0.03 * 0.9
    assert stage["wall"] >= stage["cpu"] * 0.9


def test_nothing_is_recorded_without_a_bound_timings() -> None:
    t = Timings()
    with timings.timed("decode"):
        pass
    assert timings.current() is None
    assert t.summary()["stages"] == {}


def test_work_in_a_pool_is_timed_into_the_caller_s_timings() -> None:
    """Thread pools do not inherit the caller's context: `wrap` carries it."""
    t = Timings()
    with t.bound(), ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(timings.wrap("ocr", _busy), 0.01) for _ in range(4)]
        for f in futures:
            f.result()
    assert t.summary()["stages"]["ocr"]["calls"] == 4


def test_a_thread_started_with_in_thread_records_into_the_caller_s_timings() -> None:
    t = Timings()

    def listen() -> None:
        with timings.timed("speech"):
            _busy(0.01)

    with t.bound():
        thread = threading.Thread(target=timings.in_thread(listen))
        thread.start()
        thread.join()
    assert t.summary()["stages"]["speech"]["calls"] == 1


def test_the_summary_has_the_job_s_wall_and_cpu() -> None:
    t = Timings()
    _busy(0.02)
    t.stop()
    _busy(0.02)  # after stop: not counted
    s = t.summary()
    assert 0.02 * 0.9 <= s["process_cpu"] < 0.04
    assert s["wall"] >= 0.02 * 0.9
    assert s["children_cpu"] >= 0


def test_two_timings_in_two_threads_stay_apart() -> None:
    a, b = Timings(), Timings()

    def run(t: Timings, name: str) -> None:
        with t.bound(), timings.timed(name):
            pass

    threads = [
        threading.Thread(target=run, args=(a, "a")),
        threading.Thread(target=run, args=(b, "b")),
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert set(a.summary()["stages"]) == {"a"}
    assert set(b.summary()["stages"]) == {"b"}


def test_memory_is_given_back_after_a_job() -> None:
    """glibc (this image's libc) trims; elsewhere it is a no-op, never an error."""
    blocks = [bytearray(256 * 1024) for _ in range(200)]  # 50 MB in mmapped/heap chunks
    del blocks
    assert isinstance(memory.release(), bool)
    memory.after_job()


def test_the_arenas_are_capped_once() -> None:
    first = memory.configure()
    assert first is None or first >= 2
    assert memory.configure() == first  # once a process
    assert memory.arena_limit() >= 2
