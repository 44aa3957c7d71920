"""The page against the whole local stack (emulators, the three functions, the page).

Job documents written straight into the Firestore emulator show how the page
follows and renders a job (fast, and independent of the analyzer); the end-to-end
tests upload a generated video through the file input and wait for the real
analysis (offline analyzer locally: 10-40 s per video).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from devstack.media import english_captioned
from shared.adapters.firestore_jobs import FirestoreJobStore
from shared.core import jobs
from shared.core.schema import AnalysisResult
from shared.core.settings import get_settings
from tests.browser.checks import check_markdown, check_rendered, check_srt
from tests.browser.helpers import count_requests, screen, screenshot, wait_ready
from tests.browser.tcp_proxy import CuttableProxy
from tests.factories import job_doc

pytestmark = [pytest.mark.browser, pytest.mark.emulators]

ANALYSIS_TIMEOUT_MS = 180_000
RECORD_PROGRESS = """
window.__progress = { upload: [], analysis: [] };
document.addEventListener("DOMContentLoaded", () => {
  for (const [id, key] of [["upload-progress", "upload"], ["analysis-progress", "analysis"]]) {
    const bar = document.getElementById(id);
    new MutationObserver(() => window.__progress[key].push(Number(bar.value)))
      .observe(bar, { attributes: true, attributeFilter: ["value"] });
  }
});
"""

# A result with what a renderer gets wrong: a pipe and a line break in a cell,
# a row timed only by its `time` text, an empty on-screen text, categories repeated.
SAMPLE_RESULT = AnalysisResult.model_validate(
    {
        "original": {
            "transcription": "Three ways to cook rice.\nStep one: rinse it.",
            "translation": "Три способа сварить рис.\nШаг первый: промойте его.",
        },
        "keys": [{"title": f"Ключ {i}", "description": f"Почему работает, пункт {i}."} for i in range(1, 6)],
        "script": [
            {"time": "0:00-0:02", "start_sec": 0.0, "end_sec": 2.0, "visual": "Крупный план | кастрюля",
             "text": "ТРИ СПОСОБА", "note": "Голос: вопрос зрителю"},
            {"time": "0:02-0:04", "start_sec": 2.0, "end_sec": 3.6, "visual": "Рис в миске",
             "text": "", "note": "Звук воды\nи музыка"},
            {"time": "0:04-0:08", "start_sec": None, "end_sec": None, "visual": "Финальный кадр",
             "text": "Подпишись", "note": ""},
        ],
        "recommendations": [
            {"category": "Хук", "text": "Начните с вопроса."},
            {"category": "Звук", "text": "Добавьте тихую музыку."},
            {"category": "Хук", "text": "Покажите результат в первую секунду."},
        ],
        "meta": {"engine": "offline", "model": "whisper-base", "duration_sec": 8.0, "language": "en"},
    }
).model_dump(mode="json")  # fmt: skip


@pytest.fixture
def store(stack_env) -> FirestoreJobStore:
    return FirestoreJobStore(get_settings())


def new_doc(now: datetime, **fields: Any) -> dict[str, Any]:
    return job_doc(now, **{"filename": "рецепт риса.mp4", **fields})


def open_job(page: Page, stack, job_id: str) -> None:
    page.goto(f"{stack.web_url}/#job={job_id}")
    wait_ready(page)


def block_firestore(page: Page, stack) -> list[str]:
    """Abort every request to the Firestore emulator: the listener cannot connect."""
    blocked: list[str] = []

    def abort(route) -> None:
        blocked.append(route.request.url)
        route.abort()

    page.context.route(lambda url: stack.firestore_host in url, abort)
    return blocked


def download(page: Page, button: str) -> str:
    with page.expect_download() as info:
        page.click(button)
    return Path(info.value.path()).read_text(encoding="utf-8")


def status_json(stack, job_id: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{stack.status_endpoint}{job_id}", timeout=10) as response:
        return json.loads(response.read())


def wait_for(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


# ---- jobs written straight into Firestore ----------------------------------------


def test_live_progress_never_goes_back_and_result_renders(new_page, stack, store):
    now = datetime.now(UTC)
    job_id = jobs.new_job_id()
    store.create(job_id, new_doc(now))
    page = new_page()
    open_job(page, stack, job_id)
    page.wait_for_selector("#screen-analysis:not([hidden])")
    # The Firestore emulator can drop a change written while a listen is being set
    # up (seen under load: the next change arrives); write once the listener spoke.
    page.wait_for_function("document.getElementById('main').dataset.source === 'listener'")
    ref = store.client.collection("jobs").document(job_id)

    ref.update(
        {
            "state": "PROGRESS",
            "progress": 40,
            "stage": "transcribing",
            "status": "Распознаём речь...",
        }
    )
    page.wait_for_function(
        "document.getElementById('analysis-status').textContent === 'Распознаём речь...'"
    )
    assert page.get_attribute("#analysis-progress", "value") == "40"
    page.wait_for_timeout(500)  # let the bar's 0.3 s width transition finish
    screenshot(page, "analysis")
    # A redelivery starts over at a lower stage: the bar holds, the line follows.
    ref.update({"progress": 10, "stage": "downloading", "status": "Получаем видео..."})
    page.wait_for_function(
        "document.getElementById('analysis-status').textContent === 'Получаем видео...'"
    )
    assert page.get_attribute("#analysis-progress", "value") == "40"
    assert page.inner_text("#analysis-percent") == "40 %"

    ref.update(jobs.success_update(SAMPLE_RESULT, datetime.now(UTC)))
    page.wait_for_selector("#screen-result:not([hidden])")
    assert page.get_attribute("#main", "data-source") == "listener"
    check_rendered(page, SAMPLE_RESULT)
    # Opened by its link, by someone else: the file name is the owner's, not shown (issue
    # 20 item 5: it came with the public document), nor in the export.
    assert page.inner_text("#analysis-file") == page.inner_text("#result-file") == ""
    markdown = download(page, "#export-md")
    assert "рецепт риса" not in markdown
    check_markdown(markdown, SAMPLE_RESULT)
    check_srt(download(page, "#export-srt"), SAMPLE_RESULT)
    screenshot(page, "result-desktop")


def test_polling_takes_over_when_the_listener_is_blocked(new_page, stack, store):
    job_id = jobs.new_job_id()
    store.create(job_id, new_doc(datetime.now(UTC), state="PROGRESS", progress=25, stage="measuring",
                                 status="Измеряем монтаж, звук и текст в кадре..."))  # fmt: skip
    page = new_page(phone=True)
    blocked = block_firestore(page, stack)
    statuses = count_requests(page, stack.status_endpoint)
    open_job(page, stack, job_id)
    page.wait_for_function(
        "document.getElementById('analysis-status').textContent.startsWith('Измеряем')",
        timeout=20_000,
    )
    assert page.get_attribute("#main", "data-source") == "polling"
    assert blocked, "the page tried the Firestore emulator first"
    store.client.collection("jobs").document(job_id).update(
        jobs.success_update(SAMPLE_RESULT, datetime.now(UTC))
    )
    page.wait_for_selector("#screen-result:not([hidden])", timeout=30_000)
    assert len(statuses) >= 2
    check_rendered(page, SAMPLE_RESULT)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the result scrolls sideways on a phone ({width}px)"
    screenshot(page, "result-phone")


def test_polling_covers_a_connection_dropped_mid_job(new_page, stack, store):
    """The listener's connection drops while the job runs, without an error the SDK
    would notice: polling carries on, and stops once the listener is back."""
    job_id = jobs.new_job_id()
    store.create(job_id, new_doc(datetime.now(UTC), state="PROGRESS", progress=25,
                                 stage="measuring", status="Измеряем монтаж..."))  # fmt: skip
    ref = store.client.collection("jobs").document(job_id)
    page = new_page()
    with CuttableProxy("127.0.0.1", stack.ports.firestore) as proxy, heartbeat(ref, every=1.0):

        def through_proxy(route) -> None:
            config = route.fetch().json()
            emulator = {"host": "127.0.0.1", "port": proxy.port}
            # Heartbeats every second here: a listener silent for 4 s has lost them.
            route.fulfill(json={**config, "firestoreEmulator": emulator, "listenerSilenceSec": 4})

        page.route("**/config.json", through_proxy)
        statuses = count_requests(page, stack.status_endpoint)
        open_job(page, stack, job_id)
        page.wait_for_function("document.getElementById('main').dataset.source === 'listener'")
        page.wait_for_timeout(6000)
        assert statuses == [], "no polling while the listener hears the heartbeat"

        proxy.cut()
        ref.update({"progress": 40, "stage": "transcribing", "status": "Распознаём речь..."})
        page.wait_for_function(
            "document.getElementById('analysis-status').textContent === 'Распознаём речь...'",
            timeout=30_000,
        )
        assert page.get_attribute("#main", "data-source") == "polling"
        assert statuses, "the page asked the status endpoint"

        proxy.restore()
        page.wait_for_function(
            "document.getElementById('main').dataset.source === 'listener'", timeout=90_000
        )
        polled = len(statuses)
        page.wait_for_timeout(3000)
        assert len(statuses) <= polled + 1, "polling stopped once the listener was back"
        ref.update(jobs.success_update(SAMPLE_RESULT, datetime.now(UTC)))
        page.wait_for_selector("#screen-result:not([hidden])", timeout=30_000)
        check_rendered(page, SAMPLE_RESULT)


@contextmanager
def heartbeat(ref, every: float) -> Iterator[None]:
    """Touch the job document like a worker's lease heartbeat does."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            ref.update({"claim.lease_until": datetime.now(UTC) + timedelta(seconds=90)})

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("blocked", [False, True], ids=["listener", "polling"])
def test_failures_are_explained(new_page, stack, store, blocked: bool):
    now = datetime.now(UTC)
    failed, expired, unknown = jobs.new_job_id(), jobs.new_job_id(), jobs.new_job_id()
    message = "Видео повреждено или загружено не полностью. Попробуйте загрузить его ещё раз."
    store.create(failed, new_doc(now, **jobs.failure_update("corrupt_video", message, now)))
    store.create(
        expired, new_doc(now - timedelta(hours=3), upload_expires_at=now - timedelta(hours=2))
    )
    page = new_page()
    if blocked:
        block_firestore(page, stack)
    cases = [
        (failed, "corrupt_video", message, "Проверьте, что видео целиком воспроизводится"),
        (expired, "upload_expired", "срок ссылки для загрузки истёк", "выберите файл ещё раз"),
        (unknown, "not_found", "Задача не найдена", "загрузите ролик ещё раз"),
    ]
    for job_id, code, text, hint in cases:
        open_job(page, stack, job_id)
        page.wait_for_selector("#screen-error:not([hidden])", timeout=30_000)
        assert page.get_attribute("#main", "data-error") == code
        assert text in page.inner_text("#error-message")
        assert hint in page.inner_text("#error-hint")
        assert page.get_attribute("#main", "data-source") == ("polling" if blocked else "listener")
        if not blocked:
            screenshot(page, f"error-{code}")
    # Start over without a reload.
    page.click("#error-new")
    assert screen(page) == "start"
    assert page.evaluate("location.hash") == ""


