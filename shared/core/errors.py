"""Exceptions that say how a job should end.

`PermanentError` ends the job in FAILURE with a Russian message and the Pub/Sub
message is acknowledged. `TransientError` is raised out of the function so
Pub/Sub delivers the message again (429s, 5xx, timeouts). Both carry an
`ErrorCode`; a string that is not one fails at once (ValueError), never silently.
"""

from __future__ import annotations

from shared.core.messages import ErrorCode, error_message

__all__ = ["ErrorCode", "JobError", "PermanentError", "TransientError"]


class JobError(Exception):
    def __init__(self, code: ErrorCode | str, detail: str = "", **params: object) -> None:
        self.code = ErrorCode(code)
        self.detail = detail
        self.params = params
        super().__init__(f"{self.code}: {detail}" if detail else str(self.code))

    @property
    def user_message(self) -> str:
        return error_message(self.code, **self.params)


class PermanentError(JobError):
    """The job cannot succeed; retrying would not help."""


class TransientError(JobError):
    """Worth another delivery: the service was busy or slow."""
