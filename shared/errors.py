"""Exceptions that say how a job should end.

`PermanentError` ends the job in FAILURE with a Russian message and the Pub/Sub
message is acknowledged. `TransientError` is raised out of the function so
Pub/Sub delivers the message again (429s, 5xx, timeouts).
"""

from __future__ import annotations

from shared.messages import error_message


class JobError(Exception):
    def __init__(self, code: str, detail: str = "", **params: object) -> None:
        self.code = code
        self.detail = detail
        self.params = params
        super().__init__(f"{code}: {detail}" if detail else code)

    @property
    def user_message(self) -> str:
        return error_message(self.code, **self.params)


class PermanentError(JobError):
    """The job cannot succeed; retrying would not help."""


class TransientError(JobError):
    """Worth another delivery: the service was busy or slow."""


class RetryLater(Exception):
    """Another worker holds a live claim on this job; ask for redelivery."""
