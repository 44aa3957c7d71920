"""Issue 20 item 6 on the emulators (Firestore, fake-gcs-server, Pub/Sub): an upload
whose bucket notification was lost or dead-lettered. Before, its job stayed PENDING
for ever and its video in the bucket: the sweep ignored PENDING jobs.

The uploads here go under a prefix of their own that fake-gcs-server sends no
notification for (the lost notification), the jobs to a collection of their own, and
the sweep's notifications to a topic of their own with a pull subscription, so the
test sees exactly what analyze would be sent. The sweep runs in-process with its
clock moved forward (its `now`); every transaction still runs on the database's clock.
"""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from devstack import media
from shared.adapters.firestore_jobs import FirestoreJobStore
from shared.adapters.pubsub import PubSubNotifier
from shared.adapters.storage import GcsStorage
from shared.core import jobs
from shared.core.events import parse_pubsub_envelope
from shared.core.recovery import OBJECT_GRACE, STRANDED_LIMIT
from shared.core.settings import Settings, get_settings
from shared.orchestration.sweep import Sweeper
from shared.orchestration.wiring import make_pipeline
from tests.factories import job_doc

pytestmark = pytest.mark.emulators


class World:
    def __init__(self, settings: Settings) -> None:
        from google.cloud.pubsub_v1 import PublisherClient, SubscriberClient

        self.settings = settings
        self.store = FirestoreJobStore(settings)
        self.storage = GcsStorage(settings)
        self.sweeper = Sweeper(settings, self.store, self.storage, PubSubNotifier(settings))
        self.subscriber = SubscriberClient()
        project = settings.google_cloud_project
        topic = PublisherClient().create_topic(
            name=PublisherClient.topic_path(project, settings.uploads_topic)
        )
        self.subscription = self.subscriber.create_subscription(
            name=SubscriberClient.subscription_path(project, settings.uploads_topic),
            topic=topic.name,
        ).name

    def upload(self, data: bytes, uploaded_ago: timedelta = timedelta(0)) -> tuple[str, str]:
        """A job and its uploaded video, with no notification (the lost one)."""
        job_id = jobs.new_job_id()
        name = jobs.object_name(self.settings.upload_prefix, job_id)
        created = self.store.now() - uploaded_ago
        self.store.create(job_id, job_doc(created, object_name=name, size=len(data)))
        self.storage.put(name, data, "video/mp4")
        return job_id, name

    def notifications(self) -> list[dict[str, Any]]:
        """The notifications the sweep sent, as the push subscription would hand them."""
        answer = self.subscriber.pull(subscription=self.subscription, max_messages=10, timeout=10)
        envelopes = []
        for received in answer.received_messages:
            message = received.message
            envelopes.append(
                {
                    "message": {
                        "data": base64.b64encode(message.data).decode(),
                        "attributes": dict(message.attributes),
                        "messageId": message.message_id,
                    },
                    "subscription": self.subscription,
                    "deliveryAttempt": 1,
                }
            )
        if answer.received_messages:
            self.subscriber.acknowledge(
                subscription=self.subscription,
                ack_ids=[r.ack_id for r in answer.received_messages],
            )
        return envelopes


@pytest.fixture
def world(stack_env) -> World:
    tag = uuid.uuid4().hex[:10]
    settings = get_settings().model_copy(
        update={
            "upload_prefix": f"stranded-{tag}/",  # fake-gcs-server notifies uploads/ only
            "results_prefix": f"results-{tag}/",  # its frames: no other test's
            "jobs_collection": f"jobs-{tag}",
            "uploads_topic": f"stranded-{tag}",
            "result_cache": False,
        }
    )
    return World(settings)


def test_a_lost_notification_is_sent_again_once_and_the_job_runs(world: World, tmp_path: Path):
    clip = media.no_audio(tmp_path)
    job_id, name = world.upload(clip.path.read_bytes())
    generation = world.storage.info(name).generation
    later = world.store.now() + OBJECT_GRACE + timedelta(seconds=1)
    assert world.sweeper.run(later).restarted == [job_id]
    assert world.sweeper.run(later).restarted == []  # recorded: not on every sweep
    assert world.store.get(job_id)["renotified_at"] is not None
    sent = world.notifications()
    assert len(sent) == 1
    event = parse_pubsub_envelope(sent[0])
    assert (event.bucket, event.name, event.generation) == (
        world.settings.upload_bucket,
        name,
        generation,
    )
    # Delivered to analyze (in-process, the same settings): the job runs to its end.
    make_pipeline(world.settings).handle(event)
    doc = world.store.get(job_id)
    assert doc["state"] == "SUCCESS", doc.get("error")
    assert world.storage.info(name) is None  # the video went with the analysis


def test_an_upload_every_notification_missed_ends_and_its_video_goes(world: World):
    job_id, name = world.upload(b"not analysed: nobody is notified")
    report = world.sweeper.run(world.store.now() + STRANDED_LIMIT + timedelta(seconds=1))
    assert report.failed == [job_id] and report.deleted == [name]
    doc = world.store.get(job_id)
    assert doc["state"] == "FAILURE" and doc["error"]["code"] == "upload_not_started"
    assert world.storage.info(name) is None
    assert world.notifications() == []


def test_a_job_whose_video_never_came_ends_expired(world: World):
    lapsed = jobs.new_job_id()
    created = world.store.now() - timedelta(minutes=15) - jobs.UPLOAD_GRACE - timedelta(minutes=1)
    world.store.create(lapsed, job_doc(created, object_name=f"{world.settings.upload_prefix}x"))
    waiting = jobs.new_job_id()
    world.store.create(waiting, job_doc(world.store.now()))  # its URL still open
    report = world.sweeper.run()
    assert report.failed == [lapsed]
    assert world.store.get(lapsed)["error"]["code"] == "upload_expired"
    assert world.store.get(waiting)["state"] == "PENDING"
