"""upload_url and status on garbage: every answer is a 4xx JSON error in Russian,
never a 500, and nothing is parsed past 16 KB. The functions are called directly in a
Flask request context, with in-memory parts behind them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import flask
import pytest

from shared.core.identity import Identity, InvalidToken
from shared.core.jobs import is_job_id, new_job_id
from shared.core.settings import Settings
from shared.core.validation import MAX_FILENAME, clean_filename
from shared.orchestration.uploads import Uploads
from tests.fakes.memory import MemoryQuotas, MemoryStorage, MemoryStore

ROOT = Path(__file__).resolve().parents[2]
APP = flask.Flask(__name__)
GOOD = {"filename": "a.mp4", "content_type": "video/mp4", "size": 1000}


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"fn_{name}", ROOT / "functions" / name / "main.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Verifier:
    def verify(self, token: str) -> Identity:
        if token != "good":
            raise InvalidToken("bad token")
        return Identity("u1", True)


@pytest.fixture(scope="module")
def upload_url() -> ModuleType:
    module = load("upload_url")
    settings = Settings(_env_file=None, quota_user_daily=1000)
    module._uploads = Uploads(settings, MemoryStore(), MemoryStorage(), MemoryQuotas())
    module._verifier = Verifier()
    return module


def call(module: ModuleType, data: bytes | str, headers: dict[str, str] | None = None) -> Any:
    with APP.test_request_context(
        "/", method="POST", data=data, headers={"Authorization": "Bearer good", **(headers or {})}
    ):
        return module.upload_url(flask.request)


GARBAGE: list[tuple[str, bytes | str, int]] = [
    ("deep nesting", "[" * 100_000 + "]" * 100_000, 413),  # over 16 KB: refused unparsed
    ("deep but small", "[" * 5000 + "]" * 5000, 400),
    ("not JSON", "{not json", 400),
    ("invalid UTF-8", b"\xff\xfe{", 400),
    ("a list", "[1, 2]", 400),
    ("a number", "42", 400),
    ("a string", '"hi"', 400),
    ("null", "null", 400),
    ("size as text", json.dumps({**GOOD, "size": "1000"}), 400),
    ("size true", json.dumps({**GOOD, "size": True}), 400),
    ("size float", json.dumps({**GOOD, "size": 1.5}), 400),
    ("negative size", json.dumps({**GOOD, "size": -1}), 400),
    ("huge size", json.dumps({**GOOD, "size": 10**30}), 413),
    ("unknown type", json.dumps({**GOOD, "content_type": "application/x-sh"}), 415),
    ("bad language", json.dumps({**GOOD, "language": "xx"}), 400),
    ("control chars only", json.dumps({**GOOD, "filename": "\x00\x01"}), 400),
    ("topic too long", json.dumps({**GOOD, "topic": "я" * 201}), 400),
    ("topic not text", json.dumps({**GOOD, "topic": ["a"]}), 400),
    ("10 MB body", json.dumps({**GOOD, "filename": "x" * 10_000_000}), 413),
]


@pytest.mark.parametrize(("case", "data", "status"), GARBAGE, ids=[g[0] for g in GARBAGE])
def test_garbage_gets_a_russian_4xx(upload_url, case: str, data: bytes | str, status: int) -> None:
    response = call(upload_url, data)
    assert response.status_code == status, (case, response.get_data(as_text=True)[:200])
    error = response.get_json()["error"]
    assert set(error) == {"code", "message"} and any(
        "а" <= ch <= "я" for ch in error["message"].lower()
    )


def test_a_good_request_with_extra_fields_and_a_topic_is_accepted(upload_url) -> None:
    body = {**GOOD, "extra": {"nested": [1, 2]}, "topic": "  домашняя\nвыпечка  "}
    response = call(upload_url, json.dumps(body))
    assert response.status_code == 201, response.get_data(as_text=True)
    job_id = response.get_json()["job_id"]
    assert upload_url._uploads.store.docs[job_id]["topic"] == "домашняя выпечка"


def test_without_a_valid_token_nothing_is_read(upload_url) -> None:
    for header in ({"Authorization": ""}, {"Authorization": "Bearer bad"}):
        response = call(upload_url, json.dumps(GOOD), header)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "auth_required"


def test_a_huge_file_name_is_cut_before_it_is_filtered() -> None:
    name = "клип" * 2_000_000 + ".mp4"
    cleaned = clean_filename(name)
    assert cleaned.endswith(".mp4") and len(cleaned) == MAX_FILENAME


@pytest.mark.parametrize(
    "job_id", ["__x__", "_" * 32, "__" + "a" * 28 + "__", "a" * 32 + "\n", "a" * 31, "../" * 11, ""]
)
def test_malformed_or_reserved_ids_are_not_ours(job_id: str) -> None:
    assert not is_job_id(job_id) or (job_id == "_" * 32 and False)


def test_status_answers_404_for_every_malformed_id() -> None:
    status = load("status")
    status._store = MemoryStore()
    for job_id in ("__x__", "__" + "a" * 28 + "__", "%00", "a" * 32 + "\n", "x" * 5000):
        with APP.test_request_context(f"/{job_id}", method="GET"):
            response = status.status(flask.request)
        assert response.status_code == 404, job_id
        assert response.get_json()["error"]["code"] == "not_found"


def test_new_ids_are_always_valid() -> None:
    assert all(is_job_id(new_job_id()) for _ in range(2000))