# ---- end to end: upload a generated video -------------------------------------------


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory):
    return english_captioned(tmp_path_factory.mktemp("web-media"))


def pick_file(page: Page, stack, path: Path, throttle_bytes_per_sec: int | None = None) -> None:
    """Open the page and pick the file through the file input."""
    page.add_init_script(RECORD_PROGRESS)
    if throttle_bytes_per_sec:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 20, "downloadThroughput": -1,
            "uploadThroughput": throttle_bytes_per_sec,
        })  # fmt: skip
    page.goto(stack.web_url)
    wait_ready(page)
    page.set_input_files("#file-input", str(path))


def upload_through_page(
    page: Page, stack, path: Path, throttle_bytes_per_sec: int | None = None
) -> str:
    """Pick the file in the page; returns the job id once the upload has started."""
    pick_file(page, stack, path, throttle_bytes_per_sec)
    page.wait_for_function("location.hash.startsWith('#job=')")
    return page.evaluate("location.hash").removeprefix("#job=")


def test_upload_and_follow_live_then_export(new_page, stack, clip):
    page = new_page()
    uploads = count_requests(page, stack.upload_url_endpoint)
    job_id = upload_through_page(
        page, stack, clip.path, throttle_bytes_per_sec=clip.path.stat().st_size // 2
    )
    page.wait_for_selector("#screen-upload:not([hidden])")
    page.wait_for_function("document.getElementById('upload-speed').textContent.includes('/с')")
    screenshot(page, "upload")
    page.wait_for_selector(
        "#screen-result:not([hidden]), #screen-error:not([hidden])", timeout=ANALYSIS_TIMEOUT_MS
    )
    assert screen(page) == "result", page.inner_text("#screen-error")

    progress = page.evaluate("window.__progress")
    assert progress["upload"][-1] == 100
    assert len(set(progress["upload"])) >= 3, f"the upload bar should move: {progress['upload']}"
    analysis = progress["analysis"]
    assert analysis == sorted(analysis), f"progress went backwards: {analysis}"
    assert analysis[-1] > 0
    assert uploads == [f"POST {stack.upload_url_endpoint}"]
    # The result came through the realtime listener (the last update's source).
    assert page.get_attribute("#main", "data-source") == "listener"

    status = status_json(stack, job_id)
    assert status["state"] == "SUCCESS"
    result = status["result"]
    check_rendered(page, result)
    check_markdown(download(page, "#export-md"), result)
    check_srt(download(page, "#export-srt"), result)
    screenshot(page, "e2e-result")

    # A reload finds the result again (the URL and localStorage remember the job) ...
    page.reload()
    wait_ready(page)
    page.wait_for_selector("#screen-result:not([hidden])")
    check_rendered(page, result)
    # ... and so does the recent list on the start screen.
    page.click("#result-new")
    item = page.locator(".recent-item", has_text=clip.path.name)
    assert "готово" in item.inner_text()
    screenshot(page, "start-recent")
    item.click()
    page.wait_for_selector("#screen-result:not([hidden])")


