"""Validation of the upload request: plain Python, no cloud imports."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from shared.core.messages import LANGUAGES, error_message
from shared.core.settings import MIME_EXTENSIONS


@dataclass(frozen=True)
class UploadRequest:
    filename: str
    content_type: str
    size: int
    language: str


@dataclass(frozen=True)
class Rejection:
    status: int
    code: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


MAX_FILENAME = 255


def clean_filename(name: str) -> str:
    """The user's file name for display only: no paths, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name.strip()[:MAX_FILENAME]


def validate_upload_request(body: Any, *, max_bytes: int) -> UploadRequest | Rejection:
    def reject(status: int, code: str, **params: object) -> Rejection:
        return Rejection(status, code, error_message(code, **params))

    if not isinstance(body, dict):
        return reject(400, "bad_request")
    filename, content_type, size = body.get("filename"), body.get("content_type"), body.get("size")
    language = body.get("language", "ru")
    if not isinstance(filename, str) or not clean_filename(filename):
        return reject(400, "bad_filename")
    if not isinstance(content_type, str):
        return reject(400, "bad_request")
    if isinstance(size, bool) or not isinstance(size, int):
        return reject(400, "bad_request")
    if not isinstance(language, str) or language not in LANGUAGES:
        return reject(400, "bad_language", languages=", ".join(LANGUAGES))
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime not in MIME_EXTENSIONS:
        return reject(415, "unsupported_type")
    if size <= 0:
        return reject(400, "empty_file")
    if size > max_bytes:
        return reject(413, "file_too_large", max_mb=max_bytes // (1024 * 1024))
    return UploadRequest(clean_filename(filename), mime, size, language)
