"""The momentary loudness curve of the timeline (LUFS every 0.5 s), against pyloudnorm."""

from __future__ import annotations

import numpy as np
import pyloudnorm

from shared.measure.audio import LOUDNESS_RATE, LoudnessMeter


def test_curve_follows_the_signal_and_matches_pyloudnorm() -> None:
    rate = LOUDNESS_RATE
    t = np.arange(rate * 2) / rate
    tone = 0.3 * np.sin(2 * np.pi * 1000 * t)
    signal = np.concatenate([tone, np.zeros(rate)])  # 2 s of tone, 1 s of silence
    stereo = np.stack([signal, signal])
    meter = LoudnessMeter(rate, 2)
    for start in range(0, stereo.shape[1], 4800):  # fed in 100 ms blocks
        meter.feed(stereo[:, start : start + 4800])
    curve = meter.curve(0.5)
    assert len(curve) == 6
    expected = pyloudnorm.Meter(rate, block_size=0.4).integrated_loudness(stereo[:, 4000:24000].T)
    assert curve[1] is not None and abs(curve[1] - expected) < 0.5  # a block inside the tone
    assert curve[-1] is None  # silence: below the -70 LUFS gate
    assert curve[0] is not None and curve[0] > curve[1] - 1.0
