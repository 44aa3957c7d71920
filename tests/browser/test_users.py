"""The page's user: signed in anonymously on the first visit (Auth emulator), sends
its ID token to upload_url, lists its own jobs from Firestore ("Мои разборы"), and
explains a used-up quota."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devstack import media
from shared.core import quotas
from tests.browser.helpers import screen, screenshot, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.emulators]


def upload(page, stack, path: Path) -> str:
    page.goto(stack.web_url)
    wait_ready(page)
    page.set_input_files("#file-input", str(path))
    page.wait_for_function("location.hash.startsWith('#job=')", timeout=30_000)
    return page.evaluate("location.hash").removeprefix("#job=")


def test_the_page_signs_in_and_lists_the_users_jobs_from_firestore(
    new_page, stack, stack_env, tmp_path
):
    from shared.adapters.firestore_jobs import FirestoreJobStore
    from shared.core.settings import get_settings

    clip_mp4 = media.not_a_video(tmp_path)  # an .mp4 the server refuses after a real upload
    page = new_page()
    sent: list[str] = []
    page.on(
        "request",
        lambda r: (
            sent.append(r.headers.get("authorization", ""))
            if r.url.startswith(stack.upload_url_endpoint) and r.method == "POST"
            else None
        ),
    )
    job_id = upload(page, stack, clip_mp4)
    page.wait_for_selector("#screen-error:not([hidden])", timeout=60_000)
    assert sent and sent[0].startswith("Bearer ey"), sent
    owner = FirestoreJobStore(get_settings()).get(job_id)["owner"]
    assert owner  # the uid the page signed in as

    # A new tab of the same browser: same user. The local list is gone, Firestore still
    # has the job, so "Мои разборы" shows it.
    page.evaluate("localStorage.clear()")
    page.goto(stack.web_url)
    wait_ready(page)
    page.wait_for_function("document.documentElement.dataset.history === 'loaded'")
    assert page.is_visible("#recent")
    assert page.inner_text("#h-recent") == "Мои разборы"
    assert clip_mp4.name in page.inner_text("#recent-list")
    screenshot(page, "my-jobs")

    # Another user (another browser profile) does not see it.
    other = new_page()
    other.goto(stack.web_url)
    wait_ready(other)
    other.wait_for_function("document.documentElement.dataset.history === 'loaded'")
    assert clip_mp4.name not in other.inner_text("#recent-list")


def test_a_used_up_quota_is_explained(new_page, stack, stack_env, tmp_path):
    from google.cloud import firestore

    from shared.core.settings import get_settings

    settings = get_settings()
    counter = (
        firestore.Client(project=settings.google_cloud_project)
        .collection(settings.quotas_collection)
        .document(quotas.service_doc_id(datetime.now(UTC)))
    )
    before = counter.get().to_dict()
    counter.set({"count": 10**9}, merge=True)  # the service's day is used up
    try:
        page = new_page()
        page.goto(stack.web_url)
        wait_ready(page)
        page.set_input_files("#file-input", str(media.webm_clip(tmp_path).path))
        page.wait_for_selector("#screen-error:not([hidden])", timeout=30_000)
        assert screen(page) == "error"
        assert page.get_attribute("#main", "data-error") == "quota_service"
        assert "00:00 UTC" in page.inner_text("#error-message")
        assert page.inner_text("#error-title") == "Сервис перегружен на сегодня"
        screenshot(page, "quota")
    finally:
        counter.set({"count": (before or {}).get("count", 0)}, merge=True)
    assert json.dumps(page.evaluate("location.hash")) == '""'  # no job was made


def test_a_jobs_file_name_is_shown_to_its_owner_only(new_page, stack, stack_env, tmp_path):
    """Issue 20 item 5: the file name lives in the job's private document; the owner's
    page reads it there, a shared link's viewer (another user) is refused it."""
    from shared.adapters.firestore_jobs import FirestoreJobStore
    from shared.core import jobs
    from shared.core.settings import get_settings
    from tests.browser.test_stack import SAMPLE_RESULT
    from tests.factories import job_doc

    owner_page = new_page()
    first = upload(owner_page, stack, media.not_a_video(tmp_path))  # to learn the page's uid
    uid = FirestoreJobStore(get_settings()).get(first)["owner"]
    store = FirestoreJobStore(get_settings())
    job_id = jobs.new_job_id()
    now = datetime.now(UTC)
    done = jobs.success_update(SAMPLE_RESULT, now)
    store.create(job_id, job_doc(now, owner=uid, filename="мой-клип.mp4", **done))

    for page, shown in ((owner_page, "мой-клип.mp4"), (new_page(), "")):
        page.goto(f"{stack.web_url}/#job={job_id}")
        wait_ready(page)
        page.wait_for_selector("#screen-result:not([hidden])")
        page.wait_for_function("document.documentElement.dataset.history === 'loaded'")
        if shown:
            page.wait_for_function(
                f"document.getElementById('result-file').textContent === {json.dumps(shown)}"
            )
        page.wait_for_timeout(1000)  # the private document's answer (refused) has come
        assert page.inner_text("#result-file") == shown
