"""upload_url and status fuzzed through functions-framework's own app and test client,
with in-memory parts behind them (no emulators): every bad request gets a 4xx JSON
error in Russian, never a 500, nothing is parsed past 16 KB, and good requests
still get their 201."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import flask
import pytest
from flask.testing import FlaskClient
from functions_framework import create_app
from google.api_core import exceptions as api

from shared.adapters import logs
from shared.adapters.http import BodyTooLarge, read_json
from shared.core.identity import Identity, InvalidToken
from shared.core.messages import ErrorCode
from shared.core.settings import Settings
from shared.core.validation import MAX_FILENAME, MAX_REQUEST_BYTES
from shared.orchestration import wiring
from shared.orchestration.uploads import Uploads
from tests.factories import job_doc
from tests.fakes.memory import MemoryQuotas, MemoryStorage, MemoryStore

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = Settings(_env_file=None, quota_user_daily=10_000, quota_ip_daily=10_000)
GOOD = {"filename": "a.mp4", "content_type": "video/mp4", "size": 1000}
AUTH = {"Authorization": "Bearer good"}
MB = 1024 * 1024


def load(name: str) -> ModuleType:
    """A function's main.py as a fresh module, to call it directly (test_app_check does)."""
    spec = importlib.util.spec_from_file_location(
        f"fn_{name}", ROOT / "functions" / name / "main.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


APP = flask.Flask(__name__)  # a request context for `load`ed functions


class Verifier:
    def verify(self, token: str) -> Identity:
        if token != "good":
            raise InvalidToken("bad token")
        return Identity("u1", True)


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """create_app loads `main.py` as the module `main` and appends its folder to
    sys.path: both are put back afterwards. Settings are fixed, logging left alone."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr("shared.core.settings.get_settings", lambda: SETTINGS)
    monkeypatch.setattr(logs, "configure", lambda level="INFO": None)
    before = sys.modules.get("main")
    yield
    if before is None:
        sys.modules.pop("main", None)
    else:
        sys.modules["main"] = before


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def upload(isolated: None, store: MemoryStore, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    parts = Uploads(SETTINGS, store, MemoryStorage(), MemoryQuotas())
    monkeypatch.setattr(wiring, "make_uploads", lambda settings: parts)
    monkeypatch.setattr(wiring, "make_token_verifier", lambda settings: Verifier())
    source = ROOT / "functions" / "upload_url" / "main.py"
    return create_app(target="upload_url", source=str(source)).test_client()


class RecordingStore(MemoryStore):
    """Remembers the ids it was asked for; raises `error` when one is set."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []
        self.error: Exception | None = None

    def public(self, job_id: str) -> dict[str, Any] | None:
        self.asked.append(job_id)
        if self.error is not None:
            raise self.error
        return super().public(job_id)


@pytest.fixture
def jobs_store() -> RecordingStore:
    return RecordingStore()


@pytest.fixture
def status(isolated: None, jobs_store: RecordingStore) -> FlaskClient:
    source = ROOT / "functions" / "status" / "main.py"
    app = create_app(target="status", source=str(source))
    sys.modules["main"]._store = jobs_store  # the `_jobs()` seam: no Firestore
    return app.test_client()


def assert_russian_error(response: Any, status: int, code: str | None = None) -> None:
    text = response.get_data(as_text=True)[:300]
    assert response.status_code == status, text
    assert response.mimetype == "application/json", text
    error = response.get_json()["error"]
    assert set(error) == {"code", "message"}, error
    assert error["code"] in set(ErrorCode), error
    assert code is None or error["code"] == code, error
    assert any("а" <= ch <= "я" for ch in error["message"].lower()), error


def body(**over: Any) -> str:
    return json.dumps({**GOOD, **over})


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def chunked(stream: io.BytesIO, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A body without Content-Length, as gunicorn hands it over (a terminated stream)."""
    return {
        "input_stream": stream,
        "headers": {**(headers or {}), "Transfer-Encoding": "chunked"},
        "environ_overrides": {"wsgi.input_terminated": True},
    }


BIG = body(filename="x" * 10 * MB)

# (case, data, content type, status, code)
GARBAGE: list[tuple[str, bytes | str, str | None, int, str]] = [
    ("10 MB body", BIG, "application/json", 413, "request_too_large"),
    ("just over 16 KB", " " * MAX_REQUEST_BYTES + "{}", None, 413, "request_too_large"),
    ("deep nesting, 200 KB", nested(100_000), "application/json", 413, "request_too_large"),
    ("unclosed nesting", "[" * 100_000, "application/json", 413, "request_too_large"),
    ("deep nesting under 16 KB", nested(8000), "application/json", 400, "bad_request"),
    ("unclosed nesting under 16 KB", "[" * 16_000, None, 400, "bad_request"),
    ("deep field", body(extra=json.loads("[]")).replace("[]", nested(7000)), None, 400, "bad_request"),
    ("empty body", b"", "application/json", 400, "bad_request"),
    ("not JSON", "{not json", "application/json", 400, "bad_request"),
    ("invalid UTF-8", b'{"filename": "\xff\xfe.mp4"}', "application/json", 400, "bad_request"),
    ("UTF-16", body().encode("utf-16"), "application/json", 400, "bad_request"),
    ("JSON as text/plain", body(), "text/plain", 400, "bad_request"),
    ("a form", "filename=a.mp4&content_type=video/mp4&size=1", "application/x-www-form-urlencoded", 400, "bad_request"),
    ("multipart", b"--b\r\n\r\n{}\r\n--b--", "multipart/form-data; boundary=b", 400, "bad_request"),
    ("a list", "[1, 2]", "application/json", 400, "bad_request"),
    ("a list of the body", json.dumps([GOOD]), "application/json", 400, "bad_request"),
    ("a number", "42", "application/json", 400, "bad_request"),
    ("a string", '"hi"', "application/json", 400, "bad_request"),
    ("null", "null", "application/json", 400, "bad_request"),
    ("true", "true", "application/json", 400, "bad_request"),
    ("no filename", json.dumps({"content_type": "video/mp4", "size": 1}), None, 400, "bad_filename"),
    ("filename a list", body(filename=["a.mp4"]), None, 400, "bad_filename"),
    ("filename an object", body(filename={"a": 1}), None, 400, "bad_filename"),
    ("filename control chars only", body(filename="\x00\x01\u200b\n"), None, 400, "bad_filename"),
    ("filename a lone surrogate", '{"filename": "\\ud800", "content_type": "video/mp4", "size": 1}', None, 400, "bad_filename"),
    ("filename only a path", body(filename="../../"), None, 400, "bad_filename"),
    ("size as text", body(size="1000"), None, 400, "bad_request"),
    ("size true", body(size=True), None, 400, "bad_request"),
    ("size float", body(size=1.5), None, 400, "bad_request"),
    ("size whole float", body(size=1000.0), None, 400, "bad_request"),
    ("size NaN", body().replace("1000", "NaN"), None, 400, "bad_request"),
    ("size Infinity", body().replace("1000", "-Infinity"), None, 400, "bad_request"),
    ("size null", body(size=None), None, 400, "bad_request"),
    ("size of 5000 digits", body().replace("1000", "9" * 5000), None, 400, "bad_request"),
    ("negative size", body(size=-1), None, 400, "empty_file"),
    ("zero size", body(size=0), None, 400, "empty_file"),
    ("huge size", body(size=10**30), None, 413, "file_too_large"),
    ("unknown content type", body(content_type="application/x-sh"), None, 415, "unsupported_type"),
    ("content type with a surrogate", body(content_type="video/mp4\ud800"), None, 415, "unsupported_type"),
    ("content type a number", body(content_type=4), None, 400, "bad_request"),
    ("bad language", body(language="xx"), None, 400, "bad_language"),
    ("language a list", body(language=["ru"]), None, 400, "bad_language"),
    ("language null", body(language=None), None, 400, "bad_language"),
    ("topic too long", body(topic="я" * 201), None, 400, "bad_topic"),
    ("topic not text", body(topic=["a"]), None, 400, "bad_request"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "data", "content_type", "status", "code"), GARBAGE, ids=[g[0] for g in GARBAGE]
)
def test_garbage_gets_a_russian_4xx(
    upload: FlaskClient,
    store: MemoryStore,
    case: str,
    data: bytes | str,
    content_type: str | None,
    status: int,
    code: str | None,
) -> None:
    headers = {**AUTH, **({"Content-Type": content_type} if content_type else {})}
    assert_russian_error(upload.post("/", data=data, headers=headers), status, code)
    assert store.docs == {}


def test_an_oversized_body_without_content_length_is_refused_unparsed(upload: FlaskClient) -> None:
    """Chunked: no Content-Length. gunicorn marks such a stream as terminated."""
    for data in (BIG.encode(), nested(100_000).encode(), b"x" * (MAX_REQUEST_BYTES + 1)):
        response = upload.post("/", **chunked(io.BytesIO(data), AUTH))
        assert_russian_error(response, 413, "request_too_large")


def test_a_chunked_good_request_is_accepted(upload: FlaskClient) -> None:
    response = upload.post("/", **chunked(io.BytesIO(body().encode()), AUTH))
    assert response.status_code == 201, response.get_data(as_text=True)


def test_a_body_of_exactly_16_kb_is_read(upload: FlaskClient) -> None:
    data = body(filename="клип.mp4")
    data = data + " " * (MAX_REQUEST_BYTES - len(data.encode()))
    assert len(data.encode()) == MAX_REQUEST_BYTES
    assert upload.post("/", data=data, headers=AUTH).status_code == 201
    assert_russian_error(upload.post("/", data=data + " ", headers=AUTH), 413, "request_too_large")


@pytest.mark.parametrize("length", ["abc", "-5", "0"])
def test_a_nonsense_content_length_reads_nothing(upload: FlaskClient, length: str) -> None:
    response = upload.post(
        "/", data=body(), headers=AUTH, environ_overrides={"CONTENT_LENGTH": length}
    )
    assert_russian_error(response, 400, "bad_request")


@pytest.mark.parametrize("terminated", [False, True])  # werkzeug's server, gunicorn
def test_a_body_cut_short_of_its_content_length_is_a_400(
    upload: FlaskClient, terminated: bool
) -> None:
    environ: dict[str, Any] = {"CONTENT_LENGTH": "9000"}
    if terminated:
        environ["wsgi.input_terminated"] = True
    response = upload.post("/", data=body()[:-1], headers=AUTH, environ_overrides=environ)
    assert_russian_error(response, 400, "bad_request")


def test_nothing_is_read_without_a_valid_token(upload: FlaskClient, store: MemoryStore) -> None:
    for headers in ({}, {"Authorization": ""}, {"Authorization": "Bearer bad"}):
        for data in (body(), BIG):
            assert_russian_error(upload.post("/", data=data, headers=headers), 401, "auth_required")
    assert store.docs == {}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused(upload: FlaskClient, method: str) -> None:
    response = upload.open("/", method=method, data=BIG, headers=AUTH)
    assert_russian_error(response, 405, "method_not_allowed")


@pytest.mark.parametrize(
    "content_type",
    [None, "application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.api+json"],
)  # fmt: skip
def test_good_requests_still_get_201(
    upload: FlaskClient, store: MemoryStore, content_type: str | None
) -> None:
    headers = {**AUTH, **({"Content-Type": content_type} if content_type else {})}
    response = upload.post("/", data=body(), headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["job_id"] in store.docs and answer["upload"]["method"] == "PUT"


def test_extra_fields_unicode_and_control_chars_are_harmless(
    upload: FlaskClient, store: MemoryStore
) -> None:
    extra = {"extra": {"nested": [1, {"a": None}]}, "owner": "someone-else", "state": "SUCCESS"}
    name = "../\x00Мой\u202e клип 🎬\ud800\n.mp4"
    data = json.dumps({**GOOD, **extra, "filename": name, "topic": "  домашняя\nвыпечка\x07 "})
    response = upload.post("/", data=data, headers=AUTH)
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = store.docs[response.get_json()["job_id"]]
    assert doc["filename"] == "Мой клип 🎬.mp4"
    assert doc["topic"] == "домашняя выпечка"
    assert doc["owner"] == "u1" and doc["state"] == "PENDING" and "extra" not in doc
    assert json.dumps(doc, default=str, ensure_ascii=False).encode("utf-8")  # storable as UTF-8


def test_a_long_file_name_under_16_kb_is_cut_and_keeps_its_extension(
    upload: FlaskClient, store: MemoryStore
) -> None:
    data = json.dumps({**GOOD, "filename": "к" * 7000 + ".mp4"}, ensure_ascii=False)
    assert len(data.encode()) < MAX_REQUEST_BYTES
    response = upload.post("/", data=data.encode(), headers=AUTH)
    assert response.status_code == 201, response.get_data(as_text=True)
    filename = store.docs[response.get_json()["job_id"]]["filename"]
    assert len(filename) == MAX_FILENAME and filename.endswith(".mp4")


MALFORMED_IDS = [
    "__x__", "_" * 32, "__" + "a" * 28 + "__", "." * 32, "..", ".", "a" * 31, "a" * 33,
    "a" * 32 + "%0A", "a" * 31 + "%00", "a" * 31 + "=", "я" * 32, "%2E%2E%2Fetc%2Fpasswd",
    "a" * 16 + "%20" + "a" * 15, "x" * 5000,
]  # fmt: skip


@pytest.mark.parametrize("job_id", MALFORMED_IDS)
def test_status_answers_404_for_malformed_ids_without_asking_the_store(
    status: FlaskClient, jobs_store: RecordingStore, job_id: str
) -> None:
    assert_russian_error(status.get(f"/{job_id}"), 404, "not_found")
    assert_russian_error(status.get("/", query_string={"job_id": job_id}), 404, "not_found")
    assert jobs_store.asked == []


def test_status_finds_a_job_and_404s_an_unknown_one(
    status: FlaskClient, jobs_store: RecordingStore
) -> None:
    job_id = "A" * 32
    jobs_store.docs[job_id] = job_doc()
    answer = status.get(f"/{job_id}")
    assert answer.status_code == 200 and answer.get_json()["state"] == "PENDING"
    assert_russian_error(status.get("/" + "B" * 32), 404, "not_found")
    assert_russian_error(status.get("/"), 404, "not_found")


def test_status_404s_an_id_the_store_refuses_but_500s_an_outage(
    status: FlaskClient, jobs_store: RecordingStore
) -> None:
    jobs_store.error = api.InvalidArgument("Document id is invalid")
    assert_russian_error(status.get("/" + "A" * 32), 404, "not_found")
    for outage in (
        api.ServiceUnavailable("down"),
        api.DeadlineExceeded("slow"),
        api.PermissionDenied("no"),
        RuntimeError("bug"),
    ):
        jobs_store.error = outage
        assert_russian_error(status.get("/" + "A" * 32), 500, "internal")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_status_refuses_other_methods(status: FlaskClient, method: str) -> None:
    response = status.open("/" + "A" * 32, method=method, data=BIG)
    assert_russian_error(response, 405, "method_not_allowed")


def test_paths_the_framework_will_not_route_still_answer_json(
    upload: FlaskClient, status: FlaskClient
) -> None:
    """functions-framework answers /favicon.ico and a path with a line break itself."""
    for client in (upload, status):
        for path in ("/favicon.ico", "/robots.txt", "/a%0Ab"):
            assert_russian_error(client.get(path), 404, "not_found")


class Trickle(io.BytesIO):
    """A body that arrives a byte per read, as a socket may deliver it."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(1 if size and size > 0 else size)


def test_read_json_gathers_a_body_that_trickles_in() -> None:
    with flask.Flask(__name__).test_request_context(
        "/", method="POST", **chunked(Trickle(body().encode()))
    ):
        assert read_json(flask.request, MAX_REQUEST_BYTES) == GOOD


@pytest.mark.parametrize("declared", [True, False])
def test_after_a_413_nothing_is_left_for_the_framework_to_buffer(declared: bool) -> None:
    """functions-framework reads the rest of every body after the answer, into memory:
    the refused body has already been read and dropped in small pieces."""
    data = BIG.encode()
    options = {"data": data} if declared else chunked(io.BytesIO(data))
    with flask.Flask(__name__).test_request_context("/", method="POST", **options):
        with pytest.raises(BodyTooLarge):
            read_json(flask.request, MAX_REQUEST_BYTES)
        assert flask.request.get_data() == b""


def test_a_client_gone_mid_body_leaves_nothing_to_crash_on() -> None:
    app = flask.Flask(__name__)
    with app.test_request_context(
        "/", method="POST", data=BIG, environ_overrides={"CONTENT_LENGTH": str(20 * MB)}
    ):
        with pytest.raises(BodyTooLarge):
            read_json(flask.request, MAX_REQUEST_BYTES)
        assert flask.request.get_data() == b""  # functions-framework's read: no ClientDisconnected
