"""What the analyze function does with one finalize notification.

    claim -> size check -> cached result? -> download -> probe -> measure -> analyze
          -> validate -> write -> (remember) -> delete

Which analyzer runs and how measuring is done come from the wiring
(`shared.orchestration.wiring`); this module only depends on the Protocols in
`shared.core.ports` and `shared.analyzers.base`.

Permanent problems end the job in FAILURE (acknowledged); transient ones give
the claim back and raise TransientError so Pub/Sub delivers again, until the
job has used `max_attempts`, when it fails with a clear message. An AI failure that is
ours or Gemini's (shared.orchestration.run) ends in the offline analysis with a notice,
never in FAILURE. The same bytes analysed the same way take the stored result
(shared.orchestration.reuse). The video is deleted whenever the job ends, whichever way.
"""

from __future__ import annotations

import contextvars
import os
import secrets
import shutil
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from shared.adapters import logs
from shared.adapters.probe import probe
from shared.analyzers.base import Analyzer
from shared.core import jobs
from shared.core.errors import ErrorCode, PermanentError, TransientError, is_programming_error
from shared.core.events import FinalizeEvent
from shared.core.measurements import Measurements
from shared.core.messages import Stage, error_message
from shared.core.ports import JobStore, QuotaStore, ResultCache, Storage
from shared.core.schema import AnalysisResult
from shared.core.settings import Settings
from shared.core.video import MeasureFn, MeasureRequest, ProgressFn, VideoInfo
from shared.orchestration.reuse import Reuse
from shared.orchestration.run import run_analysis
from shared.orchestration.storyboard import FramesFn, write_storyboard
from shared.orchestration.workdirs import WORKDIR_PREFIX, remove_stale_workdirs

__all__ = ["Outcome", "Pipeline", "remove_stale_workdirs", "run_analysis"]


def frames_prefix(settings: Settings, event: FinalizeEvent, doc: dict[str, Any]) -> str:
    """The job's storyboard prefix: its frames token (a job made before tokens: its id)."""
    token = doc.get("frames_token") or jobs.job_id_from_object(settings.upload_prefix, event.name)
    return jobs.frames_prefix(settings.results_prefix, str(token))


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    IGNORED = "ignored"  # not an upload object, or the job already ended
    ORPHAN = "orphan"  # an upload object no job asked for: deleted
    BUSY = "busy"  # another worker holds a live claim: acknowledged (the sweep watches it)


@dataclass
class Claim:
    """This worker's hold on one job. Its writes go one at a time, so the heartbeat
    and the work never contend for the same document."""

    store: JobStore
    job_id: str
    token: str
    lock: threading.Lock = field(default_factory=threading.Lock)

    def advance(self, stage: Stage | str) -> bool:
        with self.lock:
            return self.store.advance(self.job_id, self.token, stage)

    def renew(self) -> bool:
        with self.lock:
            return self.store.renew(self.job_id, self.token)

    def succeed(self, result: dict[str, Any]) -> bool:
        with self.lock:
            return self.store.succeed(self.job_id, self.token, result)

    def fail(self, code: ErrorCode, message: str) -> bool:
        with self.lock:
            return self.store.fail(self.job_id, self.token, code, message)

    def release(self) -> bool:
        with self.lock:
            return self.store.release(self.job_id, self.token)


