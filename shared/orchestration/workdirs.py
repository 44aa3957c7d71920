"""A job's download folder, and the folders killed workers left behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# A job's download folder: /tmp/reels-work-<pid>-<random>. A folder whose process is
# gone was left by a worker that was killed; the next worker removes it at start.
WORKDIR_PREFIX = "reels-work-"


def remove_stale_workdirs(root: Path | None = None) -> list[Path]:
    """Remove download folders of processes that no longer run (killed workers)."""
    removed = []
    for folder in (root or Path(tempfile.gettempdir())).glob(f"{WORKDIR_PREFIX}*"):
        pid = folder.name.removeprefix(WORKDIR_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
