"""One contract for every client: the page's own contract code (web/src/status.js,
validate.js, contract.js), run under Node, answers the same tables as the Python
source of truth (jobs.public_status, validation.validate_upload_request,
messages.error_message / stage_message), and the page's copy of the contract is
what Python generates. No browser: web/tools/parity-runner.mjs answers the tables.

The page reads job documents from its Firestore listener (Timestamps) and must show
what polling `status` (public_status on the same document) would have shown.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.core import jobs, recovery
from shared.core.contract import EXTENSION_TYPES, contract, limits
from shared.core.messages import ErrorCode, Stage, error_message, stage_message
from shared.core.settings import Settings
from shared.core.validation import Rejection, validate_upload_request

WEB = Path(__file__).resolve().parents[2] / "web"
GENERATED = WEB / "src" / "generated" / "contract.json"
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MS, US = timedelta(milliseconds=1), timedelta(microseconds=1)
GRACE, STALE = jobs.UPLOAD_GRACE, jobs.STALE_AFTER
RESULT = {"original": {"transcription": "Привет", "translation": None}, "keys": []}

# How a moment reaches the page: a Firestore Timestamp from the listener, or an ISO
# string. JavaScript parses ISO strings to the millisecond, so a case that turns on
# microseconds is given as a Timestamp only.
BOTH = ("timestamp", "iso")
TIMESTAMP_ONLY = ("timestamp",)


def _written() -> list[tuple[str, dict[str, Any]]]:
    """Documents as the functions write them, through the jobs module's own updates."""
    created = NOW - timedelta(minutes=3)
    pending = jobs.new_job(
        object_name="uploads/" + "a" * 32,
        filename="клип.mp4",
        content_type="video/mp4",
        size=10,
        language="ru",
        now=created,
        upload_expires_at=created + timedelta(minutes=15),
        ttl=timedelta(days=7),
    )
    claimed = {
        **pending,
        **jobs.claim_update(
            pending, generation="1", token="t", now=created, lease=timedelta(minutes=2)
        ),
    }
    cases = [("written: new job", pending), ("written: claimed", claimed)]
    for stage in Stage:
        if stage not in (Stage.PENDING, Stage.RECEIVED, Stage.DONE, Stage.FAILED):
            update = jobs.stage_update(claimed, stage, NOW - timedelta(seconds=30))
            cases.append((f"written: {stage}", {**claimed, **(update or {})}))
    cases.append(("written: success", {**claimed, **jobs.success_update(RESULT, NOW)}))
    for code in (ErrorCode.NOT_A_VIDEO, ErrorCode.VIDEO_TOO_LONG, ErrorCode.AI_BLOCKED):
        message = error_message(code, duration=200, max_sec=180)
        cases.append((f"written: {code}", {**claimed, **jobs.failure_update(code, message, NOW)}))
    cases.append(("written: upload never came", {**pending, "upload_expires_at": NOW - GRACE - MS}))
    lapsed = {**pending, "upload_expires_at": NOW - GRACE - MS}
    renotified = recovery.renotify_update(lapsed, NOW - GRACE) or {}
    cases.append(("written: uploaded, never started", {**lapsed, **renotified}))
    cases.append(("written: worker gone", {**claimed, "updated_at": NOW - STALE - MS}))
    return cases


def _boundaries() -> list[tuple[str, dict[str, Any], tuple[str, ...]]]:
    """Each derived failure just before, at and just after its boundary."""
    cases: list[tuple[str, dict[str, Any], tuple[str, ...]]] = []
    for state, field, age in (
        ("PENDING", "upload_expires_at", GRACE),
        ("PROGRESS", "updated_at", STALE),
    ):
        for label, offset, encodings in (
            ("1 s before", -timedelta(seconds=1), BOTH),
            ("1 ms before", -MS, BOTH),
            ("at", timedelta(0), BOTH),
            ("1 µs after", US, TIMESTAMP_ONLY),
            ("1 ms after", MS, BOTH),
            ("a day after", timedelta(days=1), BOTH),
        ):
            doc = {
                "state": state,
                "progress": 40,
                "stage": "transcribing",
                field: NOW - age - offset,
            }
            cases.append((f"{state} {field}: {label} the boundary", doc, encodings))
        cases.append((f"{state} without {field}", {"state": state, "progress": 40}, BOTH))
        cases.append((f"{state} with {field} None", {"state": state, field: None}, BOTH))
    old = NOW - timedelta(days=2)
    for state in ("SUCCESS", "FAILURE"):  # only PENDING and PROGRESS are ever derived
        doc = {"state": state, "upload_expires_at": old, "updated_at": old, "result": RESULT}
        cases.append((f"{state} long ago stays {state}", doc, BOTH))
    cases.append(
        (
            "PENDING long untouched, upload window open",
            {"state": "PENDING", "updated_at": old, "upload_expires_at": NOW},
            BOTH,
        )
    )
    cases.append(
        (
            "PROGRESS with an old upload window",
            {"state": "PROGRESS", "updated_at": NOW, "upload_expires_at": old},
            BOTH,
        )
    )
    return cases


