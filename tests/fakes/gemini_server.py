"""A local HTTP server that speaks the Gemini Developer API's REST protocol.

Tests point the real `google-genai` client at it with
`HttpOptions(base_url=server.base_url)`; nothing in the client is faked. It
implements what the client calls for a video analysis (any API version:
google-genai 3.x uses v1, older clients v1beta):

    POST   /upload/v1/files                   start a resumable upload
    POST   /upload/v1/files?upload_id=...     upload chunks ("upload[, finalize]")
    GET    /v1/files/<id>                     file state (PROCESSING after upload, then ACTIVE)
    DELETE /v1/files/<id>
    POST   /v1/models/<model>:generateContent
    POST   /v1/models/<model>:countTokens     tokens of the parts: a video part by its
                                              clip (start/end offsets) and fps

Every request is recorded (`server.requests`) and replies are scripted per
route with `server.push(route, reply, ...)`; an empty queue falls back to the
normal behaviour (a valid answer built from `sample_answer()` for
generateContent). Routes: "upload_start", "upload_chunk", "get_file",
"delete_file", "generate", "count_tokens".

    with FakeGemini() as server:
        server.push("generate", error_reply(429), answer_reply(sample_answer()))
        ...  # Settings(gemini_api_key=server.api_key, gemini_base_url=server.base_url)

As a pytest fixture: `pytest_plugins = ["tests.fakes.gemini_server"]` in a
conftest, then ask for `fake_gemini`. Standalone (e.g. for a local stack):
`python -m tests.fakes.gemini_server --port 8090`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

API_KEY = "fake-gemini-key"
ROUTES = ("upload_start", "upload_chunk", "get_file", "delete_file", "generate", "count_tokens")
# countTokens: what a part costs, as the real API counts video (~258 tokens a frame at
# the default resolution, 32 a second of audio) and text (~1 token per 4 characters).
TOKENS_PER_FRAME = 258
AUDIO_TOKENS_PER_SEC = 32

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


# ---------------------------------------------------------------- replies


@dataclass
class Reply:
    """One scripted HTTP answer. `delay_sec` sleeps before answering."""

    status: int = 200
    body: Any = field(default_factory=dict)  # JSON-able, or str sent as-is
    headers: dict[str, str] = field(default_factory=dict)
    delay_sec: float = 0.0


def sample_answer(rows: int = 3, duration_sec: float = 6.0) -> dict[str, Any]:
    """A valid answer: the AiAnswer shape plus the Gemini-only `language` and `hook`;
    keys and recommendations point at moments (`at`) as the prompt asks, or null
    when about the whole video."""
    step = duration_sec / rows
    fifth = duration_sec / 5
    script = [
        {
            "time": f"0:{round(i * step):02d}-0:{round((i + 1) * step):02d}",
            "start_sec": round(i * step, 2),
            "end_sec": round((i + 1) * step, 2),
            "visual": f"Кадр {i + 1}: крупный план, камера статична.",
            "text": "ПОДПИСКА" if i == 0 else "",
            "note": f"Закадровый голос, фраза {i + 1}.",
        }
        for i in range(rows)
    ]
    return {
        "original": {
            "transcription": "Hello and welcome. Subscribe for more.",
            "translation": "Привет и добро пожаловать. Подписывайтесь, чтобы увидеть больше.",
        },
        "keys": [
            {
                "title": f"Ключ {i}",
                "description": f"Почему работает: пример {i}.",
                "at": {"start_sec": round((i - 1) * fifth, 2), "end_sec": round(i * fifth, 2)}
                if i < 5
                else None,
            }
            for i in range(1, 6)
        ],
        "script": script,
        "recommendations": [
            {
                "category": "Хук",
                "text": "Начните с вопроса в первые 2 секунды.",
                "at": {"start_sec": 0.0, "end_sec": round(min(2.0, duration_sec), 2)},
            },
            {"category": "Звук", "text": "Поднимите громкость голоса до -14 LUFS.", "at": None},
        ],
        "language": "en",
        "hook": {
            "type": "question",
            "why": "Вопрос в первую секунду включает зрителя.",
            "strength": 8,
            "reasons": ["+3: вопрос в первых словах", "+2: текст в первом кадре"],
            "alternatives": [
                "Почему ваши ролики не досматривают?",
                "Знаете, что убивает охват?",
                "Хотите 2× больше просмотров?",
            ],
        },
    }


def usage(prompt: int = 1200, output: int = 800, thoughts: int = 300) -> dict[str, int]:
    return {
        "promptTokenCount": prompt,
        "candidatesTokenCount": output,
        "thoughtsTokenCount": thoughts,
        "totalTokenCount": prompt + output + thoughts,
    }


def answer_text(answer: dict[str, Any]) -> str:
    """The JSON text Gemini would write for an answer dict."""
    return json.dumps(answer, ensure_ascii=False)


def text_reply(
    text: str, *, finish_reason: str = "STOP", usage_metadata: dict[str, int] | None = None
) -> Reply:
    """A generateContent response whose single candidate says `text`."""
    return Reply(
        body={
            "candidates": [
                {
                    "content": {"role": "model", "parts": [{"text": text}]},
                    "finishReason": finish_reason,
                    "index": 0,
                }
            ],
            "usageMetadata": usage_metadata or usage(),
            "modelVersion": "fake-gemini",
            "responseId": secrets.token_hex(8),
        }
    )


def answer_reply(answer: dict[str, Any] | None = None, **kwargs: Any) -> Reply:
    return text_reply(answer_text(answer if answer is not None else sample_answer()), **kwargs)


def truncated_reply(answer: dict[str, Any] | None = None) -> Reply:
    """Output cut off by the token limit: half the JSON, finishReason MAX_TOKENS."""
    text = answer_text(answer if answer is not None else sample_answer())
    return text_reply(text[: len(text) // 2], finish_reason="MAX_TOKENS")


def blocked_reply(finish_reason: str = "SAFETY") -> Reply:
    """A candidate stopped by a filter: no content, only the reason."""
    return Reply(
        body={
            "candidates": [
                {
                    "finishReason": finish_reason,
                    "index": 0,
                    "safetyRatings": [
                        {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH"}
                    ],
                }
            ],
            "usageMetadata": usage(output=0, thoughts=0),
        }
    )


def prompt_blocked_reply(reason: str = "PROHIBITED_CONTENT") -> Reply:
    """The whole prompt blocked: no candidates, `promptFeedback.blockReason`."""
    return Reply(body={"promptFeedback": {"blockReason": reason}, "usageMetadata": usage(0, 0, 0)})


def error_reply(code: int, message: str = "scripted error", delay_sec: float = 0.0) -> Reply:
    status = _STATUS_NAMES.get(code, "UNKNOWN")
    return Reply(
        status=code,
        body={"error": {"code": code, "message": message, "status": status}},
        delay_sec=delay_sec,
    )


# ---------------------------------------------------------------- the server


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the query string
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    json: Any  # the parsed JSON body, or None
    body_size: int
    route: str


@dataclass
class FakeFile:
    name: str  # "files/<id>"
    mime_type: str
    expected_size: int
    states: deque[str]  # states still to report; the last one sticks
    received: int = 0
    sha256: Any = field(default_factory=hashlib.sha256)
    finalized: bool = False
    deleted: bool = False
    state: str = "PROCESSING"


class FakeGemini:
    """The server. A new file is PROCESSING when its upload ends; `file_states`
    is what successive GETs of it report (the last one repeats)."""

    def __init__(
        self,
        *,
        port: int = 0,
        api_key: str = API_KEY,
        file_states: tuple[str, ...] = ("ACTIVE",),
        video_sec: float = 6.0,
    ) -> None:
        self.api_key = api_key
        self.file_states = file_states
        self.video_sec = video_sec  # how long countTokens takes an uploaded video to be
        self.requests: list[RecordedRequest] = []
        self.files: dict[str, FakeFile] = {}
        self._queues: dict[str, deque[Reply]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> FakeGemini:
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeGemini:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- scripting and assertions

    def push(self, route: str, *replies: Reply) -> None:
        """Queue replies for a route; each request takes the next one."""
        if route not in ROUTES:
            raise ValueError(f"unknown route {route!r}; one of {ROUTES}")
        with self._lock:
            self._queues[route].extend(replies)

    def requests_to(self, route: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.route == route]

    def _next_scripted(self, route: str) -> Reply | None:
        with self._lock:
            queue = self._queues[route]
            return queue.popleft() if queue else None

    # -- the protocol (called from handler threads)

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Reply:
        url = urlsplit(raw_path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        route = _route(method, url.path, query)
        parsed = None
        if route != "upload_chunk" and body:
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
        with self._lock:
            self.requests.append(
                RecordedRequest(method, url.path, query, headers, parsed, len(body), route)
            )
        if route == "unknown":
            return error_reply(404, f"no such method: {method} {url.path}")
        if headers.get("x-goog-api-key") != self.api_key and route != "upload_chunk":
            return error_reply(400, "API key not valid. Please pass a valid API key.")
        scripted = self._next_scripted(route)
        if scripted is not None:
            return scripted
        if route == "upload_start":
            return self._start_upload(url.path, headers)
        if route == "upload_chunk":
            return self._upload_chunk(query, headers, body)
        name = "files/" + url.path.rsplit("/", 1)[-1]
        if route == "get_file":
            return self._get_file(name)
        if route == "delete_file":
            return self._delete_file(name)
        if route == "count_tokens":
            return Reply(body={"totalTokens": count_tokens(parsed or {}, self.video_sec)})
        return answer_reply(sample_answer())

    def _start_upload(self, path: str, headers: dict[str, str]) -> Reply:
        if headers.get("x-goog-upload-command") != "start":
            return error_reply(400, "expected X-Goog-Upload-Command: start")
        upload_id = secrets.token_hex(8)
        version = path.split("/")[2]
        fake = FakeFile(
            name=f"files/{secrets.token_hex(6)}",
            mime_type=headers.get("x-goog-upload-header-content-type", ""),
            expected_size=int(headers.get("x-goog-upload-header-content-length", "0")),
            states=deque(self.file_states),
        )
        with self._lock:
            self.files[upload_id] = fake
        url = (
            f"{self.base_url}upload/{version}/files?upload_id={upload_id}&upload_protocol=resumable"
        )
        return Reply(headers={"x-goog-upload-url": url, "x-goog-upload-status": "active"})

    def _upload_chunk(self, query: dict[str, str], headers: dict[str, str], body: bytes) -> Reply:
        command = headers.get("x-goog-upload-command", "")
        finalize = "finalize" in command
        with self._lock:
            fake = self.files.get(query.get("upload_id", ""))
            if fake is None or "upload" not in command:
                return _upload_error("unknown upload or command")
            if int(headers.get("x-goog-upload-offset", "-1")) != fake.received:
                return _upload_error("upload offset does not match the bytes received")
            fake.received += len(body)
            fake.sha256.update(body)
            if not finalize:
                return Reply(headers={"x-goog-upload-status": "active"})
            if fake.received != fake.expected_size:
                return _upload_error("size mismatch")
            fake.finalized = True
            self.files[fake.name] = fake  # looked up by name from now on
        return Reply(
            body={"file": self._file_json(fake)}, headers={"x-goog-upload-status": "final"}
        )

    def _get_file(self, name: str) -> Reply:
        with self._lock:
            fake = self.files.get(name)
            if fake is None or fake.deleted:
                return error_reply(404, f"File {name} not found.")
            fake.state = fake.states.popleft() if len(fake.states) > 1 else fake.states[0]
            return Reply(body=self._file_json(fake))

    def _delete_file(self, name: str) -> Reply:
        with self._lock:
            fake = self.files.get(name)
            if fake is None or fake.deleted:
                return error_reply(404, f"File {name} not found.")
            fake.deleted = True
            return Reply(body={})

    def _file_json(self, fake: FakeFile) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": fake.name,
            "mimeType": fake.mime_type,
            "sizeBytes": str(fake.received),
            "createTime": "2025-01-01T00:00:00.000000Z",
            "updateTime": "2025-01-01T00:00:00.000000Z",
            "expirationTime": "2025-01-03T00:00:00.000000Z",
            "sha256Hash": fake.sha256.hexdigest(),
            "uri": f"{self.base_url}v1beta/{fake.name}",  # what the real API answers
            "state": fake.state,
            "source": "UPLOADED",
        }
        if fake.state == "FAILED":
            body["error"] = {"code": 400, "message": "The video could not be processed."}
        return body

    def uploaded_files(self) -> list[FakeFile]:
        """Finalized uploads, in upload order."""
        with self._lock:
            seen: list[FakeFile] = []
            for fake in self.files.values():
                if fake.finalized and fake not in seen:
                    seen.append(fake)
            return seen


_UPLOAD = re.compile(r"^/upload/(v1[a-z0-9]*)/files/?$")
_FILE = re.compile(r"^/(v1[a-z0-9]*)/files/[^/]+$")
_GENERATE = re.compile(r"^/(v1[a-z0-9]*)/models/[^/:]+:generateContent$")
_COUNT = re.compile(r"^/(v1[a-z0-9]*)/models/[^/:]+:countTokens$")


def _seconds(value: Any) -> float:
    return float(str(value or "0").rstrip("s") or 0)


def count_tokens(body: dict[str, Any], video_sec: float) -> int:
    """Tokens of the request's parts: video parts by their clip (start/end offsets)
    and fps (default 1), text by its length."""
    total = 0
    for content in body.get("contents", []):
        for part in content.get("parts", []):
            if "text" in part:
                total += max(1, len(part["text"]) // 4)
            if "fileData" in part or "file_data" in part:
                meta = part.get("videoMetadata") or part.get("video_metadata") or {}
                start = _seconds(meta.get("startOffset") or meta.get("start_offset"))
                end = _seconds(meta.get("endOffset") or meta.get("end_offset")) or video_sec
                fps = float(meta.get("fps") or 1.0)
                seconds = max(0.0, end - start)
                total += round(seconds * fps * TOKENS_PER_FRAME + seconds * AUDIO_TOKENS_PER_SEC)
    return total


def _upload_error(message: str) -> Reply:
    # With an upload status header, so the client does not retry the chunk.
    reply = error_reply(400, message)
    reply.headers["x-goog-upload-status"] = "final"
    return reply


def _route(method: str, path: str, query: dict[str, str]) -> str:
    if method == "POST" and _UPLOAD.match(path):
        return "upload_chunk" if "upload_id" in query else "upload_start"
    if _FILE.match(path):
        return {"GET": "get_file", "DELETE": "delete_file"}.get(method, "unknown")
    if method == "POST" and _GENERATE.match(path):
        return "generate"
    if method == "POST" and _COUNT.match(path):
        return "count_tokens"
    return "unknown"


def _handler_for(server: FakeGemini) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = server.handle(self.command, self.path, headers, body)
            if reply.delay_sec:
                time.sleep(reply.delay_sec)
            if isinstance(reply.body, str):
                payload = reply.body.encode()
            else:
                payload = json.dumps(reply.body, ensure_ascii=False).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def fake_gemini() -> Iterator[FakeGemini]:
    with FakeGemini() as server:
        yield server


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a fake Gemini REST API locally.")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args()
    server = FakeGemini(port=args.port).start()
    print(f"fake Gemini on {server.base_url} (api key {server.api_key!r})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
