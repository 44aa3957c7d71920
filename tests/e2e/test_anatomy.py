"""The reel's anatomy end to end on the local stack, with generated media whose hook
is known: a spoken question at 0.2 s, a caption in the first second, the first cut
at 1.5 s. The storyboard's frames are real images behind short-lived signed URLs, and
they go when their job expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from devstack import media
from tests.e2e.helpers import deleted, object_exists, upload_file, wait_for_end

pytestmark = pytest.mark.emulators


@pytest.fixture(scope="module")
def hook_clip(tmp_path_factory: pytest.TempPathFactory) -> media.Clip:
    return media.make_clip(
        tmp_path_factory.mktemp("anatomy") / "hook.mp4",
        [
            media.Part("color=c=0x1f4e8c", 1.5, caption="WHY?"),
            media.Part("smptebars", 2.0),
            media.Part("mandelbrot", 2.5),
        ],
        speech=[media.Speech("Why does nobody watch your videos?", "en", at=0.2)],
    )


@pytest.fixture(scope="module")
def finished(stack, hook_clip) -> dict:
    job = upload_file(stack, hook_clip.path, "video/mp4")
    final, _ = wait_for_end(job["status_url"])
    assert final["state"] == "SUCCESS", final
    return {"job": job, "final": final}


def test_the_hook_is_measured_and_named(finished) -> None:
    hook = finished["final"]["result"]["hook"]
    measured = hook["measured"]
    assert measured["first_word_sec"] == pytest.approx(0.2, abs=0.35)
    assert measured["first_cut_sec"] == pytest.approx(1.5, abs=0.15)
    assert "why" in measured["words"].lower()
    assert "WHY" in measured["on_screen_text"].upper()
    assert hook["type"] == "question" and hook["type_label"] == "Вопрос зрителю"
    assert 5 <= hook["strength"] <= 10 and hook["reasons"]


def test_the_timeline_and_evidence(finished) -> None:
    result = finished["final"]["result"]
    timeline = result["timeline"]
    assert [round(s["start_sec"], 1) for s in timeline["shots"]] == [0.0, 1.5, 3.5]
    assert timeline["speech"] and timeline["speech"][0]["start_sec"] < 0.6
    assert len(timeline["loudness"]) == pytest.approx(6.0 / timeline["loudness_step_sec"], abs=2)
    assert any(k["at"] for k in result["keys"])  # keys point at their moment


def test_storyboard_frames_are_images_behind_signed_urls(finished) -> None:
    final = finished["final"]
    result = final["result"]
    assert len(result["storyboard"]) == len(result["script"]) == 3
    assert [f["row"] for f in final["frames"]] == [0, 1, 2]
    for frame in final["frames"]:
        answer = requests.get(frame["url"], timeout=10)
        assert answer.status_code == 200
        assert answer.content[:2] == b"\xff\xd8"  # a JPEG
    assert 0 < final["frames_expire_in_sec"] <= 24 * 3600


def test_the_video_itself_is_deleted(stack, finished) -> None:
    assert deleted(stack, finished["job"]["object"]["name"])


def test_frames_go_when_the_job_expires(stack, stack_env, finished) -> None:
    from shared.adapters.firestore_jobs import FirestoreJobStore
    from shared.core.settings import get_settings

    store = FirestoreJobStore(get_settings())
    job_id = finished["job"]["job_id"]
    names = [f["object"] for f in finished["final"]["result"]["storyboard"]]
    assert all(object_exists(stack, name) for name in names)
    store.client.collection("jobs").document(job_id).update(
        {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}
    )
    report = stack.sweep()
    assert report is not None and set(names) <= set(report["deleted"])
    assert not any(object_exists(stack, name) for name in names)
