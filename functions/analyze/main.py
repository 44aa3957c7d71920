"""CloudEvent function: analyze the video an object-finalize notification names.

An exception makes functions-framework answer 500, so Pub/Sub delivers the
message again: that is how transient failures and busy claims are retried.
Everything else is acknowledged.
"""

from __future__ import annotations

import functions_framework
from cloudevents.http import CloudEvent

from shared import logs
from shared.events import Ignored, parse_pubsub_envelope
from shared.firestore_jobs import JobStore
from shared.pipeline import Pipeline
from shared.settings import get_settings
from shared.storage import Storage

_pipeline: Pipeline | None = None


def _get_pipeline() -> Pipeline:
    global _pipeline
    if _pipeline is None:
        settings = get_settings()
        _pipeline = Pipeline(settings, JobStore(settings), Storage(settings))
    return _pipeline


@functions_framework.cloud_event
def analyze(cloud_event: CloudEvent) -> None:
    event = parse_pubsub_envelope(cloud_event.data)
    if isinstance(event, Ignored):
        logs.info(f"ignored event: {event.reason}", stage="event", event_id=cloud_event["id"])
        return
    outcome = _get_pipeline().handle(event)
    logs.info(f"event handled: {outcome}", stage="event", object=event.name)
