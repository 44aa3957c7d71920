"""Parse the bucket's object-finalize notification, as delivered by Pub/Sub.

The analyze function receives a CloudEvent `google.cloud.pubsub.topic.v1.messagePublished`
whose data is `{"message": {"attributes": {...}, "data": "<base64 JSON>"}, ...}`.
The attributes are Cloud Storage's: eventType, bucketId, objectId,
objectGeneration, payloadFormat; the data (JSON_API_V1) is the object resource.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

FINALIZE = "OBJECT_FINALIZE"


@dataclass(frozen=True)
class FinalizeEvent:
    bucket: str
    name: str
    generation: str
    size: int | None
    content_type: str | None
    message_id: str | None = None
    delivery_attempt: int | None = None
    crc32c: str | None = None  # the object's checksums, from the notification's payload
    md5_hash: str | None = None


@dataclass(frozen=True)
class Ignored:
    reason: str


def parse_pubsub_envelope(data: Any) -> FinalizeEvent | Ignored:
    """A FinalizeEvent, or Ignored with the reason (never raises on garbage)."""
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        return Ignored("not a Pub/Sub message")
    message = data["message"]
    attributes = message.get("attributes") or {}
    if not isinstance(attributes, dict):
        return Ignored("attributes are not a map")
    event_type = attributes.get("eventType")
    if event_type != FINALIZE:
        return Ignored(f"event type {event_type!r} is not {FINALIZE}")
    bucket = attributes.get("bucketId")
    name = attributes.get("objectId")
    generation = attributes.get("objectGeneration")
    if not (isinstance(bucket, str) and bucket and isinstance(name, str) and name):
        return Ignored("no bucketId/objectId")
    payload = _decode_payload(message.get("data"))
    if not generation:
        generation = payload.get("generation")
    if not generation:
        return Ignored("no objectGeneration")
    attempt = data.get("deliveryAttempt")
    return FinalizeEvent(
        bucket=bucket,
        name=name,
        generation=str(generation),
        size=_int_or_none(payload.get("size")),
        content_type=payload.get("contentType")
        if isinstance(payload.get("contentType"), str)
        else None,
        message_id=message.get("messageId") or message.get("message_id"),
        delivery_attempt=_int_or_none(attempt),
        crc32c=_str_or_none(payload.get("crc32c")),
        md5_hash=_str_or_none(payload.get("md5Hash")),
    )


def _decode_payload(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        value = json.loads(base64.b64decode(raw, validate=False))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
