"""Audio from one pass over the decoded frames: 16 kHz mono for speech, and loudness.

Loudness is measured as it streams, so memory does not grow with the file: the
K-weighting filters are pyloudnorm's (ITU-R BS.1770-4), run with carried filter
state; 100 ms sums of squares are kept (ten floats a second) and gated at the end
exactly as `pyloudnorm.Meter.integrated_loudness` gates its 400 ms blocks with 75 %
overlap. True peak is the peak of the signal oversampled 4x (polyphase FIR,
`scipy.signal.resample_poly`) over overlapping chunks.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

SPEECH_RATE = 16000
LOUDNESS_RATE = 48000
STEP_SEC = 0.1  # gating step: 400 ms blocks with 75 % overlap
BLOCK_STEPS = 4
ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
MAX_SPEECH_SEC = 10 * 60  # speech audio kept for Whisper (64 KB a second); the rest is not heard


class LoudnessMeter:
    """Integrated loudness (LUFS) of a stream of float blocks shaped (channels, n)."""

    def __init__(self, rate: int, channels: int) -> None:
        import numpy as np
        import pyloudnorm
        from scipy import signal

        meter = pyloudnorm.Meter(rate)  # K-weighting
        self._stages = []
        for stage in meter._filters.values():
            b, a = np.asarray(stage.b, float), np.asarray(stage.a, float)
            zi = signal.lfilter_zi(b, a) * 0.0
            self._stages.append((b, a, stage.passband_gain, np.tile(zi, (channels, 1))))
        self.rate = rate
        self.channels = channels
        self.step = round(rate * STEP_SEC)
        self._carry = np.zeros((channels, 0))
        self._steps: list[np.ndarray] = []  # per step: sum of squares per channel
        self.samples = 0

    def feed(self, block: np.ndarray) -> None:
        import numpy as np
        from scipy import signal

        x = np.asarray(block, dtype=np.float64)
        self.samples += x.shape[1]
        stages = []
        for b, a, gain, zi in self._stages:
            x, zf = signal.lfilter(b, a, x, axis=1, zi=zi)
            x = gain * x
            stages.append((b, a, gain, zf))
        self._stages = stages
        x = np.concatenate([self._carry, x], axis=1)
        full = x.shape[1] // self.step
        if full:
            sums = np.square(x[:, : full * self.step]).reshape(self.channels, full, self.step)
            self._steps.extend(sums.sum(axis=2).T)
        self._carry = x[:, full * self.step :]

    def curve(self, step_sec: float) -> list[float | None]:
        """Momentary loudness (LUFS of the 400 ms block ending at each step's end) every
        `step_sec`; None where quieter than the absolute gate (silence)."""
        import numpy as np

        per = round(step_sec / STEP_SEC)
        steps = np.array(self._steps) if self._steps else np.zeros((0, self.channels))
        out: list[float | None] = []
        for end in range(per, len(steps) + 1, per):
            block = steps[max(0, end - BLOCK_STEPS) : end]
            power = float(block.sum()) / (len(block) * self.step)
            value = -0.691 + 10.0 * math.log10(power) if power > 0 else -math.inf
            out.append(round(value, 1) if value >= ABSOLUTE_GATE else None)
        return out

    def integrated(self) -> float | None:
        """LUFS, or None for under 0.4 s of audio or digital silence."""
        import numpy as np

        total = self.samples / self.rate
        block = STEP_SEC * BLOCK_STEPS
        if total < block:
            return None
        steps = list(self._steps)
        if self._carry.shape[1]:
            steps.append(np.square(self._carry).sum(axis=1))
        per_step = np.array(steps).T  # (channels, steps)
        n_blocks = int(np.round((total - block) / (block * 0.25))) + 1
        pad = max(0, n_blocks + BLOCK_STEPS - 1 - per_step.shape[1])
        per_step = np.pad(per_step, ((0, 0), (0, pad)))
        window = np.ones(BLOCK_STEPS)
        z = np.stack([np.convolve(ch, window, mode="valid")[:n_blocks] for ch in per_step]) / (
            block * self.rate
        )
        gains = np.ones(self.channels)  # L, R (and mono) weigh 1.0
        power = (gains[:, None] * z).sum(axis=0)
        with np.errstate(divide="ignore"):
            loud = -0.691 + 10.0 * np.log10(power)
        gated = loud >= ABSOLUTE_GATE
        if not gated.any():
            return None
        relative = -0.691 + 10.0 * math.log10((gains * z[:, gated].mean(axis=1)).sum())
        relative += RELATIVE_GATE
        gated &= loud > relative
        if not gated.any():
            return None
        value = -0.691 + 10.0 * math.log10((gains * z[:, gated].mean(axis=1)).sum())
        return value if math.isfinite(value) else None


class TruePeakMeter:
    """Peak of the 4x-oversampled signal, in dBTP."""

    CONTEXT = 64  # samples of overlap each side (the FIR is ~40 taps at the input rate)
    CHUNK = 48000

    def __init__(self, channels: int) -> None:
        import numpy as np

        self.channels = channels
        self._buf = np.zeros((channels, self.CONTEXT))  # leading context: silence
        self.peak = 0.0

    def feed(self, block: np.ndarray) -> None:
        import numpy as np

        self._buf = np.concatenate([self._buf, np.asarray(block, np.float64)], axis=1)
        while self._buf.shape[1] >= 2 * self.CONTEXT + self.CHUNK:
            self._run(self._buf[:, : 2 * self.CONTEXT + self.CHUNK])
            self._buf = self._buf[:, self.CHUNK :]

    def _run(self, x: np.ndarray) -> None:
        import numpy as np
        from scipy import signal

        up = signal.resample_poly(x, 4, 1, axis=1)
        body = up[:, 4 * self.CONTEXT : up.shape[1] - 4 * self.CONTEXT]
        if body.size:
            self.peak = max(self.peak, float(np.abs(body).max()))
        core = x[:, self.CONTEXT : x.shape[1] - self.CONTEXT]
        if core.size:
            self.peak = max(self.peak, float(np.abs(core).max()))

    def dbtp(self) -> float | None:
        import numpy as np

        if self._buf.shape[1] > self.CONTEXT:
            tail = np.zeros((self.channels, self.CONTEXT))
            self._run(np.concatenate([self._buf, tail], axis=1))
            self._buf = self._buf[:, -self.CONTEXT :]
        if self.peak <= 0:
            return None
        return 20.0 * math.log10(self.peak)


class AudioCollector:
    """Feed decoded `av.AudioFrame`s; keeps 16 kHz mono for Whisper and measures loudness.

    `offset` is where the audio stream starts on the video's timeline (seconds):
    the speech buffer is padded or trimmed so index 0 is the video's 0. With
    `speech=False` no speech is kept, with `loudness=False` none is measured (two
    passes can then share the work: the speech is ready long before the loudness).
    """

    def __init__(
        self, channels: int, offset: float = 0.0, *, speech: bool = True, loudness: bool = True
    ) -> None:
        import av

        layout = "stereo" if channels >= 2 else "mono"
        self.channels = 2 if channels >= 2 else 1
        self._speech_rs = (
            av.AudioResampler(format="flt", layout="mono", rate=SPEECH_RATE) if speech else None
        )
        self._loud_rs = (
            av.AudioResampler(format="fltp", layout=layout, rate=LOUDNESS_RATE)
            if loudness
            else None
        )
        self.loudness = LoudnessMeter(LOUDNESS_RATE, self.channels) if loudness else None
        self.true_peak = TruePeakMeter(self.channels) if loudness else None
        self._speech: list[np.ndarray] = []
        self._speech_samples = 0
        self._offset_samples = round(offset * SPEECH_RATE)
        self.frames = 0
        self.capped = False  # True when speech past MAX_SPEECH_SEC was not kept

    def feed(self, frame: Any) -> None:  # av.AudioFrame, or None to flush
        if self._speech_rs is not None:
            for out in self._speech_rs.resample(frame):
                self._keep_speech(out.to_ndarray().reshape(-1))
        if self._loud_rs is not None and self.loudness and self.true_peak:
            for out in self._loud_rs.resample(frame):
                block = out.to_ndarray()
                self.loudness.feed(block)
                self.true_peak.feed(block)
        if frame is not None:
            self.frames += 1

    def _keep_speech(self, samples: np.ndarray) -> None:
        room = MAX_SPEECH_SEC * SPEECH_RATE - self._speech_samples
        if samples.shape[0] > room:
            self.capped = True
            samples = samples[: max(0, room)]
        if not samples.shape[0]:
            return
        self._speech.append(samples.copy())
        self._speech_samples += samples.shape[0]

    def finish(self) -> tuple[np.ndarray, float | None, float | None]:
        """(16 kHz mono float32 on the video's timeline, LUFS, dBTP)."""
        import numpy as np

        self.feed(None)
        speech = np.concatenate(self._speech) if self._speech else np.zeros(0, dtype=np.float32)
        self._speech = []
        if self._offset_samples > 0:
            speech = np.concatenate([np.zeros(self._offset_samples, np.float32), speech])
        elif self._offset_samples < 0:
            speech = speech[-self._offset_samples :]
        return (
            speech.astype(np.float32, copy=False),
            self.loudness.integrated() if self.loudness else None,
            self.true_peak.dbtp() if self.true_peak else None,
        )

    def curve(self, step_sec: float) -> list[float | None]:
        """Momentary loudness every `step_sec` (empty when loudness is not measured)."""
        return self.loudness.curve(step_sec) if self.loudness else []
