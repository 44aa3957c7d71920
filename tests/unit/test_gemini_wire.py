"""The exact requests google-genai sends for one analysis, kept as a snapshot
(tests/unit/snapshots/gemini_wire.json): an SDK upgrade that changes a field name, a
casing, the API version or the order of calls shows up here as a diff to review, not
as a 400 in production. Refresh deliberately: UPDATE_SNAPSHOTS=1 pytest this file."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from google import genai

from shared.analyzers.gemini.engine import GeminiAnalyzer
from shared.core.settings import Settings
from tests.fakes.gemini_server import FakeGemini
from tests.unit.test_gemini import oauth, run, settings_for

SNAPSHOT = Path(__file__).parent / "snapshots" / "gemini_wire.json"
HEADERS = ("x-goog-api-client", "x-goog-upload-protocol", "x-goog-upload-command")


def _normalised(server: FakeGemini, value: Any) -> Any:
    """The server's address and the generated file ids replaced by placeholders."""
    text = json.dumps(value, ensure_ascii=False)
    text = text.replace(server.base_url, "http://STAND-IN/")
    for i, fake in enumerate(server.uploaded_files()):
        text = text.replace(fake.name.removeprefix("files/"), f"FILE{i}")
    return json.loads(text)


def wire(server: FakeGemini) -> dict[str, Any]:
    calls = []
    for r in server.requests:
        if r.route == "upload_chunk":
            continue  # the bytes themselves
        call: dict[str, Any] = {"route": r.route, "method": r.method, "path": r.path}
        headers = {k: v for k, v in r.headers.items() if k in HEADERS}
        if headers:
            call["headers"] = headers
        if r.json is not None:
            call["body"] = r.json
        calls.append(call)
    return {"google-genai": genai.__version__, "calls": _normalised(server, calls)}


def test_the_sdk_sends_exactly_the_snapshot(video) -> None:
    with FakeGemini() as server:
        uri = "gs://reels-uploads/uploads/JOB"
        server.add_gcs_object(uri, video.path.read_bytes(), "video/mp4")
        defaults = Settings(_env_file=None)
        settings = settings_for(
            server,
            gemini_model=defaults.gemini_model,
            gemini_thinking_level=defaults.gemini_thinking_level,
            gemini_hook_media_resolution=defaults.gemini_hook_media_resolution,
            gemini_file_source="register",
            gemini_fps=1.0,
        )
        analyzer = GeminiAnalyzer(settings, retry_delay_sec=0.01, credentials=oauth)
        run(analyzer, replace(video, gcs_uri=uri, path=video.path))
        got = wire(server)
    got["calls"] = [
        {**call, "headers": {k: v.split(" ")[0] for k, v in call.get("headers", {}).items()}}
        if call.get("headers")
        else call
        for call in got["calls"]
    ]
    text = json.dumps(got, ensure_ascii=False, indent=1) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(text)
    assert text == SNAPSHOT.read_text(), "the wire changed: review, then UPDATE_SNAPSHOTS=1"
