"""Client-side behaviour of the page, served as static files with a config.json:
limits shown, keyboard access, files refused before anything is sent, start over."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.media import too_long
from shared.core.messages import ErrorCode, error_message
from tests.browser.conftest import StaticSite
from tests.browser.helpers import count_requests, screen, screenshot, wait_ready

pytestmark = pytest.mark.browser


def open_page(new_page, site: StaticSite, phone: bool = False):
    page = new_page(phone=phone)
    uploads = count_requests(page, site.config["uploadUrlEndpoint"])
    page.goto(site.url)
    wait_ready(page)
    return page, uploads


def test_start_screen_shows_limits_and_is_keyboard_reachable(new_page, static_site: StaticSite):
    page, _ = open_page(new_page, static_site)
    assert screen(page) == "start"
    assert page.inner_text("#limits") == "MP4, MOV, WebM · до 100 МБ · до 3 мин"
    # Tab order: skip link, logo, then the file input inside the drop zone (its label).
    order = []
    for _ in range(3):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
    assert order == ["skip-link", "logo", "file-input"]
    outline = page.eval_on_selector("#dropzone", "el => getComputedStyle(el).outlineStyle")
    assert outline == "solid", "the focused drop zone must show a focus ring"
    assert page.get_attribute("#analysis-status", "aria-live") == "polite"
    screenshot(page, "start-desktop")

    phone, _ = open_page(new_page, static_site, phone=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(phone, "start-phone")


def test_wrong_type_is_refused_before_upload(new_page, static_site: StaticSite, tmp_path: Path):
    page, uploads = open_page(new_page, static_site)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a video")
    page.set_input_files("#file-input", str(notes))
    page.wait_for_selector("#screen-error:not([hidden])")
    assert page.get_attribute("#main", "data-error") == "unsupported_type"
    assert page.inner_text("#error-title") == "Этот формат не подходит"
    # The server's own message (the page's copy is generated from Python).
    assert page.inner_text("#error-message") == error_message(ErrorCode.UNSUPPORTED_TYPE)
    assert page.inner_text("#error-hint").startswith("Что делать:")
    assert page.is_hidden("#error-retry"), "retrying the same wrong file makes no sense"
    screenshot(page, "error-wrong-type")

    # Start over without a reload, then drop a file of a wrong type on the drop zone.
    page.click("#error-new")
    assert screen(page) == "start"
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["GIF89a"], "cat.gif", { type: "image/gif" }));
            document.getElementById("dropzone").dispatchEvent(
                new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
        }"""
    )
    page.wait_for_selector("#screen-error:not([hidden])")
    assert page.get_attribute("#main", "data-error") == "unsupported_type"
    assert uploads == [] and static_site.upload_requests == []


def test_oversized_file_is_refused_before_upload(new_page, static_site: StaticSite, tmp_path: Path):
    page, uploads = open_page(new_page, static_site)
    big = tmp_path / "big.mp4"
    with big.open("wb") as f:  # sparse: 101 MB on paper, nothing on disk
        f.truncate(101 * 1024 * 1024)
    page.set_input_files("#file-input", str(big))
    page.wait_for_selector("#screen-error:not([hidden])")
    assert page.get_attribute("#main", "data-error") == "file_too_large"
    assert page.inner_text("#error-message") == "Файл слишком большой. Максимум 100 МБ."
    assert "Сожмите видео" in page.inner_text("#error-hint")
    screenshot(page, "error-too-large")
    assert uploads == [] and static_site.upload_requests == []


def test_too_long_video_is_refused_from_its_metadata(
    new_page, static_site: StaticSite, tmp_path: Path
):
    clip = too_long(tmp_path, seconds=200)
    page, uploads = open_page(new_page, static_site)
    page.set_input_files("#file-input", str(clip.path))
    page.wait_for_selector("#screen-error:not([hidden])")
    assert page.get_attribute("#main", "data-error") == "video_too_long"
    assert page.inner_text("#error-message") == "Видео слишком длинное: 200 с. Максимум 180 с."
    assert uploads == [] and static_site.upload_requests == []


def test_page_without_config_says_so(new_page, static_site: StaticSite):
    page = new_page()
    page.route("**/config.json", lambda route: route.fulfill(status=404, body="no"))
    page.goto(static_site.url)
    page.wait_for_selector("#screen-error:not([hidden])")
    assert page.inner_text("#error-title") == "Страница не настроена"
    assert "config.json" in page.inner_text("#error-message")
