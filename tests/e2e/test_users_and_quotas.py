"""upload_url on the local stack: signed-in users only (Firebase Auth emulator), and
daily quotas counted in one Firestore transaction before any URL is signed."""

from __future__ import annotations

import base64
import json
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from shared.core.identity import Identity
from tests.e2e.helpers import auth, request_upload

BODY = {"filename": "a.mp4", "content_type": "video/mp4", "size": 1000}


def test_no_or_bad_token_is_refused_in_russian(stack):
    unsigned_for_other_project = (
        ".".join(
            base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")
            for part in (
                {"alg": "none"},
                {
                    "aud": "someone-else",
                    "iss": "https://securetoken.google.com/someone-else",
                    "sub": "u",
                    "iat": int(time.time()),
                    "exp": int(time.time()) + 3600,
                },
            )
        )
        + "."
    )

    def unsigned(**claims: object) -> str:
        now = int(time.time())
        full = {
            "aud": stack.project,
            "iss": f"https://securetoken.google.com/{stack.project}",
            "sub": "u",
            "iat": now,
            "exp": now + 3600,
            **claims,
        }
        return (
            ".".join(
                base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")
                for part in ({"alg": "none"}, full)
            )
            + "."
        )

    for headers in (
        # before: 500s (a "/" in the quota's document id; a firebase claim with no .get)
        {"Authorization": f"Bearer {unsigned(sub='a/b')}"},
        {"Authorization": f"Bearer {unsigned(firebase='anonymous')}"},
        # before: gunicorn's HTML 431 (over 8190 bytes a header)
        {"Authorization": "Bearer " + "a" * 9000},
        {"Authorization": "Bearer " + "a" * 40000},
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": f"Bearer {unsigned_for_other_project}"},
    ):
        answer = requests.post(stack.upload_url_endpoint, json=BODY, headers=headers, timeout=10)
        assert answer.status_code == 401, (headers, answer.text)
        error = answer.json()["error"]
        assert error["code"] == "auth_required" and "вход" in error["message"]


def test_the_job_records_its_owner(stack, stack_env):
    from shared.adapters.firestore_jobs import FirestoreJobStore
    from shared.core.settings import get_settings

    signed_up = stack.auth.sign_up()
    job = request_upload(stack, "a.mp4", "video/mp4", 1000, token=signed_up["idToken"])
    doc = FirestoreJobStore(get_settings()).get(job["job_id"])
    assert doc is not None and doc["owner"] == signed_up["localId"]


def test_a_user_over_the_daily_quota_gets_429_with_retry_after(stack):
    token = stack.sign_up()
    for _ in range(5):  # QUOTA_USER_DAILY in the test stack
        request_upload(stack, "a.mp4", "video/mp4", 1000, token=token)
    answer = requests.post(
        stack.upload_url_endpoint, json=BODY, headers=auth(stack, token), timeout=10
    )
    assert answer.status_code == 429
    error = answer.json()["error"]
    assert error["code"] == "quota_user"
    assert "не больше 5 видео в день" in error["message"] and "00:00 UTC" in error["message"]
    assert 0 < int(answer.headers["Retry-After"]) <= 24 * 3600
    # Another user still may.
    request_upload(stack, "a.mp4", "video/mp4", 1000)


def test_fifty_parallel_requests_never_overshoot(stack, stack_env):
    """50 requests of one user at once against a limit of 5, through the real
    transaction on the Firestore emulator: exactly 5 jobs, the rest refused."""
    token = stack.sign_up()

    def ask(_: int) -> int:
        return requests.post(
            stack.upload_url_endpoint, json=BODY, headers=auth(stack, token), timeout=120
        ).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(ask, range(50)))
    assert codes.count(201) == 5, codes
    assert set(codes) <= {201, 429, 500}, codes
    assert codes.count(429) >= 40, codes


def test_service_quota_counts_every_user(stack_env):
    """The Uploads core with a service limit of 3 on the real Firestore emulator."""
    from shared.adapters.firestore_jobs import FirestoreJobStore
    from shared.adapters.firestore_quotas import FirestoreQuotaStore
    from shared.adapters.storage import GcsStorage
    from shared.core.settings import get_settings
    from shared.orchestration.uploads import Uploads

    settings = get_settings().model_copy(
        update={"quota_service_daily": 3, "quotas_collection": f"quotas-{time.time_ns()}"}
    )
    uploads = Uploads(
        settings, FirestoreJobStore(settings), GcsStorage(settings), FirestoreQuotaStore(settings)
    )
    answers = [
        uploads.create(BODY, identity=Identity(f"user-{i}", True), client_ip=f"10.0.0.{i}")
        for i in range(5)
    ]
    assert [a.status for a in answers] == [201, 201, 201, 429, 429]
    assert answers[-1].body["error"]["code"] == "quota_service"
