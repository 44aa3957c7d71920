"""Structured logs: LOG_LEVEL is obeyed and every line of a job carries its id,
including the standard `logging` records of libraries and of other threads."""

from __future__ import annotations

import contextvars
import json
import logging
import threading

import pytest

from shared.adapters import logs


def read(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_log_level_drops_lines_below_it(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("WARNING")
    try:
        logs.info("quiet")
        logs.warning("loud")
        logging.getLogger("some.library").info("library chatter")
        logging.getLogger("some.library").error("library trouble")
    finally:
        logs.configure("INFO")
    got = read(capsys)
    assert [line["message"] for line in got] == ["loud", "library trouble"]
    assert got[1]["severity"] == "ERROR" and got[1]["logger"] == "some.library"


def test_debug_level_shows_debug_lines(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("debug")
    try:
        logs.debug("details")
    finally:
        logs.configure("INFO")
    assert [line["message"] for line in read(capsys)] == ["details"]


def test_library_logging_carries_the_job_id(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("INFO")
    with logs.bound(job_id="job-1"):
        logging.getLogger("faster_whisper").info("Processing audio with duration %s", "00:12")
    (line,) = read(capsys)
    assert line["job_id"] == "job-1"
    assert line["message"] == "Processing audio with duration 00:12"


def test_a_thread_started_with_the_context_keeps_the_job_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with logs.bound(job_id="job-2"):
        context = contextvars.copy_context()
    thread = threading.Thread(target=context.run, args=(logs.warning, "beat failed"))
    thread.start()
    thread.join()
    (line,) = read(capsys)
    assert line["job_id"] == "job-2"
