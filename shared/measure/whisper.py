"""faster-whisper's `WhisperModel`, encoding the first window once, not twice.

faster-whisper 1.x `transcribe()` without a language encodes the first 30 s of the
first clip to detect the language, drops that encoder output, then encodes the first
window again to decode it: one encoder pass in three or four was spent twice (about
a second of CPU a job on two cores). Here:

- the language is detected on the first window exactly as Whisper will decode it
  (faster-whisper's own detection starts up to one 10 ms frame earlier, and, when the
  first clip is shorter than 30 s, hears the unvoiced audio after it where the decoded
  window is silent): the same speech heard;
- `encode()` keeps the last window it encoded (per thread, until the next) and returns
  it when asked for the same window again, so that window is encoded once.

When the first clip is shorter than 30 s and another starts within its window,
faster-whisper detects the language as it does (it hears that speech too).

Imported only by `model.py` (it imports faster-whisper).
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.audio import pad_or_trim

Detected = tuple[str, float, list[tuple[str, float]]]  # language, probability, all


class Whisper(WhisperModel):  # type: ignore[misc]
    _last = threading.local()

    def encode(self, features: np.ndarray) -> Any:
        last = getattr(self._last, "window", None)
        if last is not None and np.array_equal(last[0], features):
            self._last.window = None  # asked once more, never again
            return last[1]
        output = super().encode(features)
        self._last.window = (np.array(features, copy=True), output)
        return output

    def transcribe(self, audio: Any, language: str | None = None, **kwargs: Any) -> Any:
        detected = None
        clips = kwargs.get("clip_timestamps")
        if language is None and isinstance(audio, np.ndarray) and isinstance(clips, list):
            detected = self._detect_on_first_window(audio, clips)
            if detected is not None:
                language = detected[0]
        segments, info = super().transcribe(audio, language=language, **kwargs)
        if detected is not None:
            info = dataclasses.replace(
                info, language_probability=detected[1], all_language_probs=detected[2]
            )
        return segments, info

    def _detect_on_first_window(self, audio: np.ndarray, clips: list[float]) -> Detected | None:
        """The language of the first window as `generate_segments` will cut it, unless
        another clip starts within that window (None)."""
        if not self.model.is_multilingual or not clips:
            return None
        features = self.feature_extractor(audio)
        content = features.shape[-1] - 1
        frames = self.feature_extractor.nb_max_frames
        points = [round(t * self.frames_per_second) for t in clips]
        start = points[0]
        end = min(points[1] if len(points) > 1 else content, content)
        if end - start < frames and len(points) > 2 and points[2] - start < frames:
            return None  # more speech in the window: faster-whisper's detection hears it
        size = min(frames, content - start, end - start)
        if size <= 0:
            return None
        output = self.encode(pad_or_trim(features[:, start : start + size]))
        results = self.model.detect_language(output)[0]
        probs = [(token[2:-2], float(p)) for token, p in results]
        return probs[0][0], probs[0][1], probs
