"""Shared fixtures. The `stack` fixture starts the whole local system once per
test session (Google's Pub/Sub and Firestore emulators, fake-gcs-server, the three
functions, the web page) on free ports, with a fresh project id, and tears it down."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.emulators import MissingDependency
from devstack.stack import Stack

# Tests never reach a real Gemini: without this the analyzer choice would depend
# on the developer's environment.
for _key in ("GEMINI_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "ANALYZER"):
    os.environ.pop(_key, None)


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Once per run: the CPU and the instruction set the analysis runs with, so a
    failure report says where it came from."""
    from shared.measure.cpu import describe

    return describe()


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("stack")
    s = Stack(
        project=f"reels-test-{os.getpid()}",
        workdir=workdir,
        extra_env={
            "ANALYZER": "offline",  # whatever a developer's .env says
            # Tests upload the same generated clips again and again and must see each
            # analysed (recovery, progress, logs); the cache has its own stack
            # (tests/e2e/test_gemini_pipeline.py).
            "RESULT_CACHE": "false",
            # Every test upload is a new anonymous user from 127.0.0.1: a per-user
            # limit a test can reach, no per-address or service limit in the way.
            "QUOTA_USER_DAILY": "5",
            "QUOTA_IP_DAILY": "100000",
            "QUOTA_SERVICE_DAILY": "100000",
        },
        # The sweep is run by the tests that need it (tests/e2e/test_recovery.py), so
        # jobs that tests write by hand are never restarted behind their back.
        sweep_interval_sec=0,
    )
    try:
        s.start_on_free_ports()
    except MissingDependency as exc:
        pytest.fail(f"The local stack cannot start: {exc}", pytrace=False)
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def stack_env(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Stack:
    """This process's environment pointed at the stack (for adapters in tests)."""
    from shared.core.settings import get_settings

    for key, value in stack.function_env().items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield stack
    get_settings.cache_clear()