def test_upload_then_poll_when_the_listener_is_blocked(new_page, stack, clip):
    page = new_page(phone=True)
    blocked = block_firestore(page, stack)
    statuses = count_requests(page, stack.status_endpoint)
    job_id = upload_through_page(page, stack, clip.path)
    page.wait_for_selector(
        "#screen-result:not([hidden]), #screen-error:not([hidden])", timeout=ANALYSIS_TIMEOUT_MS
    )
    assert screen(page) == "result", page.inner_text("#screen-error")
    assert page.get_attribute("#main", "data-source") == "polling"
    assert blocked and statuses
    analysis = page.evaluate("window.__progress.analysis")
    assert analysis == sorted(analysis), f"progress went backwards: {analysis}"
    result = status_json(stack, job_id)["result"]
    check_rendered(page, result)
    check_srt(download(page, "#export-srt"), result)
    check_markdown(download(page, "#export-md"), result)


def test_cancel_stops_the_upload(new_page, stack, clip):
    page = new_page()
    # Slow enough that the upload is still running when we press cancel.
    job_id = upload_through_page(
        page, stack, clip.path, throttle_bytes_per_sec=clip.path.stat().st_size // 8
    )
    page.wait_for_selector("#screen-upload:not([hidden])")
    page.wait_for_function("document.getElementById('upload-progress').value > 0")
    page.click("#upload-cancel")
    page.wait_for_selector("#screen-error:not([hidden])")
    assert page.get_attribute("#main", "data-error") == "upload_cancelled"
    assert page.is_visible("#error-retry")
    assert status_json(stack, job_id)["state"] == "PENDING", "nothing was uploaded"
    page.click("#error-new")
    assert page.locator(".recent-item").count() == 0, "a cancelled upload is not a recent job"
    assert screen(page) == "start"