def _odd() -> list[tuple[str, dict[str, Any]]]:
    """Missing and out-of-range fields: what no version of us writes, read the same."""
    return [
        ("empty document", {}),
        ("state only", {"state": "PROGRESS"}),
        ("state empty", {"state": "", "progress": 3}),
        ("state None", {"state": None}),
        ("state unknown", {"state": "WHATEVER", "progress": 10}),
        ("state lower case", {"state": "success", "result": RESULT}),
        ("state not a string", {"state": 3}),
        ("progress above 100", {"state": "PROGRESS", "progress": 140, "status": "много"}),
        ("progress below 0", {"state": "PROGRESS", "progress": -5}),
        ("progress None", {"state": "PROGRESS", "progress": None, "stage": "measuring"}),
        ("progress a numeric string", {"state": "PROGRESS", "progress": "55"}),
        ("progress a padded signed string", {"state": "PROGRESS", "progress": " +7 "}),
        ("progress a decimal string", {"state": "PROGRESS", "progress": "55.5"}),
        ("progress a word", {"state": "PROGRESS", "progress": "half"}),
        ("progress a float", {"state": "PROGRESS", "progress": 55.9}),
        ("progress a negative float", {"state": "PROGRESS", "progress": -0.5}),
        ("progress true", {"state": "PROGRESS", "progress": True}),
        ("progress a list", {"state": "PROGRESS", "progress": [50]}),
        ("no status: the stage's text", {"state": "PROGRESS", "stage": "writing"}),
        ("no status, unknown stage", {"state": "PROGRESS", "stage": "no_such_stage"}),
        ("no status, stage toString", {"state": "PROGRESS", "stage": "toString"}),
        ("empty status and stage", {"state": "PROGRESS", "status": "", "stage": ""}),
        ("status an empty list", {"state": "PROGRESS", "status": [], "stage": "probing"}),
        ("SUCCESS below 100", {"state": "SUCCESS", "progress": 90, "result": RESULT}),
        ("SUCCESS without result", {"state": "SUCCESS", "progress": 100, "stage": "done"}),
        ("SUCCESS with result None", {"state": "SUCCESS", "result": None}),
        ("FAILURE without error", {"state": "FAILURE", "progress": 40}),
        ("FAILURE error without message", {"state": "FAILURE", "error": {"code": "x"}}),
        (
            "FAILURE error empty message",
            {"state": "FAILURE", "error": {"code": "x", "message": ""}},
        ),
        ("FAILURE error a string", {"state": "FAILURE", "error": "сломалось"}),
        ("FAILURE error a list", {"state": "FAILURE", "error": ["x"]}),
        (
            "FAILURE error with more fields",
            {
                "state": "FAILURE",
                "progress": 65,
                "error": {"code": "ai_blocked", "message": "Нет.", "at": "x"},
            },
        ),
    ]


CASES: list[tuple[str, dict[str, Any], str]] = [
    *((name, doc, encoding) for name, doc in _written() for encoding in BOTH),
    *((name, doc, encoding) for name, doc, encodings in _boundaries() for encoding in encodings),
    *((name, doc, encoding) for name, doc in _odd() for encoding in BOTH),
]


def _for_page(value: Any, encoding: str) -> Any:
    """A Python document as the page gets it: its datetimes as Timestamps or ISO strings."""
    if isinstance(value, dict):
        return {key: _for_page(item, encoding) for key, item in value.items()}
    if isinstance(value, datetime):
        if encoding == "iso":
            return value.isoformat()
        since = value - EPOCH
        return {"__timestamp": [since.days * 86400 + since.seconds, since.microseconds * 1000]}
    return value


