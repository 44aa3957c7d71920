"""The analyze entry point driven in-process with real CloudEvents (cloudevents
package) through functions-framework's test client, on the emulators."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cloudevents.conversion import to_binary, to_structured
from cloudevents.http import CloudEvent
from functions_framework import create_app

from shared.adapters.storage import GcsStorage
from shared.core import jobs
from shared.core.settings import get_settings

SOURCE = Path(__file__).resolve().parents[2] / "functions" / "analyze" / "main.py"

pytestmark = pytest.mark.emulators


@pytest.fixture
def client(stack_env):
    return create_app("analyze", str(SOURCE), "cloudevent").test_client()


def published(attributes: dict[str, str] | None, payload: object = None) -> CloudEvent:
    message: dict[str, object] = {"messageId": "1", "attributes": attributes or {}}
    if payload is not None:
        message["data"] = base64.b64encode(json.dumps(payload).encode()).decode()
    return CloudEvent(
        {
            "type": "google.cloud.pubsub.topic.v1.messagePublished",
            "source": "//pubsub.googleapis.com/projects/p/topics/uploads",
        },
        {"message": message, "subscription": "projects/p/subscriptions/s"},
    )


def post(client, event: CloudEvent, binary: bool = False):
    headers, body = (to_binary if binary else to_structured)(event)
    return client.post("/", headers=headers, data=body)


def finalize(bucket: str, name: str, generation: str = "1") -> dict[str, str]:
    return {
        "eventType": "OBJECT_FINALIZE",
        "bucketId": bucket,
        "objectId": name,
        "objectGeneration": generation,
        "payloadFormat": "JSON_API_V1",
    }


@pytest.mark.parametrize("binary", [False, True])
def test_events_that_are_not_upload_finalizes_are_acknowledged(client, stack_env, binary):
    bucket = stack_env.bucket
    for event in (
        published({**finalize(bucket, "uploads/x"), "eventType": "OBJECT_DELETE"}),
        published({"eventType": "OBJECT_FINALIZE"}),
        published(None, payload=[1, 2, 3]),
        published(finalize("another-bucket", f"uploads/{jobs.new_job_id()}")),
        published(finalize(bucket, "elsewhere/file.mp4")),
    ):
        assert post(client, event, binary).status_code == 200


def test_garbage_body_does_not_crash_the_function(client):
    answer = client.post("/", data=b"\x00\xffnot an event", headers={"Content-Type": "text/plain"})
    assert answer.status_code < 500  # refused by the framework (415), not a crash


def test_an_upload_object_no_job_asked_for_is_deleted(client, stack_env):
    storage = GcsStorage(get_settings())
    for name in (f"uploads/{jobs.new_job_id()}", "uploads/not-a-job-id"):
        blob = storage.client.bucket(stack_env.bucket).blob(name)
        blob.upload_from_string(b"data", content_type="video/mp4")
        answer = post(client, published(finalize(stack_env.bucket, name, str(blob.generation))))
        assert answer.status_code == 200
        assert storage.info(name) is None