def test_interrupted_upload_is_explained(new_page, stack, clip):
    page = new_page()
    page.context.route(lambda url: f"/{stack.bucket}/" in url, lambda route: route.abort())
    uploads = count_requests(page, stack.upload_url_endpoint)
    # The aborted PUT fails at once, so the job id may be in the URL for less than
    # a frame: wait for the error itself, not for the hash.
    pick_file(page, stack, clip.path)
    page.wait_for_selector("#screen-error:not([hidden])")
    assert page.get_attribute("#main", "data-error") == "upload_interrupted"
    assert "Проверьте подключение к интернету" in page.inner_text("#error-hint")
    assert uploads == [f"POST {stack.upload_url_endpoint}"], "a URL was asked for"
    assert page.evaluate("location.hash") == "", "a job never uploaded is not kept in the URL"
    page.click("#error-new")
    assert page.locator(".recent-item").count() == 0, "nor in the recent list"
    screenshot(page, "error-upload-interrupted")


def test_server_refusal_shows_the_servers_message(new_page, stack, tmp_path: Path):
    """With the page's own limit raised, upload_url itself refuses the file (413)."""
    page = new_page()

    def looser_config(route) -> None:
        config = route.fetch().json()
        route.fulfill(json={**config, "maxFileSizeMb": 1000})

    page.route("**/config.json", looser_config)
    big = tmp_path / "big.mp4"
    with big.open("wb") as f:  # sparse: nothing is sent beyond the request for a URL
        f.truncate(101 * 1024 * 1024)
    puts = count_requests(page, stack.gcs_url)
    page.goto(stack.web_url)
    wait_ready(page)
    page.set_input_files("#file-input", str(big))
    page.wait_for_selector("#screen-error:not([hidden])")
    assert page.get_attribute("#main", "data-error") == "file_too_large"
    assert page.inner_text("#error-message") == "Файл слишком большой. Максимум 100 МБ."
    assert puts == []
