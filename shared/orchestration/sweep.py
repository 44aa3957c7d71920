"""The periodic sweep (Cloud Scheduler -> the sweep function; a timer in the local
stack): every job ends and every uploaded video goes, even when a worker died.

    running jobs:   lease ran out / released with no redelivery -> notify again
                    (a new worker takes it over) or, attempts used up, FAILURE
    upload objects: owned by no live job (ended, or never created) -> deleted;
                    whose job is still PENDING (notification lost) -> notify again
                    (at most every RENOTIFY_EVERY), or, past STRANDED_LIMIT,
                    FAILURE `upload_not_started` and deleted
    pending jobs:   upload URL lapsed UPLOAD_GRACE ago and no object came ->
                    FAILURE `upload_expired` (what `status` already derives)

Decisions are `shared.core.recovery`'s; this module only applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shared.adapters import logs
from shared.core import jobs
from shared.core.messages import ErrorCode, error_message
from shared.core.ports import JobStore, Notifier, ObjectInfo, Storage
from shared.core.recovery import (
    SweepAction,
    decide,
    frames_expired,
    object_is_stray,
    stranded_action,
)
from shared.core.settings import Settings


@dataclass
class SweepReport:
    restarted: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"restarted": self.restarted, "failed": self.failed, "deleted": self.deleted}


@dataclass
class Sweeper:
    settings: Settings
    store: JobStore
    storage: Storage
    notifier: Notifier

    def run(self, now: datetime | None = None) -> SweepReport:
        now = now or self.store.now()  # the database's clock, which leases are written on
        report = SweepReport()
        for job_id, doc in self.store.running(self.settings.sweep_batch):
            with logs.bound(job_id=job_id):
                try:
                    self._job(job_id, doc, now, report)
                except Exception as exc:  # one bad document must not stop the sweep
                    logs.error(f"sweep could not handle the job: {exc!r}", stage="sweep")
        self._objects(now, report)
        self._expired(now, report)
        self._frames(now, report)
        logs.info("sweep done", stage="sweep", **{k: len(v) for k, v in report.to_json().items()})
        return report

    def _job(self, job_id: str, doc: dict[str, Any], now: datetime, report: SweepReport) -> None:
        action = decide(doc, now, max_attempts=self.settings.max_attempts)
        if action is SweepAction.NONE:
            return
        name = doc.get("object") or jobs.object_name(self.settings.upload_prefix, job_id)
        if action is SweepAction.FAIL:
            self._fail(job_id, name, ErrorCode.ANALYSIS_STALLED, report)
            return
        info = self.storage.info(name)
        if info is None:
            self._fail(job_id, name, ErrorCode.OBJECT_MISSING, report)
            return
        self.notifier.notify_finalize(self.settings.upload_bucket, info)
        report.restarted.append(job_id)
        logs.warning("worker lost: notified again", stage="sweep", attempts=doc.get("attempts"))

    def _fail(self, job_id: str, name: str, code: ErrorCode, report: SweepReport) -> None:
        if self.store.fail(job_id, None, code, error_message(code)):
            report.failed.append(job_id)
            logs.warning(f"job failed by the sweep: {code}", stage="sweep", code=code)
        if self.storage.delete(name):
            report.deleted.append(name)

    def _objects(self, now: datetime, report: SweepReport) -> None:
        prefix = self.settings.upload_prefix
        for obj in self.storage.list(prefix, self.settings.sweep_batch):
            if obj.name in report.deleted or obj.updated is None:
                continue
            job_id = jobs.job_id_from_object(prefix, obj.name)
            doc = self.store.get(job_id) if job_id else None
            age = now - obj.updated
            if job_id and doc is not None and self._stranded(job_id, doc, obj, age, report):
                continue
            if not object_is_stray(doc, age):
                continue
            if self.storage.delete(obj.name, obj.generation):
                report.deleted.append(obj.name)
                logs.info("stray upload deleted", stage="sweep", object=obj.name, job_id=job_id)

    def _stranded(
        self, job_id: str, doc: dict[str, Any], obj: ObjectInfo, age: timedelta, report: SweepReport
    ) -> bool:
        """A PENDING job's upload (its notification never came): start it, or end it."""
        action = stranded_action(doc, age)
        with logs.bound(job_id=job_id):
            try:
                self._start_or_end(job_id, action, obj, report)
            except Exception as exc:  # one upload must not stop the sweep; the next retries
                logs.error(f"sweep could not handle the upload: {exc!r}", stage="sweep")
        return action is not SweepAction.NONE

    def _start_or_end(
        self, job_id: str, action: SweepAction, obj: ObjectInfo, report: SweepReport
    ) -> None:
        """Notify the upload again (at most every RENOTIFY_EVERY), or end a job that never
        started and delete its video (not if a worker took it meanwhile)."""
        if action is SweepAction.RESTART and self.store.renotify(job_id):
            self.notifier.notify_finalize(self.settings.upload_bucket, obj)
            report.restarted.append(job_id)
            logs.warning("upload never started: notified", stage="sweep", object=obj.name)
        elif action is SweepAction.FAIL:
            code = ErrorCode.UPLOAD_NOT_STARTED
            if self.store.fail_unstarted(job_id, code, error_message(code)):
                report.failed.append(job_id)
                logs.warning(f"job failed by the sweep: {code}", stage="sweep", code=code)
                if self.storage.delete(obj.name, obj.generation):
                    report.deleted.append(obj.name)

    def _expired(self, now: datetime, report: SweepReport) -> None:
        """A PENDING job whose upload URL lapsed UPLOAD_GRACE ago and whose video never
        came ends in `upload_expired` (a video that did come is `_stranded`'s)."""
        before = now - jobs.UPLOAD_GRACE
        for job_id, doc in self.store.pending_expired(before, self.settings.sweep_batch):
            name = doc.get("object") or jobs.object_name(self.settings.upload_prefix, job_id)
            with logs.bound(job_id=job_id):
                try:
                    if self.storage.info(name) is not None:
                        continue
                    code = ErrorCode.UPLOAD_EXPIRED
                    if self.store.fail_unstarted(job_id, code, error_message(code)):
                        report.failed.append(job_id)
                        logs.info("upload never came: job ended", stage="sweep", code=code)
                except Exception as exc:  # one bad document must not stop the sweep
                    logs.error(f"sweep could not end the job: {exc!r}", stage="sweep")

    def _frames(self, now: datetime, report: SweepReport) -> None:
        """Storyboard frames live as long as their job: a frame whose job expired or is
        gone is deleted (on Google Cloud a lifecycle rule on the prefix does it too).
        Frames are named by a token the job keeps privately, not by its id."""
        prefix = self.settings.results_prefix
        verdicts: dict[str, bool] = {}
        for obj in self.storage.list(prefix, self.settings.sweep_batch):
            token = jobs.frames_token_of(obj.name, prefix)
            if token not in verdicts:
                verdicts[token] = frames_expired(self._frames_job(token), now)
            if verdicts[token] and self.storage.delete(obj.name, obj.generation):
                report.deleted.append(obj.name)

    def _frames_job(self, token: str) -> dict[str, Any] | None:
        """The job whose frames `token` names (a job made before frames tokens named
        them by its id)."""
        if not jobs.is_job_id(token):
            return None
        return self.store.by_frames(token) or self.store.get(token)
