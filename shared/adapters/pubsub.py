"""Pub/Sub adapter: publishes an object-finalize notification again, in the shape
Cloud Storage sends it (attributes + the object resource as JSON), so the analyze
function cannot tell a restart from the bucket's own notification."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from shared.core.events import FINALIZE
from shared.core.ports import ObjectInfo

if TYPE_CHECKING:
    from shared.core.settings import Settings

PUBLISH_TIMEOUT_SEC = 30


class PubSubNotifier:
    """`shared.core.ports.Notifier` on the uploads topic."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._publisher: Any = None

    @property
    def publisher(self) -> Any:
        if self._publisher is None:
            from google.cloud.pubsub_v1 import PublisherClient

            self._publisher = PublisherClient()
        return self._publisher

    def notify_finalize(self, bucket: str, obj: ObjectInfo) -> None:
        s = self.settings
        topic = self.publisher.topic_path(s.google_cloud_project, s.uploads_topic)
        resource = {
            "bucket": bucket,
            "name": obj.name,
            "generation": obj.generation,
            "size": str(obj.size),
            "contentType": obj.content_type,
        }
        future = self.publisher.publish(
            topic,
            json.dumps(resource).encode(),
            eventType=FINALIZE,
            bucketId=bucket,
            objectId=obj.name,
            objectGeneration=obj.generation,
            payloadFormat="JSON_API_V1",
            notificationConfig="reels-scripter/sweep",
        )
        future.result(timeout=PUBLISH_TIMEOUT_SEC)
