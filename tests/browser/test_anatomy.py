"""The reel's anatomy in the browser, after a real upload and analysis on the local
stack: the hook card, the timeline SVG, storyboard frames that load, a key's moment
that scrolls to its shot, and a printable storyboard (page.pdf)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from devstack import media
from tests.browser.helpers import ARTIFACTS, screen, screenshot, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.emulators]


@pytest.fixture(scope="module")
def reel(tmp_path_factory: pytest.TempPathFactory) -> media.Clip:
    return media.make_clip(
        tmp_path_factory.mktemp("anatomy-page") / "three-ways.mp4",
        [
            media.Part("color=c=0x1f4e8c", 1.5, caption="3 WAYS"),
            media.Part("smptebars", 2.0),
            media.Part("mandelbrot", 2.5, caption="SUBSCRIBE"),
        ],
        speech=[media.Speech("Three ways to film a reel with your phone.", "en", at=0.2)],
    )


@pytest.fixture(scope="module")
def analysed(browser, stack, reel) -> dict:
    """One page that uploaded the reel and shows its result (reused by the checks)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(stack.web_url)
    wait_ready(page)
    page.set_input_files("#file-input", str(reel.path))
    page.wait_for_selector(
        "#screen-result:not([hidden]), #screen-error:not([hidden])", timeout=180_000
    )
    assert screen(page) == "result", page.inner_text("#main")
    page.wait_for_function("document.documentElement.dataset.frames === 'loaded'", timeout=30_000)
    yield {"page": page}
    context.close()


def test_hook_card_and_timeline_render(analysed) -> None:
    page = analysed["page"]
    hook = page.inner_text("[data-testid=hook]")
    assert "Хук: первые 3 с" in hook and "/10" in hook
    assert "Обещание списка" in hook  # "Three ways ..." / "3 WAYS"
    assert page.locator("[data-testid=timeline] svg rect.tl-shot").count() == 3
    assert page.locator("[data-testid=timeline] svg rect.tl-speech").count() >= 1
    assert page.locator("[data-testid=timeline] svg polyline.tl-loud").count() == 1
    label = page.get_attribute("[data-testid=timeline] svg", "aria-label")
    assert label and "3 планов" in label
    # The hook card comes first, the timeline above the storyboard.
    order = page.evaluate(
        "[...document.querySelectorAll('.result > section')].map(s => s.dataset.testid || s.getAttribute('aria-labelledby'))"
    )
    assert order.index("hook") < order.index("timeline") < order.index("h-script")
    screenshot(page, "anatomy-desktop")


def test_storyboard_frames_load(analysed) -> None:
    page = analysed["page"]
    images = page.locator("[data-testid=script] img.frame")
    assert images.count() == 3
    for i in range(3):
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0"), (
            f"frame {i} broken"
        )


def test_a_moment_scrolls_to_its_shot_and_highlights_it(analysed) -> None:
    page = analysed["page"]
    page.evaluate("window.scrollTo(0, 0)")
    moment = page.locator(".moment").first
    start = float(moment.get_attribute("data-start"))
    moment.click()
    row = page.locator("tr.highlight")
    row.wait_for()
    assert (
        float(row.get_attribute("data-start"))
        <= start + 0.01
        < float(row.get_attribute("data-end"))
    )
    page.wait_for_function(
        "(() => { const r = document.querySelector('tr.highlight').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; })()"
    )
    # The keyboard reaches the timeline's shots too.
    shot = page.locator("rect.tl-shot").nth(2)
    shot.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('tr.highlight')?.id === 'shot-2'")


def test_print_gives_a_clean_storyboard(analysed, tmp_path: Path) -> None:
    page = analysed["page"]
    pdf = tmp_path / "storyboard.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.emulate_media(media="screen")
    assert pdf.stat().st_size > 10_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "storyboard.pdf")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Сценарий по кадрам" in text and "Хук" in text
    assert "SUBSCRIBE" in text  # a storyboard row's on-screen text
    assert "Скачать Markdown" not in text  # no buttons on paper


def test_phone_layout(browser, stack, analysed) -> None:
    page = analysed["page"]
    url = page.url
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="ru-RU"
    )
    try:
        # A fresh phone profile opening the shared link: the result comes from the job.
        other = phone.new_page()
        other.goto(url)
        wait_ready(other)
        other.wait_for_selector("#screen-result:not([hidden])", timeout=30_000)
        other.wait_for_function(
            "document.documentElement.dataset.frames === 'loaded'", timeout=30_000
        )
        width = other.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "nothing sticks out sideways on a phone"
        screenshot(other, "anatomy-phone")
    finally:
        phone.close()
