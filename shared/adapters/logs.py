"""Structured JSON logs in the shape Cloud Logging reads from stdout.

One line per event: `severity`, `message`, plus `job_id`, `stage`,
`duration_ms` and any other fields; the trace id of the request, when known,
goes under `logging.googleapis.com/trace` so lines group by request.

`configure(level)` sets the threshold (`LOG_LEVEL`) and sends the standard
`logging` records of every library and module (the measurement step's included)
through the same JSON writer, so they carry the job id too.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_trace: ContextVar[str | None] = ContextVar("trace", default=None)
_fields: ContextVar[dict[str, Any] | None] = ContextVar("log_fields", default=None)

SEVERITIES = {"DEBUG": 10, "INFO": 20, "NOTICE": 25, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}
_threshold = SEVERITIES["INFO"]


class _JsonHandler(logging.Handler):
    """Standard `logging` records, written as our JSON lines."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string in a library's log call
            message = str(record.msg)
        log(record.levelname, message, logger=record.name)


def configure(level: str = "INFO") -> None:
    """Set the threshold (DEBUG, INFO, WARNING, ERROR) and route `logging` through us."""
    global _threshold
    name = level.strip().upper()
    _threshold = SEVERITIES.get(name, SEVERITIES["INFO"])
    root = logging.getLogger()
    if not any(isinstance(h, _JsonHandler) for h in root.handlers):
        root.addHandler(_JsonHandler())
    root.setLevel(logging.getLevelName(name) if name in SEVERITIES else logging.INFO)


def set_trace(header: str | None, project: str) -> None:
    """From an `X-Cloud-Trace-Context: TRACE/SPAN;o=1` or `traceparent` header."""
    trace_id = None
    if header:
        if header.count("-") == 3:  # traceparent: 00-TRACE-SPAN-01
            trace_id = header.split("-")[1]
        else:
            trace_id = header.split("/")[0]
    _trace.set(f"projects/{project}/traces/{trace_id}" if trace_id else None)


@contextmanager
def bound(**fields: Any) -> Iterator[None]:
    """Add fields (job_id, ...) to every line logged inside the block."""
    token = _fields.set({**(_fields.get() or {}), **fields})
    try:
        yield
    finally:
        _fields.reset(token)


def log(severity: str, message: str, **fields: Any) -> None:
    if SEVERITIES.get(severity, 0) < _threshold:
        return
    entry: dict[str, Any] = {
        "severity": severity,
        "message": message,
        "time": datetime.now(UTC).isoformat(),
        **(_fields.get() or {}),
        **{k: v for k, v in fields.items() if v is not None},
    }
    trace = _trace.get()
    if trace:
        entry["logging.googleapis.com/trace"] = trace
    print(json.dumps(entry, ensure_ascii=False, default=str), file=sys.stdout, flush=True)


def debug(message: str, **fields: Any) -> None:
    log("DEBUG", message, **fields)


def info(message: str, **fields: Any) -> None:
    log("INFO", message, **fields)


def warning(message: str, **fields: Any) -> None:
    log("WARNING", message, **fields)


def error(message: str, **fields: Any) -> None:
    log("ERROR", message, **fields)


@contextmanager
def timed(stage: str, **fields: Any) -> Iterator[None]:
    """Log one line when the stage ends, with its duration."""
    start = time.perf_counter()
    try:
        yield
    except Exception as exc:
        log(
            "WARNING",
            f"stage {stage} failed: {exc}",
            stage=stage,
            duration_ms=round((time.perf_counter() - start) * 1000, 1),
            **fields,
        )
        raise
    log(
        "INFO",
        f"stage {stage} done",
        stage=stage,
        duration_ms=round((time.perf_counter() - start) * 1000, 1),
        **fields,
    )
