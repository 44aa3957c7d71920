"""Which parts run together: the one place that picks concrete adapters and the analyzer.

The functions' entry points call these; tests build `Pipeline` with their own parts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.analyzers.base import Analyzer
    from shared.core.measurements import Measurements
    from shared.core.ports import TokenVerifier
    from shared.core.settings import Settings
    from shared.core.video import MeasureRequest, ProgressFn
    from shared.orchestration.analyze import Pipeline
    from shared.orchestration.sweep import Sweeper
    from shared.orchestration.uploads import Uploads


def make_analyzer(settings: Settings) -> Analyzer:
    """Gemini when credentials are set (or ANALYZER=gemini), its every call reserved
    from the day's token budget; offline otherwise."""
    if settings.uses_gemini:
        from shared.adapters.firestore_budget import FirestoreTokenBudget
        from shared.analyzers.gemini import GeminiAnalyzer

        return GeminiAnalyzer(settings, budget=FirestoreTokenBudget(settings))
    from shared.analyzers.offline import OfflineAnalyzer

    return OfflineAnalyzer()


def make_fallback(settings: Settings) -> Analyzer:
    """What stands in when the AI gives no result: the offline analyzer."""
    from shared.analyzers.offline import OfflineAnalyzer

    return OfflineAnalyzer()


def measure(path: Path, progress: ProgressFn, request: MeasureRequest) -> Measurements:
    """The measurement step (`shared.measure`), imported on first use."""
    from shared.measure import measure as run

    return run(path, progress, request)


def make_pipeline(settings: Settings) -> Pipeline:
    """The analyze function's pipeline on Firestore and Cloud Storage."""
    from shared.adapters import logs
    from shared.adapters.firestore_cache import FirestoreResultCache
    from shared.adapters.firestore_jobs import FirestoreJobStore
    from shared.adapters.firestore_quotas import FirestoreQuotaStore
    from shared.adapters.storage import GcsStorage
    from shared.orchestration.analyze import Pipeline, remove_stale_workdirs

    for folder in remove_stale_workdirs():
        logs.warning(f"removed a killed worker's download folder {folder}", stage="start")
    return Pipeline(
        settings,
        FirestoreJobStore(settings),
        GcsStorage(settings),
        analyzer_factory=make_analyzer,
        measure=measure,
        quotas=FirestoreQuotaStore(settings),
        frames=frames,
        after_job=after_job,
        fallback_factory=make_fallback if settings.uses_gemini else None,
        cache=FirestoreResultCache(settings),
    )


def after_job() -> None:
    """Give the job's memory back (`shared.measure.memory`): a warm worker's RSS stays flat."""
    from shared.measure.memory import after_job as release

    release()


def frames(path: Path, times: list[float]) -> list[bytes | None]:
    """Storyboard frames (`shared.measure.frames`), imported on first use."""
    from shared.measure.frames import extract_frames

    return extract_frames(path, times)


def make_uploads(settings: Settings) -> Uploads:
    """The upload_url function's core on Firestore and Cloud Storage."""
    from shared.adapters.firestore_jobs import FirestoreJobStore
    from shared.adapters.firestore_quotas import FirestoreQuotaStore
    from shared.adapters.storage import GcsStorage
    from shared.orchestration.uploads import Uploads

    return Uploads(
        settings, FirestoreJobStore(settings), GcsStorage(settings), FirestoreQuotaStore(settings)
    )


def make_token_verifier(settings: Settings) -> TokenVerifier:
    from shared.adapters.auth import FirebaseTokenVerifier

    return FirebaseTokenVerifier(settings)


def make_sweeper(settings: Settings) -> Sweeper:
    """The sweep function's core on Firestore, Cloud Storage and Pub/Sub."""
    from shared.adapters.firestore_jobs import FirestoreJobStore
    from shared.adapters.pubsub import PubSubNotifier
    from shared.adapters.storage import GcsStorage
    from shared.orchestration.sweep import Sweeper

    return Sweeper(
        settings, FirestoreJobStore(settings), GcsStorage(settings), PubSubNotifier(settings)
    )
