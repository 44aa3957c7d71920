"""Bad uploads end in FAILURE with a clear Russian message, and the object is deleted."""

from __future__ import annotations

import pytest

from devstack import media
from tests.e2e.helpers import (
    auth,
    deleted,
    put_file,
    request_upload,
    upload_file,
    wait_for_end,
)

pytestmark = pytest.mark.emulators


def _cases(media_dir):
    good = media.no_audio(media_dir / "src")
    return {
        "not_a_video": (media.not_a_video(media_dir), "video/mp4"),
        "corrupt_video": (media.truncated(good.path, media_dir, 0.4), "video/mp4"),
        "video_too_long": (media.too_long(media_dir).path, "video/mp4"),
        "no_video_stream": (media.audio_only(media_dir), "video/mp4"),
    }


@pytest.mark.parametrize(
    "code", ["not_a_video", "corrupt_video", "video_too_long", "no_video_stream"]
)
def test_bad_file_fails_clearly_and_is_deleted(stack, media_dir, code):
    path, content_type = _cases(media_dir)[code]
    job = upload_file(stack, path, content_type)
    final, _ = wait_for_end(job["status_url"], timeout=120)
    assert final["state"] == "FAILURE"
    assert final["error"]["code"] == code
    message = final["error"]["message"]
    assert message == final["status"]
    assert any("а" <= ch.lower() <= "я" for ch in message)
    assert "result" not in final
    assert deleted(stack, f"uploads/{job['job_id']}")


def test_too_long_message_names_the_duration(stack, media_dir):
    job = upload_file(stack, media.too_long(media_dir).path, "video/mp4")
    final, _ = wait_for_end(job["status_url"], timeout=120)
    assert "200 с" in final["error"]["message"] and "180 с" in final["error"]["message"]


def test_empty_upload_fails_and_is_deleted(stack):
    # Cloud Storage would refuse it (the signed range starts at 1 byte); the
    # function must still cope if an empty object ever arrives.
    job = request_upload(stack, "empty.mp4", "video/mp4", 1)
    put_file(job["upload"], b"")
    final, _ = wait_for_end(job["status_url"], timeout=60)
    assert final["state"] == "FAILURE" and final["error"]["code"] == "empty_file"
    assert deleted(stack, f"uploads/{job['job_id']}")


def test_upload_url_rejects_bad_requests_in_russian(stack):
    import requests

    cases = [
        ({"filename": "a.avi", "content_type": "video/x-msvideo", "size": 10}, 415),
        ({"filename": "a.mp4", "content_type": "video/mp4", "size": 101 * 1024 * 1024}, 413),
        ({"filename": "a.mp4", "content_type": "video/mp4"}, 400),
    ]
    signed_in = auth(stack)
    for body, status in cases:
        answer = requests.post(stack.upload_url_endpoint, json=body, headers=signed_in, timeout=10)
        assert answer.status_code == status
        assert set(answer.json()["error"]) == {"code", "message"}
    answer = requests.post(
        stack.upload_url_endpoint, data=b"{not json", headers=signed_in, timeout=10
    )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "bad_request"
    assert requests.get(stack.upload_url_endpoint, timeout=10).status_code == 405


def test_cors_preflight_and_origins(stack):
    import requests

    for url in (stack.upload_url_endpoint, stack.status_endpoint + "x"):
        pre = requests.options(
            url,
            headers={"Origin": stack.web_url, "Access-Control-Request-Method": "POST"},
            timeout=10,
        )
        assert pre.status_code == 204
        assert pre.headers["Access-Control-Allow-Origin"] == stack.web_url
        assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
        assert "Authorization" in pre.headers["Access-Control-Allow-Headers"]
        other = requests.options(url, headers={"Origin": "https://evil.example"}, timeout=10)
        assert "Access-Control-Allow-Origin" not in other.headers
    localhost = stack.web_url.replace("127.0.0.1", "localhost")
    pre = requests.options(stack.upload_url_endpoint, headers={"Origin": localhost}, timeout=10)
    assert pre.headers["Access-Control-Allow-Origin"] == localhost


def test_status_unknown_and_malformed_ids_are_404(stack):
    import requests

    for job_id in ("A" * 32, "nope", "..%2F..%2Fetc"):
        answer = requests.get(stack.status_endpoint + job_id, timeout=10)
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"
