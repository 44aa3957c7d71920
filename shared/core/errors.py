"""Exceptions that say how a job should end.

`PermanentError` ends the job in FAILURE with a Russian message and the Pub/Sub
message is acknowledged. `TransientError` is raised out of the function so
Pub/Sub delivers the message again (429s, 5xx, timeouts). Both carry an
`ErrorCode`; a string that is not one fails at once (ValueError), never silently.
"""

from __future__ import annotations

from shared.core.messages import ErrorCode, error_message

__all__ = [
    "ErrorCode",
    "JobError",
    "PermanentError",
    "TransientError",
    "is_programming_error",
]


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


# What a bug raises (ours or a library's on input it did not expect): running the
# same code on the same bytes again raises it again. Outages are OSError (connections,
# timeouts) or a client library's own errors, and stay worth a retry.
PROGRAMMING_ERRORS: tuple[type[BaseException], ...] = (
    ArithmeticError,
    AssertionError,
    AttributeError,
    LookupError,
    NameError,
    NotImplementedError,
    RecursionError,
    TypeError,
    ValueError,
)


def is_programming_error(exc: BaseException) -> bool:
    """A bug, not a transient fault: fail fast, never five full runs."""
    return isinstance(exc, PROGRAMMING_ERRORS) and not isinstance(exc, JobError)
