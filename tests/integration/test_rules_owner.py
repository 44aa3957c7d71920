"""firestore.rules on the emulator, with jobs written by the real store: a shared link
(get by id) works for anyone and shows only the public document (issue 20 item 5:
before, the owner's uid, file name, topic and object came with it); the private
document is its owner's only, and a signed-in user lists only their own jobs ("Мои
разборы"), with a query that asks for them. The base cases (no list, no query, no
writes for anonymous browsers) are in tests/terraform/test_firestore_rules.py."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.emulators import FirestoreEmulator, free_port
from shared.adapters.firestore_jobs import FirestoreJobStore
from shared.core import jobs
from shared.core.settings import Settings
from tests.factories import job_doc

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


PRIVATE = Settings(_env_file=None).private_jobs_collection  # type: ignore[call-arg]
# What only the owner (and the functions) may see: upload_url writes them all.
PRIVATE_FIELDS = ("owner", "filename", "topic", "object", "claim", "quota_docs", "frames_token")


@pytest.fixture(scope="module")
def emulator() -> Iterator[FirestoreEmulator]:
    with FirestoreEmulator(port=free_port(), rules=ROOT / "firestore.rules") as running:
        yield running


@pytest.fixture(scope="module")
def base(emulator: FirestoreEmulator) -> str:
    return f"http://{emulator.host}/v1/projects/{PROJECT}/databases/(default)/documents"


@pytest.fixture(scope="module")
def store(emulator: FirestoreEmulator) -> Iterator[FirestoreJobStore]:
    """The functions' store (admin: rules do not apply to it) on this emulator."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FIRESTORE_EMULATOR_HOST", emulator.host)
        yield FirestoreJobStore(Settings(_env_file=None, google_cloud_project=PROJECT))  # type: ignore[call-arg]


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


def seed(store: FirestoreJobStore, owner: str) -> str:
    """A job as upload_url creates it, claimed by a worker (the claim is private too)."""
    job_id = jobs.new_job_id()
    private = {"owner": owner, "topic": "выпечка", "quota_docs": [f"user-{owner}"]}
    store.create(job_id, job_doc(object_name=f"uploads/{job_id}", filename="мой.mp4", **private))
    assert store.claim(job_id, generation="1", token="worker")[0] is jobs.ClaimDecision.RUN
    return job_id


def query(owner: str | None, limit: int | None = 50, collection: str = PRIVATE) -> dict[str, Any]:
    q: dict[str, Any] = {"from": [{"collectionId": collection}]}
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


def test_a_user_lists_their_own_jobs(base: str, store: FirestoreJobStore) -> None:
    mine = {seed(store, "alice"), seed(store, "alice")}
    seed(store, "bob")
    status, rows = call("POST", f"{base}:runQuery", query("alice"), token("alice"))
    assert status == 200, rows
    found = {row["document"]["name"].rsplit("/", 1)[-1]: row["document"] for row in rows}
    assert set(found) == mine
    for doc in found.values():  # what "Мои разборы" shows
        fields = doc["fields"]
        assert fields["filename"] == {"stringValue": "мой.mp4"}
        assert fields["state"] == {"stringValue": "PROGRESS"}
        assert "created_at" in fields


@pytest.mark.parametrize(
    ("owner", "limit", "who", "collection"),
    [
        ("bob", 50, "alice", PRIVATE),  # someone else's
        (None, 50, "alice", PRIVATE),  # everyone's
        ("alice", 500, "alice", PRIVATE),  # too many at once
        ("alice", 50, None, PRIVATE),  # not signed in
        ("alice", 50, "alice", "jobs"),  # public documents are never listed
    ],
)
def test_other_lists_are_denied(
    base: str,
    store: FirestoreJobStore,
    owner: str | None,
    limit: int,
    who: str | None,
    collection: str,
) -> None:
    seed(store, "alice")
    seed(store, "bob")
    headers = token(who) if who else {}
    status, _ = call("POST", f"{base}:runQuery", query(owner, limit, collection), headers)
    assert status == 403


def test_a_shared_link_works_for_anyone_and_shows_nothing_private(
    base: str, store: FirestoreJobStore
) -> None:
    """Before: the public get returned the owner's uid, file name, topic, claim and object."""
    job_id = seed(store, "alice")
    for headers in ({}, token("bob"), token("alice")):
        status, body = call("GET", f"{base}/jobs/{job_id}", headers=headers)
        assert status == 200, body
        fields = body["fields"]
        assert fields["state"] == {"stringValue": "PROGRESS"}
        assert not set(fields) & set(PRIVATE_FIELDS), sorted(fields)
        assert set(fields) <= jobs.PUBLIC_FIELDS, sorted(fields)


def test_the_private_document_is_its_owners_only(base: str, store: FirestoreJobStore) -> None:
    job_id = seed(store, "alice")
    status, body = call("GET", f"{base}/{PRIVATE}/{job_id}", headers=token("alice"))
    assert status == 200, body
    assert set(PRIVATE_FIELDS) <= set(body["fields"])
    assert body["fields"]["filename"] == {"stringValue": "мой.mp4"}
    for headers in ({}, token("bob")):
        status, _ = call("GET", f"{base}/{PRIVATE}/{job_id}", headers=headers)
        assert status == 403
    # The functions read the job whole, as before the split.
    doc = store.get(job_id)
    assert doc is not None and doc["owner"] == "alice" and doc["claim"]["token"] == "worker"


def test_quota_counters_are_not_readable(base: str) -> None:
    call(
        "POST", f"{base}/quotas?documentId=day", {"fields": {"count": {"integerValue": "1"}}}, ADMIN
    )
    status, _ = call("GET", f"{base}/quotas/day", headers=token("alice"))
    assert status == 403


def test_the_store_reads_both_documents_where_the_sweep_needs_them(
    store: FirestoreJobStore,
) -> None:
    """The sweep finds a frame's job by its frames token (frames no longer name the job),
    and judges running jobs by their claim and attempts (private fields)."""
    job_id = seed(store, "alice")
    doc = store.get(job_id)
    assert doc is not None
    found = store.by_frames(doc["frames_token"])
    assert found is not None and found["owner"] == "alice" and found["state"] == "PROGRESS"
    assert store.by_frames(jobs.new_job_id()) is None
    running = dict(store.running(100))
    assert running[job_id]["claim"]["token"] == "worker" and running[job_id]["attempts"] == 1
    # The job ended: the private document says so too ("Мои разборы" shows its state).
    assert store.fail(job_id, "worker", "analysis_failed", "x")
    private = store.client.collection(PRIVATE).document(job_id).get().to_dict()
    assert private is not None and private["state"] == "FAILURE" and private["claim"] is None
    assert "error" not in private and "status" not in private
