"""The chosen delivery to analyze, run for real: Pub/Sub push -> functions-framework -> CloudEvent.

terraform/pubsub.tf feeds analyze through its own push subscription (not an Eventarc
event_trigger) so that it can set retries and a dead-letter topic. This test builds that
subscription in Google's Pub/Sub emulator from the values in the HCL, pushes to a CloudEvent
function served by the real functions-framework, and checks that:
- a Cloud Storage finalize notification arrives as the CloudEvent analyze expects, and
  `shared.core.events.parse_pubsub_envelope` (what analyze calls) reads the object from it;
- a function that keeps failing is called exactly maxDeliveryAttempts times, then the
  message is on the dead-letter subscription with its attributes.
The retry backoff is shortened to 1-2 s and the delivery limit set to Pub/Sub's minimum (5) so
the test takes seconds; the limit and backoff Terraform derives for bursts are asserted on the
plan in test_terraform_plan.py.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tfconfig import ROOT, TfConfig, block

from devstack.emulators import PubSubEmulator, free_port

PROJECT = "reels-push-test"
BUCKET = "reels-push-test-uploads"

pytestmark = pytest.mark.emulators

STAND_IN = textwrap.dedent(
    """
    import json, os
    import functions_framework
    from shared.core.events import parse_pubsub_envelope

    @functions_framework.cloud_event
    def analyze(cloud_event):
        event = parse_pubsub_envelope(cloud_event.data)
        with open(os.environ["CALLS_FILE"], "a") as calls:
            calls.write(json.dumps({
                "type": cloud_event["type"],
                "source": cloud_event["source"],
                "data": cloud_event.data,
                "parsed": getattr(event, "__dict__", {"ignored": getattr(event, "reason", "")}),
            }) + "\\n")
        if "fail" in cloud_event.data["message"]["attributes"]["objectId"]:
            raise RuntimeError("analysis failed")
    """
)


def rest(host: str, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://{host}/v1/{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{method} {path}: {error.code} {error.read().decode()}") from error


def resource_name(tf: TfConfig, type_: str, name: str) -> str:
    template = tf.resource(type_, name)["name"]
    return template.replace("${var.name_prefix}", tf.variables["name_prefix"]["default"])


class Delivery:
    """The emulator with the Terraform-shaped topics and subscriptions, and the function."""

    def __init__(self, tf: TfConfig, pubsub_host: str, function_url: str, calls: Path) -> None:
        self.host = pubsub_host
        self.calls = calls
        self.topic = f"projects/{PROJECT}/topics/" + resource_name(
            tf, "google_pubsub_topic", "uploads"
        )
        self.dead_topic = f"projects/{PROJECT}/topics/" + resource_name(
            tf, "google_pubsub_topic", "dead_letter"
        )
        self.dead_sub = f"projects/{PROJECT}/subscriptions/" + resource_name(
            tf, "google_pubsub_subscription", "dead_letter"
        )
        push_sub = f"projects/{PROJECT}/subscriptions/" + resource_name(
            tf, "google_pubsub_subscription", "analyze"
        )

        sub = tf.resource("google_pubsub_subscription", "analyze")
        push = block(sub, "push_config")
        uri = "${google_cloudfunctions2_function.analyze.service_config[0].uri}"
        endpoint = push["push_endpoint"].replace(uri, function_url)
        endpoint = endpoint.replace("${google_pubsub_topic.uploads.id}", self.topic)
        assert block(sub, "dead_letter_policy")["max_delivery_attempts"]  # derived: see the plan
        self.max_attempts = 5  # Pub/Sub's minimum: the mechanism, quickly

        rest(self.host, "PUT", self.topic, {})
        rest(self.host, "PUT", self.dead_topic, {})
        dead = tf.resource("google_pubsub_subscription", "dead_letter")
        rest(
            self.host,
            "PUT",
            self.dead_sub,
            {
                "topic": self.dead_topic,
                "messageRetentionDuration": dead["message_retention_duration"],
            },
        )
        rest(
            self.host,
            "PUT",
            push_sub,
            {
                "topic": self.topic,
                "ackDeadlineSeconds": tf.resolve(sub["ack_deadline_seconds"]),
                "pushConfig": {
                    "pushEndpoint": endpoint,
                    "oidcToken": {
                        "serviceAccountEmail": f"reels-analyze-invoker@{PROJECT}.iam.gserviceaccount.com",
                        "audience": function_url,
                    },
                },
                "retryPolicy": {"minimumBackoff": "1s", "maximumBackoff": "2s"},
                "deadLetterPolicy": {
                    "deadLetterTopic": self.dead_topic,
                    "maxDeliveryAttempts": self.max_attempts,
                },
            },
        )

    def publish_finalize(self, object_name: str) -> None:
        """What Cloud Storage publishes (payload JSON_API_V1) when an upload completes."""
        payload = {
            "kind": "storage#object",
            "name": object_name,
            "bucket": BUCKET,
            "generation": "1700000000000001",
            "contentType": "video/mp4",
            "size": "1048576",
        }
        attributes = {
            "notificationConfig": f"projects/_/buckets/{BUCKET}/notificationConfigs/1",
            "eventType": "OBJECT_FINALIZE",
            "payloadFormat": "JSON_API_V1",
            "bucketId": BUCKET,
            "objectId": object_name,
            "objectGeneration": "1700000000000001",
            "eventTime": "2026-01-01T00:00:00.000000Z",
        }
        data = base64.b64encode(json.dumps(payload).encode()).decode()
        rest(
            self.host,
            "POST",
            f"{self.topic}:publish",
            {"messages": [{"data": data, "attributes": attributes}]},
        )

    def calls_for(self, object_name: str) -> list[dict[str, Any]]:
        if not self.calls.exists():
            return []
        rows = [json.loads(line) for line in self.calls.read_text().splitlines()]
        return [r for r in rows if r["data"]["message"]["attributes"]["objectId"] == object_name]

    def pull_dead_letters(self) -> list[dict[str, Any]]:
        body = rest(
            self.host,
            "POST",
            f"{self.dead_sub}:pull",
            {"maxMessages": 10, "returnImmediately": True},
        )
        return [m["message"] for m in body.get("receivedMessages", [])]


def wait_for(predicate: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    return predicate()


@pytest.fixture(scope="module")
def delivery(tf: TfConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Delivery]:
    workdir = tmp_path_factory.mktemp("push")
    (workdir / "main.py").write_text(STAND_IN)
    calls = workdir / "calls.jsonl"
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "functions-framework"),
            "--target=analyze",
            f"--source={workdir / 'main.py'}",
            "--host=127.0.0.1",
            f"--port={port}",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "CALLS_FILE": str(calls)},
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "function.log").open("w"),
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                urllib.request.urlopen(url, timeout=1)
            except urllib.error.HTTPError:
                return True  # it answers (400: a GET is no CloudEvent)
            except OSError:
                return False
            return True

        assert wait_for(up, 30), (workdir / "function.log").read_text()
        with PubSubEmulator(port=free_port()) as pubsub:
            yield Delivery(tf, pubsub.host, url, calls)
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and any workers it forked
        server.wait(timeout=10)


def test_finalize_notification_reaches_analyze_as_a_cloudevent(delivery: Delivery) -> None:
    name = f"uploads/{secrets.token_urlsafe(24)}"
    delivery.publish_finalize(name)
    calls = wait_for(lambda: delivery.calls_for(name), 20)
    assert len(calls) == 1
    call = calls[0]
    assert call["type"] == "google.cloud.pubsub.topic.v1.messagePublished"
    assert call["source"] == f"//pubsub.googleapis.com/{delivery.topic}"
    assert call["parsed"] == {
        "bucket": BUCKET,
        "name": name,
        "generation": "1700000000000001",
        "size": 1048576,
        "content_type": "video/mp4",
        "message_id": call["data"]["message"]["messageId"],
        "delivery_attempt": None,
        "crc32c": None,  # the published payload carries no checksums
        "md5_hash": None,
    }
    # Acknowledged: no second delivery, nothing dead-lettered.
    time.sleep(3)
    assert len(delivery.calls_for(name)) == 1
    assert not [m for m in delivery.pull_dead_letters() if m["attributes"]["objectId"] == name]


def test_failing_event_is_retried_then_dead_lettered(delivery: Delivery) -> None:
    name = f"uploads/fail-{secrets.token_urlsafe(8)}"
    delivery.publish_finalize(name)

    def dead_letter() -> list[dict[str, Any]]:
        return [m for m in delivery.pull_dead_letters() if m["attributes"]["objectId"] == name]

    dead = wait_for(dead_letter, 60)
    assert len(dead) == 1
    assert len(delivery.calls_for(name)) == delivery.max_attempts == 5
    attributes = dead[0]["attributes"]
    assert attributes["CloudPubSubDeadLetterSourceDeliveryCount"] == str(delivery.max_attempts)
    assert attributes["eventType"] == "OBJECT_FINALIZE"
    assert json.loads(base64.b64decode(dead[0]["data"]))["name"] == name
    time.sleep(3)
    assert len(delivery.calls_for(name)) == delivery.max_attempts  # no delivery after that
