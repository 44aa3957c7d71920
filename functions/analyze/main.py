"""CloudEvent function: analyze the video an object-finalize notification names.

An exception makes functions-framework answer 500, so Pub/Sub delivers the
message again: that is how transient failures and busy claims are retried.
Everything else is acknowledged.
"""

from __future__ import annotations

import functions_framework
from cloudevents.http import CloudEvent

from shared.adapters import logs
from shared.core.events import Ignored, parse_pubsub_envelope
from shared.core.settings import get_settings
from shared.orchestration.analyze import Pipeline
from shared.orchestration.wiring import make_pipeline

_pipeline: Pipeline | None = None


def _get_pipeline() -> Pipeline:
    global _pipeline
    if _pipeline is None:
        settings = get_settings()
        logs.configure(settings.log_level)
        _pipeline = make_pipeline(settings)
    return _pipeline


@functions_framework.cloud_event
def analyze(cloud_event: CloudEvent) -> None:
    pipeline = _get_pipeline()
    event = parse_pubsub_envelope(cloud_event.data)
    if isinstance(event, Ignored):
        logs.info(f"ignored event: {event.reason}", stage="event", event_id=cloud_event["id"])
        return
    pipeline.handle(event)
