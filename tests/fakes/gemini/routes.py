"""The stand-in's routes: one function per API method (see server.py for the table)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.gemini.files import video_duration
from tests.fakes.gemini.gate import clip, get
from tests.fakes.gemini.wire import Reply, cap_output, error_reply, reject

if TYPE_CHECKING:
    from tests.fakes.gemini.server import FakeGemini, RecordedRequest


def serve(server: FakeGemini, record: RecordedRequest, body: bytes) -> Reply:
    route = record.route
    if route in ("generate", "count_tokens"):
        return _model_call(server, record)
    if route == "get_model":
        return _get_model(server, record)
    if route == "register_files":
        return _register(server, record)
    scripted = server._scripted(route)
    if scripted is not None:
        return scripted
    if route == "upload_start":
        return _start_upload(server, record)
    if route == "upload_chunk":
        return _upload_chunk(server, record, body)
    if route == "list_files":
        with server._lock:
            now = server.now()
            live = [
                f.json(server.base_url)
                for f in server.files.finalized()
                if not f.deleted and not f.expired(now)
            ]
        return Reply(body={"files": live} if live else {})
    name = record.path.split("/", 2)[2]
    with server._lock:
        if route == "get_file":
            return Reply(body=server.files.get(name, server.now()).json(server.base_url))
        server.files.delete(name, server.now())
    return Reply(body={})


def _model_call(server: FakeGemini, record: RecordedRequest) -> Reply:
    method = "generateContent" if record.route == "generate" else "countTokens"
    asked, served = server.model(record, method)
    server.check_body(record, served.family)
    body = record.json if isinstance(record.json, dict) else {}
    for content in get(body, "contents") or []:
        for part in get(content, "parts") or []:
            if get(part, "fileData") is not None:
                clip(part, server.video_of(record, part))  # references and bounds
    if record.route == "count_tokens":
        scripted = server._scripted("count_tokens")
        if scripted is not None:
            return scripted
        # countTokens counts each part by its own resolution (a global one is not part
        # of the request it counts).
        return Reply(body={"totalTokens": server.tokens(record, served.family, None)})
    config = get(body, "generationConfig") or {}
    limit = get(config, "maxOutputTokens") or served.family.max_output_tokens
    reply = server._scripted("generate")
    if reply is not None:
        server.stamp(reply, record, asked, served)
    else:
        reply = server.answer(record, asked, served)
    cap_output(reply, int(limit))
    return reply


def _get_model(server: FakeGemini, record: RecordedRequest) -> Reply:
    scripted = server._scripted("get_model")
    if scripted is not None:
        return scripted
    asked, _served = server.model(record, "get")
    prefix = "publishers/google/models/" if record.vertex else "models/"
    return Reply(
        body={
            "name": f"{prefix}{asked.id}",
            "version": asked.id.split("-")[1],
            "displayName": asked.id.replace("-", " ").title(),
            "inputTokenLimit": 1_048_576,
            "outputTokenLimit": 65_536,
            "supportedGenerationMethods": ["generateContent", "countTokens"],
            "thinking": True,
        }
    )


def _register(server: FakeGemini, record: RecordedRequest) -> Reply:
    from tests.fakes.gemini.server import STORAGE_SCOPES, storage_scopes

    auth = record.headers.get("authorization", "")
    if not auth.startswith("Bearer "):
        raise reject(
            401,
            "Request is missing required authentication credential. Expected OAuth 2 access "
            "token, login cookie or other valid authentication credential.",
        )
    missing = [s for s in STORAGE_SCOPES if s not in storage_scopes(auth.removeprefix("Bearer "))]
    if missing:
        raise reject(
            403,
            "Request had insufficient authentication scopes.",
            f"token lacks {missing}",
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                    "domain": "googleapis.com",
                }
            ],
        )
    scripted = server._scripted("register_files")
    if scripted is not None:
        return scripted
    uris = (record.json or {}).get("uris") or []
    if not uris:
        raise reject(400, "uris must not be empty.")
    files = []
    for uri in uris:
        bucket = str(uri).removeprefix("gs://").split("/", 1)[0]
        if not str(uri).startswith("gs://") or bucket not in server.readable_buckets:
            raise reject(
                403,
                "The Gemini API service agent service-000000000000@gcp-sa-generativelanguage."
                f"iam.gserviceaccount.com does not have storage.objects.get access to {uri}.",
            )
        obj = server.gcs_objects.get(uri)
        if obj is None:
            raise reject(404, f"Cloud Storage object {uri} not found.")
        with server._lock:
            files.append(server.files.register(uri, obj, server.now()).json(server.base_url))
    return Reply(body={"files": files})


def _start_upload(server: FakeGemini, record: RecordedRequest) -> Reply:
    headers = record.headers
    if headers.get("x-goog-upload-command") != "start":
        return error_reply(400, "expected X-Goog-Upload-Command: start")
    with server._lock:
        upload_id = server.files.start_upload(
            headers.get("x-goog-upload-header-content-type", ""),
            int(headers.get("x-goog-upload-header-content-length", "0")),
            server.now(),
            ((record.json or {}).get("file") or {}).get("displayName")
            or headers.get("x-goog-upload-file-name", ""),
        )
    url = (
        f"{server.base_url}upload/{record.api_version}/files?upload_id={upload_id}"
        "&upload_protocol=resumable"
    )
    return Reply(headers={"x-goog-upload-url": url, "x-goog-upload-status": "active"})


def _upload_chunk(server: FakeGemini, record: RecordedRequest, body: bytes) -> Reply:
    command = record.headers.get("x-goog-upload-command", "")
    with server._lock:
        fake = server.files.by_upload.get(record.query.get("upload_id", ""))
        if fake is None or "upload" not in command:
            return _upload_error("unknown upload or command")
        if int(record.headers.get("x-goog-upload-offset", "-1")) != fake.received:
            return _upload_error("upload offset does not match the bytes received")
        fake.received += len(body)
        fake.sha256.update(body)
        fake.data.extend(body)
        if "finalize" not in command:
            return Reply(headers={"x-goog-upload-status": "active"})
        if fake.received != fake.expected_size:
            return _upload_error("size mismatch")
        fake.finalized = True
        fake.duration_sec = video_duration(bytes(fake.data))
        fake.data = bytearray()  # the bytes are not kept: the sha256 and duration are
        server.files.by_name[fake.name] = fake
        answer: dict[str, Any] = {"file": fake.json(server.base_url)}
    return Reply(body=answer, headers={"x-goog-upload-status": "final"})


def _upload_error(message: str) -> Reply:
    # With an upload status header, so the client does not retry the chunk.
    reply = error_reply(400, message)
    reply.headers["x-goog-upload-status"] = "final"
    return reply
