"""HTTP function, called by Cloud Scheduler every minute (a timer in the local stack):
restart or fail jobs whose worker died, delete uploads no live job owns."""

from __future__ import annotations

import functions_framework
from flask import Request, Response

from shared.adapters import logs
from shared.adapters.http import error_response, json_response
from shared.core.messages import ErrorCode
from shared.core.settings import get_settings
from shared.orchestration.sweep import Sweeper
from shared.orchestration.wiring import make_sweeper

_sweeper: Sweeper | None = None


def _get_sweeper() -> Sweeper:
    global _sweeper
    if _sweeper is None:
        settings = get_settings()
        logs.configure(settings.log_level)
        _sweeper = make_sweeper(settings)
    return _sweeper


@functions_framework.http
def sweep(request: Request) -> Response:
    if request.method != "POST":
        return error_response(405, ErrorCode.METHOD_NOT_ALLOWED)
    try:
        report = _get_sweeper().run()
    except Exception as exc:  # the next run tries again
        logs.error(f"sweep failed: {exc!r}", stage="sweep")
        return error_response(500, ErrorCode.INTERNAL)
    return json_response(report.to_json())