# Upload requests both sides check: (browser's name, browser's type, size).
SETTINGS = [Settings(_env_file=None), Settings(_env_file=None, max_file_size_mb=5)]
FILES = [
    ("a.avi", "video/x-msvideo", 10),
    ("a.avi", "", 10),
    ("noextension", "", 10),
    ("a.txt", "text/plain", 0),  # the type is checked first
    ("a.mp4", "video/mp4", 0),
    ("a.mp4", "video/mp4", 1),
    ("a.mp4", "video/mp4; codecs=avc1", 1),
    ("a.mov", "", 5),
    ("a.M4V", "", 5),
    ("a.webm", "video/webm", 5),
    ("a.mp4", "video/mp4", 5 * 1024 * 1024),
    ("a.mp4", "video/mp4", 5 * 1024 * 1024 + 1),
    ("a.mp4", "video/mp4", 100 * 1024 * 1024),
    ("a.mp4", "video/mp4", 100 * 1024 * 1024 + 1),
]
FILE_CASES = [(file, settings) for settings in SETTINGS for file in FILES]

PARAMS = {"max_mb": 100, "languages": "ru, en", "max_chars": 200, "limit": 5, "wait": "3 ч"}
MESSAGES: list[tuple[str, dict[str, Any]]] = [
    *((code.value, {}) for code in ErrorCode),
    *((code.value, PARAMS) for code in ErrorCode),
    (ErrorCode.VIDEO_TOO_LONG.value, {"duration": 200, "max_sec": 180}),
    (ErrorCode.VIDEO_TOO_LONG.value, {"duration": 200}),  # one missing: left unfilled
    ("no_such_code", {}),
    ("toString", {}),
    ("", {}),
]
STAGES = [*(stage.value for stage in Stage), "no_such_stage", "", "constructor"]


@pytest.fixture(scope="module")
def page() -> dict[str, list[Any]]:
    """The page's answers to every table, from one Node run."""
    assert GENERATED.exists(), "web/build.sh writes web/src/generated/contract.json"
    payload = {
        "statuses": [
            {"doc": _for_page(doc, encoding), "now": NOW.isoformat()} for _, doc, encoding in CASES
        ],
        "files": [
            {"file": {"name": name, "type": type_, "size": size}, "config": limits(settings)}
            for (name, type_, size), settings in FILE_CASES
        ],
        "messages": [{"code": code, "params": params} for code, params in MESSAGES],
        "stages": STAGES,
    }
    proc = subprocess.run(
        ["node", "tools/parity-runner.mjs"],
        cwd=WEB,
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(json.loads(proc.stdout))


def test_the_pages_contract_is_what_python_generates() -> None:
    """A message changed in Python reaches the page only through web/build.sh."""
    assert GENERATED.exists(), "web/build.sh writes web/src/generated/contract.json"
    generated = json.loads(GENERATED.read_text(encoding="utf-8"))
    assert generated == json.loads(json.dumps(contract())), "stale copy: run `make web`"


@pytest.mark.parametrize(
    ("index", "case"),
    list(enumerate(CASES)),
    ids=[f"{name} [{encoding}]" for name, _, encoding in CASES],
)
def test_a_job_document_reads_the_same_in_the_page_and_in_status(
    page: dict[str, list[Any]], index: int, case: tuple[str, dict[str, Any], str]
) -> None:
    _, doc, _ = case
    python = jobs.public_status(doc, NOW).to_json()
    assert page["statuses"][index] == json.loads(json.dumps(python))


@pytest.mark.parametrize(
    ("index", "case"),
    list(enumerate(FILE_CASES)),
    ids=[
        f"{n} {t or '(no type)'} {s} B, max {c.max_file_size_mb} MB" for (n, t, s), c in FILE_CASES
    ],
)
def test_the_pages_file_check_says_what_upload_url_would(
    page: dict[str, list[Any]], index: int, case: tuple[tuple[str, str, int], Settings]
) -> None:
    (name, type_, size), settings = case
    # The page sends the browser's type, else the one its extension maps to.
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = type_ or EXTENSION_TYPES.get(extension, "")
    body = {"filename": name, "content_type": content_type, "size": size}
    server = validate_upload_request(body, max_bytes=settings.max_file_size_bytes)
    expected = (
        {"code": server.code, "message": server.message} if isinstance(server, Rejection) else None
    )
    assert page["files"][index] == expected


def test_error_messages_and_stage_texts_are_pythons(page: dict[str, list[Any]]) -> None:
    python = [error_message(code, **params) for code, params in MESSAGES]
    assert page["messages"] == python
    assert page["stages"] == [stage_message(stage) for stage in STAGES]
