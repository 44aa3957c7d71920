import base64
import json

import pytest

from shared.core.events import FinalizeEvent, Ignored, parse_pubsub_envelope


def envelope(attributes=None, data=None, **extra):
    message = {"attributes": attributes, "messageId": "m1"}
    if data is not None:
        message["data"] = base64.b64encode(json.dumps(data).encode()).decode()
    return {"message": message, "subscription": "projects/p/subscriptions/s", **extra}


ATTRS = {
    "eventType": "OBJECT_FINALIZE",
    "bucketId": "b",
    "objectId": "uploads/x",
    "objectGeneration": "123",
    "payloadFormat": "JSON_API_V1",
}


def test_finalize_event_is_parsed():
    event = parse_pubsub_envelope(
        envelope(ATTRS, {"size": "42", "contentType": "video/mp4"}, deliveryAttempt=3)
    )
    assert event == FinalizeEvent("b", "uploads/x", "123", 42, "video/mp4", "m1", 3)


def test_generation_falls_back_to_payload():
    attrs = {k: v for k, v in ATTRS.items() if k != "objectGeneration"}
    event = parse_pubsub_envelope(envelope(attrs, {"generation": "9"}))
    assert isinstance(event, FinalizeEvent) and event.generation == "9" and event.size is None


@pytest.mark.parametrize(
    "data",
    [
        None,
        "text",
        [],
        {},
        {"message": "x"},
        envelope({**ATTRS, "eventType": "OBJECT_DELETE"}),
        envelope({**ATTRS, "eventType": "OBJECT_METADATA_UPDATE"}),
        envelope({"eventType": "OBJECT_FINALIZE"}),
        envelope({**ATTRS, "objectGeneration": ""}),
        {"message": {"attributes": "nope"}},
    ],
)
def test_garbage_is_ignored_not_raised(data):
    assert isinstance(parse_pubsub_envelope(data), Ignored)


def test_undecodable_payload_still_parses_attributes():
    data = {"message": {"attributes": ATTRS, "data": "!!!not base64 json"}}
    event = parse_pubsub_envelope(data)
    assert isinstance(event, FinalizeEvent) and event.size is None
