"""Helpers shared by the browser tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
# Playwright's own browser download is not available here: use the system Chromium.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot to test-artifacts/browser/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def wait_ready(page: Page) -> None:
    page.wait_for_selector("html[data-ready]", state="attached")


def screen(page: Page) -> str:
    return page.get_attribute("#main", "data-screen") or ""


def count_requests(page: Page, url_prefix: str) -> list[str]:
    """A list that fills with every request the page makes to URLs under `url_prefix`."""
    seen: list[str] = []
    page.on(
        "request",
        lambda r: seen.append(f"{r.method} {r.url}") if r.url.startswith(url_prefix) else None,
    )
    return seen
