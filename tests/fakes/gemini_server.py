"""The strict Gemini stand-in (tests/fakes/gemini/): the server, its scripted replies,
a pytest fixture and a command line.

Tests point the real `google-genai` client at it with
`HttpOptions(base_url=server.base_url)`; nothing in the client is faked:

    with FakeGemini() as server:
        server.push("generate", quota_reply(0.2), answer_reply(sample_answer()))
        ...  # Settings(gemini_api_key=server.api_key, gemini_base_url=server.base_url)
        assert not server.rejections() and not server.deprecations()

Standalone, for a local stack (`make run` with GEMINI_BASE_URL pointing here):
`python -m tests.fakes.gemini_server --port 8090` prints every refusal and deprecation.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator

import pytest

from tests.fakes.gemini.catalog import MODELS, Family
from tests.fakes.gemini.files import FakeFile, GcsObject
from tests.fakes.gemini.server import (
    API_KEY,
    AUDIO_TOKENS_PER_SEC,
    ROUTES,
    STORAGE_SCOPES,
    FakeGemini,
    RecordedRequest,
)
from tests.fakes.gemini.wire import (
    Reply,
    answer_reply,
    answer_text,
    blocked_reply,
    error_reply,
    gemini3_reply,
    malformed_reply,
    parts_reply,
    prompt_blocked_reply,
    quota_reply,
    sample_answer,
    text_reply,
    truncated_reply,
    usage,
)

__all__ = [
    "API_KEY",
    "AUDIO_TOKENS_PER_SEC",
    "MODELS",
    "ROUTES",
    "STORAGE_SCOPES",
    "FakeFile",
    "FakeGemini",
    "Family",
    "GcsObject",
    "RecordedRequest",
    "Reply",
    "answer_reply",
    "answer_text",
    "blocked_reply",
    "error_reply",
    "frame_tokens",
    "gemini3_reply",
    "malformed_reply",
    "parts_reply",
    "prompt_blocked_reply",
    "quota_reply",
    "sample_answer",
    "text_reply",
    "truncated_reply",
    "usage",
]


def frame_tokens(model: str, resolution: str | None = None) -> int:
    """Tokens of one video frame of `model` at `resolution` (the stand-in's table)."""
    return MODELS[model].family.tokens_per_frame(resolution)


@pytest.fixture
def fake_gemini() -> Iterator[FakeGemini]:
    with FakeGemini() as server:
        yield server


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a strict Gemini stand-in locally.")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--key-age", choices=("new", "old"), default="new")
    args = parser.parse_args()
    server = FakeGemini(port=args.port, key_age=args.key_age)
    server.echo = True
    server.start()
    print(f"fake Gemini on {server.base_url} (api key {server.api_key!r})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
