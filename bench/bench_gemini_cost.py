"""What one Gemini analysis moves and costs, at the chosen settings (the defaults of
shared/core/settings.py), for 15, 60 and 180 s reels (the bench clips: 1080x1920,
30 fps, a cut every ~2.5 s; cached in .local/bench-media):

- **video bytes through analyze per job**: the download from the bucket (probe and
  measurements need the file) plus what the worker sends to Gemini. Measured on the
  wire: the real google-genai client uploads to (or registers with) a local sink that
  counts the bytes it receives. Before: download + the whole file again to the Files
  API; after, on Google Cloud: download + a files:register request of a few hundred bytes.
- **Gemini input tokens per part** (the whole video, the hook clip, the prompt) of the
  request the engine builds for the default model, at Google's documented rates for that
  family (shared/analyzers/gemini/models.py: Gemini 3 video 70 tokens a frame by default,
  280 at HIGH, audio 32 a second; a token is about 4 characters of the prompt).

    .venv/bin/python bench/bench_gemini_cost.py [--seconds 15 60 180]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared.analyzers.gemini import request  # noqa: E402
from shared.analyzers.gemini.models import family_of, plan  # noqa: E402
from shared.analyzers.gemini.prompt import build_prompt  # noqa: E402
from shared.core.settings import Settings  # noqa: E402

CACHE = ROOT / ".local" / "bench-media"
AUDIO_TOKENS_PER_SEC = 32


class Sink(BaseHTTPRequestHandler):
    """Just enough of the Files API to count what a client sends: the resumable upload
    and files:register (every answer says the file is ACTIVE)."""

    received = 0
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        Sink.received += len(body) + sum(len(k) + len(v) + 4 for k, v in self.headers.items())
        file = {"name": "files/x", "uri": "http://sink/v1beta/files/x", "state": "ACTIVE"}
        headers: dict[str, str] = {}
        if self.path.startswith("/upload/") and "upload_id" not in self.path:
            port = self.server.server_address[1]
            headers["x-goog-upload-url"] = (
                f"http://127.0.0.1:{port}/upload/v1beta/files?upload_id=1"
            )
            answer: dict[str, Any] = {}
        elif "finalize" not in self.headers.get("x-goog-upload-command", ""):
            headers["x-goog-upload-status"] = "active"  # one chunk of several
            answer = {}
        elif self.path.startswith("/upload/"):
            headers["x-goog-upload-status"] = "final"
            answer = {"file": {**file, "mimeType": "video/mp4"}}
        else:
            answer = {"files": [{**file, "mimeType": "video/mp4"}]}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        for name, value in {**headers, "Content-Length": str(len(payload))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def sent_to_gemini(path: Path, how: str) -> int:
    """Bytes the worker sends to Gemini for one video, measured at a local sink."""
    from google import genai
    from google.genai import types
    from google.oauth2.credentials import Credentials

    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Sink.received = 0
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    client = genai.Client(
        api_key="bench", http_options=types.HttpOptions(base_url=base, api_version="v1beta")
    )
    try:
        if how == "upload":
            client.files.upload(file=path, config=types.UploadFileConfig(mime_type="video/mp4"))
        else:
            client.files.register_files(
                auth=Credentials(token="bench"), uris=[f"gs://reels-uploads/uploads/{'x' * 32}"]
            )
    finally:
        server.shutdown()
        server.server_close()
    return Sink.received


def tokens(seconds: float, settings: Settings) -> dict[str, int]:
    """Input tokens of each part of the default model's request, at documented rates."""
    model = settings.gemini_model
    chosen = plan(
        model,
        api_version=settings.gemini_api_version,
        thinking_level=settings.gemini_thinking_level,
        video_resolution=settings.gemini_media_resolution,
        hook_resolution=settings.gemini_hook_media_resolution,
    )
    shots = [(t * 2.5, min(seconds, (t + 1) * 2.5)) for t in range(int(seconds // 2.5 + 0.99))]
    prompt = build_prompt("ru", duration_sec=seconds, shots=shots, speech=[])
    parts = request.parts(
        chosen,
        file_uri="u",
        mime_type="video/mp4",
        prompt=prompt,
        duration_sec=seconds,
        fps=settings.gemini_fps,
    )
    family = family_of(model)
    counted: dict[str, int] = {}
    for name, part in zip(request.part_names(len(parts)), parts, strict=True):
        if part.text is not None:
            counted[name] = len(part.text) // 4
            continue
        meta = part.video_metadata
        start = float((meta.start_offset or "0s").rstrip("s")) if meta else 0.0
        end = float(meta.end_offset.rstrip("s")) if meta and meta.end_offset else seconds
        fps = meta.fps if meta and meta.fps else 1.0
        level = (
            part.media_resolution.level.value
            if part.media_resolution and part.media_resolution.level
            else None
        )
        per_frame = family.tokens_per_frame(
            level.removeprefix("MEDIA_RESOLUTION_").lower() if level else None
        )
        span = end - start
        counted[name] = round(span * fps * per_frame + span * AUDIO_TOKENS_PER_SEC)
    return counted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, nargs="+", default=[15, 60, 180])
    args = parser.parse_args()
    from devstack.media import bench_clip, require_tools

    missing = require_tools()
    if missing:
        sys.exit(f"bench_gemini_cost: missing {', '.join(missing)} (make system-deps)")
    settings = Settings(_env_file=None)
    print(
        f"Gemini per job at the defaults: {settings.gemini_model}, API {settings.gemini_api_version}, "
        f"thinking {settings.gemini_thinking_level}, video at the model's default resolution, "
        f"hook {settings.gemini_hook_media_resolution} at {request.HOOK_FPS:g} fps"
    )
    print(
        f"{'reel':>6} {'file MB':>8} | {'bytes through analyze per job':^47} | "
        f"{'input tokens: video  hook  prompt  total':>41}"
    )
    print(f"{'':>6} {'':>8} | {'before (re-upload)':>18} {'after (register)':>17} {'saved':>9} |")
    for seconds in args.seconds:
        path = bench_clip(CACHE, seconds).path
        size = path.stat().st_size
        before = size + sent_to_gemini(path, "upload")
        after = size + sent_to_gemini(path, "register")
        parts = tokens(seconds, settings)
        print(
            f"{seconds:>5g}s {size / 1e6:>8.1f} | {before / 1e6:>15.1f} MB {after / 1e6:>14.1f} MB "
            f"{1 - after / before:>8.0%} | {parts.get('video', 0):>12} {parts.get('hook', 0):>5} "
            f"{parts.get('prompt', 0):>7} {sum(parts.values()):>6}"
        )
    print(
        "(before: the download plus the whole video again to the Files API; after: the download "
        "plus the files:register request; the local stack, whose storage emulator Google cannot "
        "read, still uploads. The hook part is the first 3 s at HIGH: 280 tokens a frame.)"
    )


if __name__ == "__main__":
    main()
