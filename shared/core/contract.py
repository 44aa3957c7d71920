"""What every client must agree on with the functions, as one JSON document.

The web page bundles it at build time (`web/build.sh` writes it with
`python -m shared.core.contract`), the CLI and the local stack import it, and a
test feeds the same job documents to `jobs.public_status` and to the page's own
status code. Settings-dependent limits come from `limits(settings)`, served at
run time in the page's `config.json`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from shared.core import jobs
from shared.core.messages import (
    ERRORS,
    LANGUAGES,
    NOTICES,
    STAGE_PROGRESS,
    STAGES,
    ErrorCode,
    Notice,
    Stage,
)
from shared.core.settings import MIME_EXTENSIONS, Settings

# File extensions a browser or the CLI may map to an accepted type when the
# file itself says nothing (m4v is MP4 with another name).
EXTENSION_TYPES: dict[str, str] = {
    **{ext: mime for mime, ext in MIME_EXTENSIONS.items()},
    "m4v": "video/mp4",
}
TYPE_NAMES: dict[str, str] = {"video/mp4": "MP4", "video/quicktime": "MOV", "video/webm": "WebM"}


def limits(settings: Settings) -> dict[str, Any]:
    """The limits a deployment sets (config.json on the page)."""
    return {
        "maxFileSizeMb": settings.max_file_size_mb,
        "maxVideoDurationSec": settings.max_video_duration_sec,
        "allowedTypes": list(MIME_EXTENSIONS),
        "listenerSilenceSec": round(settings.claim_lease_sec / 3 * 1.5),
    }


def contract() -> dict[str, Any]:
    """The fixed part: types, messages, stages, states and the derived-failure rules."""
    return {
        "types": dict(MIME_EXTENSIONS),
        "extensionTypes": dict(EXTENSION_TYPES),
        "typeNames": dict(TYPE_NAMES),
        "languages": dict(LANGUAGES),
        "errors": {code.value: ERRORS[code] for code in ErrorCode},
        "notices": {notice.value: NOTICES[notice] for notice in Notice},
        "stages": {
            stage.value: {"text": STAGES[stage], "progress": STAGE_PROGRESS.get(stage)}
            for stage in Stage
        },
        "states": [state.value for state in jobs.State],
        "terminal": sorted(state.value for state in jobs.TERMINAL),
        "uploadGraceSec": int(jobs.UPLOAD_GRACE.total_seconds()),
        "staleAfterSec": int(jobs.STALE_AFTER.total_seconds()),
        "defaults": limits(Settings(_env_file=None)),
    }


def main() -> None:
    json.dump(contract(), sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
