"""Never paid twice: the result of the same bytes, analysed the same way, is reused.

The key is the uploaded object's checksums as Cloud Storage computed them (CRC32C,
always there; MD5, absent for composite objects) and its size, plus everything that
changes the result: the engine and its settings (the analyzer's `fingerprint`: model,
fallbacks, API version, thinking, resolutions, fps, alignment), the output language,
the topic, and the code (a hash of `shared/`: a deploy starts a new cache). The cache
entry names the job that holds the result; the result itself stays in that job only,
so nothing is stored twice and an entry dies with its job (the same `expires_at`).

Only a clean result is cached: made by the configured engine and model, with no notice
(an offline stand-in for a misconfigured Gemini must not outlive the fix).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

CACHE_VERSION = 1  # bump when the same inputs would now give another result
SHARED = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the Python sources of `shared/` (what the functions run)."""
    digest = hashlib.sha256()
    for path in sorted(SHARED.rglob("*.py")):
        digest.update(str(path.relative_to(SHARED)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(
    *,
    crc32c: str | None,
    md5: str | None,
    size: int | None,
    engine: str,
    fingerprint: str,
    language: str,
    topic: str | None,
) -> str | None:
    """The key of one analysis, or None when the object's checksums are unknown."""
    if not crc32c and not md5:
        return None
    raw = [
        CACHE_VERSION,
        code_version(),
        crc32c or "",
        md5 or "",
        size,
        engine,
        fingerprint,
        language,
        " ".join((topic or "").split()),
    ]
    return hashlib.sha256(json.dumps(raw, ensure_ascii=False).encode()).hexdigest()


def cacheable(result: dict[str, Any]) -> bool:
    """A result made as configured: no notice, no fallback model."""
    meta = result.get("meta") or {}
    return not meta.get("notices") and not meta.get("models_tried")


def entry(job_id: str, *, engine: str, model: str | None, expires_at: Any) -> dict[str, Any]:
    """A cache document: which job holds the result, until when."""
    return {"job_id": job_id, "engine": engine, "model": model, "expires_at": expires_at}
