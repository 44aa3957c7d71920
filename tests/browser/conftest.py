"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, the built
page, a plain static server for client-side checks, screenshots, generated media."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, WEB


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """web/dist, built (a no-op when `make web` already did it)."""
    subprocess.run([str(WEB / "build.sh")], check=True, timeout=600)
    return WEB / "dist"


@pytest.fixture(scope="session", autouse=True)
def _page_is_built(web_dist: Path) -> None:
    """Every browser test (and the stack's web server) needs web/dist."""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """new_page(phone=False) -> a page in a fresh context (own localStorage, downloads on)."""
    contexts: list[BrowserContext] = []

    def make(phone: bool = False) -> Page:
        context = browser.new_context(
            viewport=PHONE if phone else DESKTOP,
            accept_downloads=True,
            locale="ru-RU",
            is_mobile=phone,
            has_touch=phone,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        # Shown by pytest when a test fails.
        page.on(
            "console",
            lambda m: (
                print("console", m.type, m.text[:300]) if m.type in ("error", "warning") else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()


@dataclass
class StaticSite:
    """web/dist on a free port with a config.json of our choosing. Its
    uploadUrlEndpoint points back at this server, which counts what reaches it."""

    url: str
    config: dict[str, Any]
    upload_requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def static_site(web_dist: Path) -> Iterator[StaticSite]:
    site = StaticSite(url="", config={})

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] == "/config.json":
                body = json.dumps(site.config).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                super().do_GET()

        def do_POST(self) -> None:
            site.upload_requests.append(self.path)
            self.send_error(500)

        def do_OPTIONS(self) -> None:
            site.upload_requests.append(self.path)
            self.send_error(500)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(web_dist)))
    port = server.server_address[1]
    site.url = f"http://127.0.0.1:{port}"
    site.config = {
        "uploadUrlEndpoint": f"{site.url}/upload-url/",
        "statusEndpoint": f"{site.url}/status/",
        "maxFileSizeMb": 100,
        "maxVideoDurationSec": 180,
        "allowedTypes": ["video/mp4", "video/quicktime", "video/webm"],
        "jobsCollection": "jobs",
        "privateJobsCollection": "jobs_private",
        "firebase": {"projectId": "reels-static", "apiKey": "none", "appId": "reels-static"},
        "firestoreEmulator": None,
    }
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site
    server.shutdown()
    server.server_close()
