"""A local HTTP server that speaks the Gemini REST protocol, as strictly as Google
documents it (see catalog.py, gate.py, files.py for what and where from).

Developer API (`x-goog-api-key`; any version: v1, v1beta, v1alpha, each with its fields):

    POST   /upload/{v}/files[?upload_id=]   resumable upload ("upload_start", "upload_chunk")
    GET    /{v}/files                       "list_files" (the key's live files)
    GET    /{v}/files/<id>                  "get_file"  (PROCESSING, then ACTIVE; FAILED)
    DELETE /{v}/files/<id>                  "delete_file"
    POST   /{v}/files:register              "register_files" (Cloud Storage objects;
                                            OAuth token with the storage scopes)
    GET    /{v}/models/<model>              "get_model"
    POST   /{v}/models/<model>:generateContent   "generate"
    POST   /{v}/models/<model>:countTokens       "count_tokens"

Vertex AI (Bearer token; Gemini 3 only on global, us, eu):

    GET    /{v}/publishers/google/models/<model>                          "get_model"
    POST   /{v}/projects/<p>/locations/<l>/publishers/google/models/<m>:generateContent
    POST   /{v}/projects/<p>/locations/<l>/publishers/google/models/<m>:countTokens

Every request is recorded (`requests`); what the real API would refuse is refused with
Google's error shape and logged (`log`, kind "rejected"), and what it accepts but
deprecates is logged too (kind "deprecated"). Replies are scripted per route with
`push(route, reply, ...)`; a scripted reply answers only a request that passed the gate.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.gemini import catalog
from tests.fakes.gemini.files import FakeFile, FileStore, GcsObject, video_duration
from tests.fakes.gemini.gate import check_config, check_fields, clip, get
from tests.fakes.gemini.http import handler_for
from tests.fakes.gemini.wire import (
    Rejected,
    Reply,
    answer_reply,
    answer_text,
    error_reply,
    quota_reply,
    reject,
    sample_answer,
)

API_KEY = "fake-gemini-key"
AUDIO_TOKENS_PER_SEC = 32
STORAGE_SCOPES = (
    "https://www.googleapis.com/auth/devstorage.read_only",
    "https://www.googleapis.com/auth/cloud-platform",
)
THOUGHTS = {"MINIMAL": 0, "LOW": 150, "MEDIUM": 600, "HIGH": 1500}
ROUTES = (
    "upload_start",
    "upload_chunk",
    "get_file",
    "delete_file",
    "register_files",
    "list_files",
    "get_model",
    "generate",
    "count_tokens",
)
_V = r"(v1[a-z0-9]*)"
_PATTERNS = [
    ("upload", re.compile(rf"^/upload/{_V}/files/?$")),
    ("register_files", re.compile(rf"^/{_V}/files:register$")),
    ("list_files", re.compile(rf"^/{_V}/files/?$")),
    ("file", re.compile(rf"^/{_V}/(files/[^/:]+)$")),
    ("get_model", re.compile(rf"^/{_V}/(?:publishers/google/)?models/([^/:]+)$")),
    (
        "vertex",
        re.compile(
            rf"^/{_V}/projects/([^/]+)/locations/([^/]+)/publishers/google/models/"
            r"([^/:]+):(generateContent|countTokens)$"
        ),
    ),
    ("model_call", re.compile(rf"^/{_V}/models/([^/:]+):(generateContent|countTokens)$")),
]


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the query string
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    json: Any  # the parsed JSON body, or None
    body_size: int
    route: str
    api_version: str = ""
    model: str = ""
    vertex: bool = False
    location: str = ""


class FakeGemini:
    """The server. `file_states`: what successive GETs of a new file report (the last
    repeats). `key_age`: "new" keys get 404 for models no longer offered to new users,
    "old" keys are served by the replacement. `video_sec`: pretend every video lasts
    this long (None: read it from the bytes)."""

    def __init__(
        self,
        *,
        port: int = 0,
        api_key: str = API_KEY,
        file_states: tuple[str, ...] = ("ACTIVE",),
        video_sec: float | None = None,
        key_age: str = "new",
    ) -> None:
        self.api_key = api_key
        self.key_age = key_age
        self.video_sec = video_sec
        self.files = FileStore(file_states)
        self.requests: list[RecordedRequest] = []
        self.log: list[dict[str, str]] = []
        self.gcs_objects: dict[str, GcsObject] = {}  # what files:register can read
        self.readable_buckets: set[str] = set()  # the service agent's Storage Object Viewer
        self.clock_offset = timedelta(0)
        self.retired: set[str] = set()  # retire(): 404 as no longer offered, from now on
        self._queues: dict[str, deque[Reply]] = defaultdict(deque)
        self._blocked_until: dict[str, float] = {}
        self._lock = threading.RLock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), handler_for(self))
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

    @property
    def file_states(self) -> tuple[str, ...]:
        return self.files.states

    @file_states.setter
    def file_states(self, states: tuple[str, ...]) -> None:
        self.files.states = states

    def retire(self, *models: str) -> None:
        """These models answer 404 "no longer available" from now on (a shutdown while
        the functions run: their start-up check said the model was alive)."""
        with self._lock:
            self.retired.update(models)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.clock_offset

    def advance(self, **delta: float) -> None:
        """Move the server's clock on (file expiry), e.g. advance(hours=49)."""
        self.clock_offset += timedelta(**delta)

    def push(self, route: str, *replies: Reply) -> None:
        """Queue replies for a route; each request that passes the gate takes the next."""
        if route not in ROUTES:
            raise ValueError(f"unknown route {route!r}; one of {ROUTES}")
        with self._lock:
            self._queues[route].extend(replies)

    def requests_to(self, route: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.route == route]

    def rejections(self) -> list[dict[str, str]]:
        return [entry for entry in self.log if entry["kind"] == "rejected"]

    def deprecations(self) -> list[dict[str, str]]:
        return [entry for entry in self.log if entry["kind"] == "deprecated"]

    def uploaded_files(self) -> list[FakeFile]:
        """Finalized uploads and registrations, in order."""
        with self._lock:
            return self.files.finalized()

    def add_gcs_object(self, uri: str, data: bytes, mime_type: str) -> None:
        """An object Gemini's service agent may read (its bucket made readable)."""
        self.gcs_objects[uri] = GcsObject(len(data), mime_type, video_duration(data))
        self.readable_buckets.add(uri.removeprefix("gs://").split("/", 1)[0])

    def _note(self, kind: str, route: str, reason: str, model: str = "") -> None:
        entry = {"kind": kind, "route": route, "reason": reason, "model": model}
        with self._lock:
            self.log.append(entry)
        if self.echo:
            print(json.dumps({"fake_gemini": entry}, ensure_ascii=False), flush=True)

    echo = False  # print the log as it grows (standalone use)

    # -- the protocol (called from handler threads)

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Reply:
        url = urlsplit(raw_path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        record = self._record(method, url.path, query, headers, body)
        route = record.route
        if route == "unknown":
            return error_reply(404, f"no such method: {method} {url.path}")
        blocked = self._blocked_until.get(route, 0.0) - time.monotonic()
        if blocked > 0:
            self._note("rejected", route, "called again before RetryInfo's retryDelay")
            return quota_reply(round(blocked, 1))
        try:
            self._authenticate(record)
            return self._serve(record, body)
        except Rejected as refused:
            self._note("rejected", route, refused.reason, record.model)
            return refused.reply

    def _record(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> RecordedRequest:
        route, groups = "unknown", ()
        for kind, pattern in _PATTERNS:
            found = pattern.match(path)
            if found:
                route, groups = kind, found.groups()
                break
        record = RecordedRequest(method, path, query, headers, None, len(body), route)
        record.api_version = groups[0] if groups else ""
        if route == "upload":
            record.route = "upload_chunk" if "upload_id" in query else "upload_start"
        elif route == "file":
            record.route = {"GET": "get_file", "DELETE": "delete_file"}.get(method, "unknown")
        elif route == "get_model":
            record.model = groups[1]
            record.vertex = "/publishers/" in path
        elif route == "vertex":
            record.location, record.model = groups[2], groups[3]
            record.route = "generate" if groups[4] == "generateContent" else "count_tokens"
            record.vertex = True
        elif route == "model_call":
            record.model = groups[1]
            record.route = "generate" if groups[2] == "generateContent" else "count_tokens"
        if record.route != "upload_chunk" and body:
            try:
                record.json = json.loads(body)
            except ValueError:
                record.json = None
        with self._lock:
            self.requests.append(record)
        return record

    def _authenticate(self, record: RecordedRequest) -> None:
        if record.vertex:
            if not record.headers.get("authorization", "").startswith("Bearer "):
                raise reject(401, "Request is missing required authentication credential.")
            return
        if record.route == "upload_chunk":
            return  # the upload URL itself is the credential
        if record.headers.get("x-goog-api-key") != self.api_key:
            raise reject(400, "API key not valid. Please pass a valid API key.")

    def _scripted(self, route: str) -> Reply | None:
        with self._lock:
            queue = self._queues[route]
            reply = queue.popleft() if queue else None
        if reply is not None and reply.retry_sec:
            self._blocked_until[route] = time.monotonic() + reply.retry_sec
        return reply

    def _serve(self, record: RecordedRequest, body: bytes) -> Reply:
        from tests.fakes.gemini import routes

        return routes.serve(self, record, body)

    # -- helpers for routes.py

    def model(self, record: RecordedRequest, method: str) -> tuple[catalog.Model, catalog.Model]:
        """(the model asked for, the model that serves it), or Google's 404."""
        asked = catalog.MODELS.get(record.model)
        version = record.api_version
        if asked is None:
            raise reject(
                404,
                f"models/{record.model} is not found for API version {version}, or is not "
                f"supported for {method}. Call ListModels to see the list of available "
                "models and their supported methods.",
            )
        if asked.gone:
            day = asked.retirement.date().isoformat() if asked.retirement else "?"
            raise reject(
                404, f"models/{asked.id} was shut down on {day} and is no longer available."
            )
        refused = asked.new_keys_refused and (self.key_age == "new" or record.vertex)
        if refused or asked.id in self.retired:
            raise reject(
                404,
                f"This model models/{asked.id} is no longer available to new users. Please "
                "update your code to use a newer model for the latest features and "
                "improvements.",
            )
        served = catalog.MODELS[asked.routed_to] if asked.routed_to else asked
        if record.vertex and record.location:
            allowed = served.family.vertex_locations
            if allowed is not None and record.location not in allowed:
                raise reject(
                    404,
                    f"Publisher Model `projects/{record.path.split('/')[3]}/locations/"
                    f"{record.location}/publishers/google/models/{asked.id}` was not found "
                    "or your project does not have access to it.",
                )
        return asked, served

    def check_body(self, record: RecordedRequest, family: catalog.Family) -> None:
        body = record.json if isinstance(record.json, dict) else {}
        if not record.vertex:
            check_fields(body, record.api_version)
        for reason in check_config(body, family, record.model):
            self._note("deprecated", record.route, reason, record.model)

    def video_of(self, record: RecordedRequest, part: dict[str, Any]) -> float | None:
        """The duration of the video a part references (checking the reference)."""
        data = get(part, "fileData") or {}
        uri, mime = str(get(data, "fileUri") or ""), str(get(data, "mimeType") or "")
        if record.vertex:
            if not uri.startswith("gs://"):
                raise reject(400, f"Unsupported file uri on Vertex AI: {uri}")
            obj = self.gcs_objects.get(uri)
            return self.video_sec or (obj.duration_sec if obj else None)
        found = re.match(r"^https?://[^/]+/v1[a-z0-9]*/(files/[^/?]+)$", uri)
        if not found:
            raise reject(400, f"Invalid or unsupported file uri: {uri}")
        with self._lock:
            fake = self.files.usable(found.group(1), self.now())
        if mime and mime != fake.mime_type:
            raise reject(400, f"mime_type {mime} does not match the File's {fake.mime_type}.")
        return self.video_sec or fake.duration_sec

    def tokens(
        self, record: RecordedRequest, family: catalog.Family, global_resolution: str | None
    ) -> int:
        """Input tokens as Google counts them: frames x tokens per frame (per-part
        resolution, else the global one on generateContent), audio, text."""
        total = 0
        body = record.json if isinstance(record.json, dict) else {}
        for content in get(body, "contents") or []:
            for part in get(content, "parts") or []:
                if isinstance(get(part, "text"), str):
                    total += max(1, len(get(part, "text")) // 4)
                if get(part, "fileData") is None:
                    continue
                start, end, fps = clip(part, self.video_of(record, part))
                level = get(get(part, "mediaResolution") or {}, "level") or global_resolution
                span = max(0.0, end - start)
                frames = span * fps * family.tokens_per_frame(level)
                total += round(frames + span * AUDIO_TOKENS_PER_SEC)
        return total

    def answer(self, record: RecordedRequest, asked: catalog.Model, served: catalog.Model) -> Reply:
        """The normal answer: a valid analysis with honest usage and the model status."""
        body = record.json if isinstance(record.json, dict) else {}
        config = get(body, "generationConfig") or {}
        prompt = self.tokens(record, served.family, get(config, "mediaResolution"))
        level = str(get(get(config, "thinkingConfig") or {}, "thinkingLevel") or "MEDIUM")
        answer = sample_answer(duration_sec=self.video_sec or 6.0)
        schema = get(config, "responseSchema") or {}
        if "adapted_script" in (schema.get("properties") or {}):  # asked for a topic
            answer["adapted_script"] = [dict(row) for row in answer["script"]]
        reply = answer_reply(answer)
        text = answer_text(answer)
        output, thoughts = len(text) // 4, THOUGHTS.get(level.upper(), 600)
        reply.body["usageMetadata"] = {
            "promptTokenCount": prompt,
            "candidatesTokenCount": output,
            "thoughtsTokenCount": thoughts,
            "totalTokenCount": prompt + output + thoughts,
        }
        self.stamp(reply, record, asked, served)
        return reply

    def stamp(
        self, reply: Reply, record: RecordedRequest, asked: catalog.Model, served: catalog.Model
    ) -> None:
        """modelVersion (and, on the Developer API, modelStatus) as the real API fills them."""
        if reply.status != 200 or not isinstance(reply.body, dict):
            return
        reply.body.setdefault("modelVersion", served.id)
        if not record.vertex:
            reply.body.setdefault("modelStatus", catalog.model_status(asked))
        if served is not asked:
            self._note("deprecated", record.route, f"{asked.id} served by {served.id}", asked.id)


def storage_scopes(token: str) -> set[str]:
    """The scopes of a test OAuth token: "fake-oauth:<scope>,<scope>" (the stand-in's
    token info; real tokens' scopes come from Google's token service)."""
    if not token.startswith("fake-oauth:"):
        return set()
    return set(token.removeprefix("fake-oauth:").split(","))
