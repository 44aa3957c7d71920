"""firestore.rules against Google's Firestore emulator: a browser may get one job by id, no more.

The emulator enforces the rules for requests without admin credentials; `Bearer owner` is the
emulator's admin token (what the functions' service accounts are in production: they bypass
rules). Requests go through the REST API, as the web SDK's would.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tfconfig import ROOT

from devstack.emulators import FirestoreEmulator, free_port

PROJECT = "reels-rules-test"
ADMIN = {"Authorization": "Bearer owner"}

pytestmark = pytest.mark.emulators


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    emulator = FirestoreEmulator(port=free_port(), rules=ROOT / "firestore.rules")
    with emulator:
        yield f"http://{emulator.host}/v1/projects/{PROJECT}/databases/(default)/documents"


def call(
    method: str, url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def job_fields(state: str = "PENDING") -> dict[str, Any]:
    return {
        "fields": {
            "state": {"stringValue": state},
            "progress": {"integerValue": "0"},
            "expires_at": {"timestampValue": "2099-01-01T00:00:00Z"},
        }
    }


def seed(base: str, collection: str, doc_id: str) -> None:
    status, body = call(
        "POST", f"{base}/{collection}?documentId={doc_id}", job_fields(), headers=ADMIN
    )
    assert status == 200, body


@pytest.fixture()
def job_id(base: str) -> str:
    job = secrets.token_urlsafe(24)  # the shape shared.core.jobs.new_job_id() makes
    seed(base, "jobs", job)
    return job


def test_admin_seeding_works_and_rules_are_enforced(base: str, job_id: str) -> None:
    status, body = call("GET", f"{base}/jobs/{job_id}", headers=ADMIN)
    assert status == 200, body
    # Without a rule for it, even reading another collection is denied to a browser.
    seed(base, "other", job_id)
    status, _ = call("GET", f"{base}/other/{job_id}")
    assert status == 403


def test_browser_gets_a_job_by_id(base: str, job_id: str) -> None:
    status, body = call("GET", f"{base}/jobs/{job_id}")
    assert status == 200, body
    assert body["fields"]["state"] == {"stringValue": "PENDING"}
    assert body["name"].endswith(f"/jobs/{job_id}")


def test_browser_get_of_a_missing_job_is_not_found(base: str) -> None:
    status, _ = call("GET", f"{base}/jobs/{secrets.token_urlsafe(24)}")
    assert status == 404  # allowed, and simply absent


def test_browser_cannot_get_a_document_whose_id_is_not_a_job_token(base: str) -> None:
    seed(base, "jobs", "short-id")
    status, _ = call("GET", f"{base}/jobs/short-id")
    assert status == 403


def test_browser_cannot_list_jobs(base: str, job_id: str) -> None:
    status, _ = call("GET", f"{base}/jobs")
    assert status == 403
    status, body = call("GET", f"{base}/jobs", headers=ADMIN)
    assert status == 200 and body["documents"], body  # there is something to list


@pytest.mark.parametrize(
    "where",
    [
        None,
        {  # even a query for the very id the browser knows is a list, and denied
            "fieldFilter": {
                "field": {"fieldPath": "state"},
                "op": "EQUAL",
                "value": {"stringValue": "PENDING"},
            }
        },
    ],
)
def test_browser_cannot_query_jobs(base: str, job_id: str, where: dict[str, Any] | None) -> None:
    query: dict[str, Any] = {"from": [{"collectionId": "jobs"}]}
    if where:
        query["where"] = where
    status, _ = call("POST", f"{base}:runQuery", {"structuredQuery": query})
    assert status == 403
    status, body = call("POST", f"{base}:runQuery", {"structuredQuery": query}, headers=ADMIN)
    assert status == 200 and any("document" in row for row in body), body


def test_browser_cannot_create_jobs(base: str) -> None:
    new_id = secrets.token_urlsafe(24)
    status, _ = call("POST", f"{base}/jobs?documentId={new_id}", job_fields())
    assert status == 403
    status, _ = call("GET", f"{base}/jobs/{new_id}", headers=ADMIN)
    assert status == 404  # nothing was written


def test_browser_cannot_update_jobs(base: str, job_id: str) -> None:
    status, _ = call("PATCH", f"{base}/jobs/{job_id}", job_fields("SUCCESS"))
    assert status == 403
    status, body = call("GET", f"{base}/jobs/{job_id}", headers=ADMIN)
    assert body["fields"]["state"] == {"stringValue": "PENDING"}


def test_browser_cannot_delete_jobs(base: str, job_id: str) -> None:
    status, _ = call("DELETE", f"{base}/jobs/{job_id}")
    assert status == 403
    status, _ = call("GET", f"{base}/jobs/{job_id}", headers=ADMIN)
    assert status == 200


def test_rules_file_is_the_one_terraform_deploys() -> None:
    assert Path(ROOT / "firestore.rules").is_file()
    assert (
        'file("${path.module}/../firestore.rules")'
        in (ROOT / "terraform" / "firestore.tf").read_text()
    )