@dataclass
class Pipeline:
    settings: Settings
    store: JobStore
    storage: Storage
    analyzer_factory: Callable[[Settings], Analyzer]
    measure: MeasureFn
    quotas: QuotaStore | None = None  # charges the upload (Gemini tokens: the analyzer's budget)
    frames: FramesFn | None = None  # storyboard frames from the video (None: no storyboard)
    after_job: Callable[[], None] | None = None  # run when a claimed job ends (frees memory)
    fallback_factory: Callable[[Settings], Analyzer] | None = None  # stands in for the AI
    cache: ResultCache | None = None  # results of analyses already made (None: no cache)

    @property
    def reuse(self) -> Reuse | None:
        if self.cache is None or not self.settings.result_cache:
            return None
        return Reuse(self.settings, self.cache, self.store, self.storage, self.quotas)

    def handle(self, event: FinalizeEvent) -> Outcome:
        s = self.settings
        if event.bucket != s.upload_bucket or not event.name.startswith(s.upload_prefix):
            logs.info("ignored: not an upload object", bucket=event.bucket, object=event.name)
            return Outcome.IGNORED
        job_id = jobs.job_id_from_object(s.upload_prefix, event.name)
        if job_id is None:
            self.storage.delete(event.name, event.generation)
            logs.warning("deleted an upload object with no job id", object=event.name)
            return Outcome.ORPHAN
        with logs.bound(job_id=job_id, generation=event.generation):
            try:
                outcome = self._handle_job(job_id, event)
            except TransientError:
                raise  # logged where it was decided
            except Exception as exc:  # Pub/Sub delivers again, then dead-letters it
                logs.error(f"delivery failed: {exc!r}", stage="event")
                raise
            logs.info(f"event handled: {outcome}", stage="event")
            return outcome

    def _handle_job(self, job_id: str, event: FinalizeEvent) -> Outcome:
        token = secrets.token_hex(16)
        decision, doc = self.store.claim(job_id, generation=event.generation, token=token)
        logs.info(f"claim: {decision}", stage="claim", delivery=event.delivery_attempt)
        if decision is jobs.ClaimDecision.NO_JOB:
            self.storage.delete(event.name, event.generation)
            return Outcome.ORPHAN
        if decision is jobs.ClaimDecision.DONE:
            self.storage.delete(event.name, event.generation)
            return Outcome.IGNORED
        if decision is jobs.ClaimDecision.BUSY:
            # Acknowledged, not retried: a busy answer must not use up the delivery
            # attempts a real failure needs. If that worker dies, the sweep restarts
            # the job once its lease has run out (shared.core.recovery).
            return Outcome.BUSY
        assert doc is not None
        claim = Claim(self.store, job_id, token)
        try:
            with self._heartbeat(claim):
                return self._run(claim, event, doc)
        finally:
            if self.after_job is not None:
                self.after_job()

    @contextmanager
    def _heartbeat(self, claim: Claim) -> Iterator[None]:
        """Renew the claim's lease every third of it while this worker lives, so a
        worker that died is taken over within one lease, however long a job runs."""
        stop = threading.Event()
        interval = self.settings.claim_lease_sec / 3

        def beat() -> None:
            while not stop.wait(interval):
                try:
                    if not claim.renew():
                        return
                except Exception as exc:  # a missed beat is survivable; the next may work
                    logs.warning(f"lease renewal failed: {exc!r}", stage="heartbeat")

        context = contextvars.copy_context()  # the heartbeat's log lines keep the job id
        thread = threading.Thread(
            target=context.run, args=(beat,), name=f"heartbeat-{claim.job_id[:8]}", daemon=True
        )
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)

    def _run(self, claim: Claim, event: FinalizeEvent, doc: dict[str, Any]) -> Outcome:
        def progress(stage: str) -> None:
            try:
                claim.advance(stage)
            except Exception as exc:  # progress is for show: never fail a job over it
                logs.warning(f"progress not written: {exc!r}", stage=stage)
            logs.info(f"stage {stage}", stage=stage)

        workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
        try:
            with logs.timed("check"):
                self._check_size(event)
            analyzer = self.analyzer_factory(self.settings)
            reuse = self.reuse
            key = reuse.key(event, doc, analyzer) if reuse else None
            board = frames_prefix(self.settings, event, doc)
            cached = reuse.lookup(key, board) if reuse and key else None
            if reuse and cached is not None:
                return self._finish(claim, event, cached, doc, cached=True)
            self._charge(claim.job_id, doc)
            result = self._analyze(event, doc, workdir, progress, analyzer)
            outcome = self._finish(claim, event, result, doc, cached=False)
            if reuse and key and outcome is Outcome.SUCCESS:
                reuse.remember(key, claim.job_id, result.model_dump(mode="json"), doc)
            return outcome
        except PermanentError as exc:
            return self._fail(claim, event, exc.code, exc.user_message, str(exc))
        except TransientError as exc:
            return self._retry_or_fail(claim, event, doc, exc, exc.code)
        except Exception as exc:
            if is_programming_error(exc):  # the same bytes would raise it again: end now
                trace = traceback.format_exc()
                logs.error(f"bug, not retried: {exc!r}", stage="analyze", stack_trace=trace)
                code = ErrorCode.ANALYSIS_FAILED
                return self._fail(claim, event, code, error_message(code), repr(exc))
            logs.error(f"unexpected error: {exc!r}", stage="analyze")  # an outage: retry, bounded
            return self._retry_or_fail(claim, event, doc, exc, ErrorCode.ANALYSIS_FAILED)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _finish(
        self,
        claim: Claim,
        event: FinalizeEvent,
        result: AnalysisResult,
        doc: dict[str, Any],
        *,
        cached: bool,
    ) -> Outcome:
        """Write the result (a cached one: give the upload back). Gemini's tokens were
        counted call by call (shared.analyzers.gemini.spend), never here."""
        if not claim.succeed(result.model_dump(mode="json")):
            return self._lost_claim(claim.job_id, event)
        logs.info("job succeeded", stage="done", engine=result.meta.engine, cached=cached)
        reuse = self.reuse
        if cached and reuse is not None:
            reuse.release(doc, claim.job_id)
        self._delete(event)
        return Outcome.SUCCESS

    def _analyze(
        self,
        event: FinalizeEvent,
        doc: dict[str, Any],
        workdir: Path,
        progress: Callable[[str], None],
        analyzer: Analyzer,
    ) -> AnalysisResult:
        """download -> probe -> measure -> analyze (or the stand-in) -> validate."""
        progress(Stage.DOWNLOADING)
        path = workdir / "video"
        with logs.timed("download"):
            self.storage.download(event.name, event.generation, path)
        progress(Stage.PROBING)
        info = self._probe(event, doc, path)
        fallback = self.fallback_factory(self.settings) if self.fallback_factory else None
        measured: list[Measurements] = []  # the stills of the last measurement: storyboard

        def measure(path: Path, report: ProgressFn, request: MeasureRequest) -> Measurements:
            measured.append(self.measure(path, report, request))
            return measured[-1]

        result = run_analysis(
            analyzer,
            info,
            measure=measure,
            language=doc.get("language") or "ru",
            progress=progress,
            topic=doc.get("topic") or None,
            fallback=fallback if fallback and fallback.engine != analyzer.engine else None,
            last_attempt=int(doc.get("attempts", 0)) >= self.settings.max_attempts,
        )
        if self.frames is None:
            return result
        try:
            board = write_storyboard(
                result,
                video=path,
                prefix=frames_prefix(self.settings, event, doc),
                storage=self.storage,
                frames=self.frames,
                stills=measured[-1].stills if measured else None,
            )
        except Exception as exc:  # the analysis stands without its pictures
            logs.warning(f"storyboard not written: {exc!r}", stage="storyboard")
            return result
        return result.model_copy(update={"storyboard": board})

    def _probe(self, event: FinalizeEvent, doc: dict[str, Any], path: Path) -> VideoInfo:
        with logs.timed("probe"):
            info = probe(
                path,
                content_type=event.content_type or doc.get("content_type") or "video/mp4",
                max_duration_sec=self.settings.max_video_duration_sec,
            )
        info = replace(info, gcs_uri=f"gs://{event.bucket}/{event.name}")
        logs.info(
            "probed",
            stage="probe",
            duration_sec=info.duration_sec,
            size=info.size,
            width=info.width,
            height=info.height,
            has_audio=info.has_audio,
        )
        return info

    def _check_size(self, event: FinalizeEvent) -> None:
        size = event.size
        if size is None:
            info = self.storage.info(event.name, event.generation)
            if info is None:
                raise PermanentError(ErrorCode.OBJECT_MISSING)
            size = info.size
        if size <= 0:
            raise PermanentError(ErrorCode.EMPTY_FILE)
        if size > self.settings.max_file_size_bytes:
            raise PermanentError(ErrorCode.FILE_TOO_LARGE, max_mb=self.settings.max_file_size_mb)

    def _fail(
        self, claim: Claim, event: FinalizeEvent, code: ErrorCode, message: str, detail: str
    ) -> Outcome:
        claim.fail(code, message)
        logs.warning(f"job failed: {detail}", stage="failed", code=code)
        self._delete(event)
        return Outcome.FAILURE

    def _retry_or_fail(
        self,
        claim: Claim,
        event: FinalizeEvent,
        doc: dict[str, Any],
        exc: Exception,
        code: ErrorCode,
    ) -> Outcome:
        attempts = int(doc.get("attempts", 0))
        if attempts >= self.settings.max_attempts:
            return self._fail(claim, event, code, error_message(code), f"gave up: {exc}")
        claim.release()
        logs.warning(
            f"transient failure, attempt {attempts} of {self.settings.max_attempts}: {exc}",
            stage="retry",
            code=code,
        )
        if isinstance(exc, TransientError):
            raise exc
        raise TransientError(code, str(exc)) from exc

    def _delete(self, event: FinalizeEvent) -> None:
        """The job ended: its video goes, and so does a second upload to the same
        object that arrived meanwhile (a job analyses one upload; its own
        notification, if it comes later, finds the job ended and nothing to do)."""
        deleted = self.storage.delete(event.name, event.generation)
        logs.info("video deleted" if deleted else "video already gone", stage="cleanup")
        newer = self.storage.info(event.name)
        if newer is not None and newer.generation != event.generation:
            self.storage.delete(event.name, newer.generation)
            logs.warning(
                "a second upload to an ended job was deleted",
                stage="cleanup",
                generation=newer.generation,
            )

    def _charge(self, job_id: str, doc: dict[str, Any]) -> None:
        """The upload arrived: the quota shares its URL held are used (once)."""
        if self.quotas is not None and doc.get("quota_docs"):
            self.quotas.charge(list(doc["quota_docs"]), job_id)

    def _lost_claim(self, job_id: str, event: FinalizeEvent) -> Outcome:
        """Another worker took the job over (this one was thought dead). If the job
        has ended meanwhile, its video is this worker's to delete."""
        doc = self.store.get(job_id)
        logs.warning("lost the claim before writing the result", stage="done")
        if doc is None or doc.get("state") in jobs.TERMINAL:
            self._delete(event)
        return Outcome.IGNORED
