"""firestore.rules on the emulator: a signed-in user lists only their own jobs
("Мои разборы"), with a query that asks for them; a shared link (get by id) works for
anyone. The base cases (no list, no query, no writes for anonymous browsers) are in
tests/terraform/test_firestore_rules.py."""

from __future__ import annotations

import base64
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.emulators import FirestoreEmulator, free_port

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "reels-rules-owner"
ADMIN = {"Authorization": "Bearer owner"}


def token(uid: str) -> dict[str, str]:
    """An unsigned ID token of the kind the Auth emulator issues (the Firestore
    emulator reads request.auth from it)."""
    now = int(time.time())
    claims = {
        "sub": uid,
        "user_id": uid,
        "aud": PROJECT,
        "iss": f"https://securetoken.google.com/{PROJECT}",
        "iat": now,
        "exp": now + 3600,
        "firebase": {"sign_in_provider": "anonymous"},
    }
    parts = [
        base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=")
        for p in ({"alg": "none", "typ": "JWT"}, claims)
    ]
    return {"Authorization": f"Bearer {parts[0]}.{parts[1]}."}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with FirestoreEmulator(port=free_port(), rules=ROOT / "firestore.rules") as emulator:
        yield f"http://{emulator.host}/v1/projects/{PROJECT}/databases/(default)/documents"


def call(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def seed(base: str, owner: str) -> str:
    job_id = secrets.token_urlsafe(24)
    fields = {"state": {"stringValue": "SUCCESS"}, "owner": {"stringValue": owner}}
    status, body = call("POST", f"{base}/jobs?documentId={job_id}", {"fields": fields}, ADMIN)
    assert status == 200, body
    return job_id


def query(owner: str | None, limit: int | None = 50) -> dict[str, Any]:
    q: dict[str, Any] = {"from": [{"collectionId": "jobs"}]}
    if owner is not None:
        q["where"] = {
            "fieldFilter": {
                "field": {"fieldPath": "owner"},
                "op": "EQUAL",
                "value": {"stringValue": owner},
            }
        }
    if limit is not None:
        q["limit"] = limit
    return {"structuredQuery": q}


def test_a_user_lists_their_own_jobs(base: str) -> None:
    mine = {seed(base, "alice"), seed(base, "alice")}
    seed(base, "bob")
    status, rows = call("POST", f"{base}:runQuery", query("alice"), token("alice"))
    assert status == 200, rows
    found = {row["document"]["name"].rsplit("/", 1)[-1] for row in rows if "document" in row}
    assert found == mine


@pytest.mark.parametrize(
    ("owner", "limit", "who"),
    [
        ("bob", 50, "alice"),  # someone else's
        (None, 50, "alice"),  # everyone's
        ("alice", 500, "alice"),  # too many at once
        ("alice", 50, None),  # not signed in
    ],
)
def test_other_lists_are_denied(base: str, owner: str | None, limit: int, who: str | None) -> None:
    seed(base, "alice")
    seed(base, "bob")
    headers = token(who) if who else {}
    status, _ = call("POST", f"{base}:runQuery", query(owner, limit), headers)
    assert status == 403


def test_a_shared_link_works_for_anyone(base: str) -> None:
    job_id = seed(base, "alice")
    for headers in ({}, token("bob")):
        status, body = call("GET", f"{base}/jobs/{job_id}", headers=headers)
        assert status == 200, body


def test_quota_counters_are_not_readable(base: str) -> None:
    call(
        "POST", f"{base}/quotas?documentId=day", {"fields": {"count": {"integerValue": "1"}}}, ADMIN
    )
    status, _ = call("GET", f"{base}/quotas/day", headers=token("alice"))
    assert status == 403
