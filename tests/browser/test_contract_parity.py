"""One contract for every client: the page's own status and file-check code, fed the
same table as the Python source of truth, gives the same answers. The page's copy of
the contract is generated from Python at build time; a stale copy fails here too."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shared.core import jobs
from shared.core.contract import contract, limits
from shared.core.settings import Settings
from shared.core.validation import Rejection, validate_upload_request

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def _docs() -> list[dict[str, Any]]:
    grace, stale = jobs.UPLOAD_GRACE, jobs.STALE_AFTER
    second = timedelta(seconds=1)
    result = {"original": {"transcription": "x", "translation": None}}
    return [
        {},
        {"state": "PENDING", "progress": 0, "stage": "pending"},
        {"state": "PENDING", "upload_expires_at": NOW - grace - second},
        {"state": "PENDING", "upload_expires_at": NOW - grace + second, "status": "Ждём"},
        {"state": "PENDING", "upload_expires_at": {"__ts": (NOW - grace - second).isoformat()}},
        {"state": "PROGRESS", "progress": 40, "stage": "transcribing", "updated_at": NOW},
        {
            "state": "PROGRESS",
            "progress": 40,
            "stage": "transcribing",
            "updated_at": NOW - stale - second,
        },
        {
            "state": "PROGRESS",
            "progress": 40,
            "updated_at": {"__ts": (NOW - stale + second).isoformat()},
        },
        {"state": "PROGRESS", "progress": 140, "status": "много"},
        {"state": "PROGRESS", "progress": -5, "stage": "no_such_stage"},
        {"state": "PROGRESS", "progress": None, "stage": "measuring"},
        {"state": "PROGRESS", "progress": "55", "stage": "reading_text"},
        {"state": "SUCCESS", "progress": 90, "result": result, "status": "Готово!"},
        {"state": "SUCCESS", "progress": 100, "result": result, "stage": "done"},
        {"state": "FAILURE", "progress": 40},
        {"state": "FAILURE", "progress": 40, "error": {"code": "ai_blocked", "message": "Нет."}},
        {"state": "FAILURE", "error": {"code": "x"}},
        {"state": "WHATEVER", "progress": 10},
        {"state": "SUCCESS", "upload_expires_at": NOW - grace - second, "result": result},
    ]


def _json(value: Any) -> Any:
    """What Firestore would hand each client: datetimes as ISO strings for JSON."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _python_doc(doc: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in doc.items():
        out[key] = (
            datetime.fromisoformat(value["__ts"])
            if isinstance(value, dict) and "__ts" in value
            else value
        )
    return out


FILES = [
    ({"name": "a.avi", "type": "video/x-msvideo", "size": 10}, "video/x-msvideo", 10),
    ({"name": "a.mp4", "type": "video/mp4", "size": 0}, "video/mp4", 0),
    (
        {"name": "a.mp4", "type": "video/mp4", "size": 101 * 1024 * 1024},
        "video/mp4",
        101 * 1024 * 1024,
    ),
    ({"name": "a.mov", "type": "", "size": 5}, "video/quicktime", 5),
]


def _node(payload: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        ["node", "tools/parity-runner.mjs"],
        cwd=WEB,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return dict(json.loads(proc.stdout))


def _generate_contract() -> None:
    generated = WEB / "src" / "generated" / "contract.json"
    generated.parent.mkdir(parents=True, exist_ok=True)
    if not generated.exists():  # normally web/build.sh writes it
        generated.write_text(json.dumps(contract(), ensure_ascii=False))


def test_the_pages_contract_is_pythons() -> None:
    _generate_contract()
    generated = json.loads((WEB / "src" / "generated" / "contract.json").read_text())
    assert generated == json.loads(json.dumps(contract())), "rebuild the page: make web"


def test_status_from_a_document_is_the_same_in_the_page_and_in_python() -> None:
    _generate_contract()
    docs = _docs()
    answers = _node(
        {"statuses": [{"doc": _json(d), "now": NOW.isoformat()} for d in docs], "files": []}
    )
    for doc, page in zip(docs, answers["statuses"], strict=True):
        python = jobs.public_status(_python_doc(doc), NOW).to_json()
        assert page == json.loads(json.dumps(python, default=str)), doc


def test_file_checks_say_what_upload_url_would() -> None:
    _generate_contract()
    settings = Settings(_env_file=None)
    config = limits(settings)
    answers = _node({"statuses": [], "files": [{"file": f, "config": config} for f, _, _ in FILES]})
    for (file, content_type, size), page in zip(FILES, answers["files"], strict=True):
        body = {"filename": file["name"], "content_type": content_type, "size": size}
        server = validate_upload_request(body, max_bytes=settings.max_file_size_bytes)
        if isinstance(server, Rejection):
            assert page == {"code": server.code, "message": server.message}, file
        else:
            assert page is None, file
