"""Talk to the local stack as a browser does: sign in, ask for an upload URL, PUT.
Used by the tests and the benchmarks."""

from __future__ import annotations

from typing import Any

import requests

from devstack.stack import Stack


def auth(stack: Stack, token: str | None = None) -> dict[str, str]:
    """Headers of a signed-in request: a new anonymous user unless a token is given."""
    return {"Authorization": f"Bearer {token or stack.sign_up()}"}


def request_upload(
    stack: Stack,
    filename: str,
    content_type: str,
    size: int,
    token: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    answer = requests.post(
        stack.upload_url_endpoint,
        json={"filename": filename, "content_type": content_type, "size": size, **extra},
        headers={"Origin": stack.web_url, **auth(stack, token)},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    assert answer.headers["Access-Control-Allow-Origin"] == stack.web_url
    return dict(answer.json())
