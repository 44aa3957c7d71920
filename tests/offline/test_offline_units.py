"""Fast tests of the offline analyzer's pieces: no media files, no Whisper."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from shared.core.measurements import Measurements, Segment, Shot, Transcript, Word


def test_package_import_is_cheap() -> None:
    code = (
        "import sys, shared.analyzers.offline, shared.core.measurements;"
        "heavy = [m for m in ('av', 'cv2', 'faster_whisper', 'ctranslate2', 'scenedetect',"
        " 'pyloudnorm', 'scipy', 'numpy') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"importing shared.analyzers.offline pulled in {out}"


# ----- OCR text clean-up ------------------------------------------------------------


def test_latin_lookalikes_inside_cyrillic_words_become_cyrillic() -> None:
    from shared.measure.scripts import fix_mixed_script

    assert fix_mixed_script("Пpивет") == "Привет"  # Latin p
    assert fix_mixed_script("кaнaл") == "канал"  # Latin a
    assert fix_mixed_script("Hеllo") == "Hello"  # Cyrillic е in a Latin word
    assert fix_mixed_script("Привет") == "Привет"
    assert fix_mixed_script("Hello") == "Hello"
    # A Latin letter without a Cyrillic twin: leave the word alone.
    assert fix_mixed_script("Пrивет") == "Пrивет"


def test_whole_lookalike_words_follow_the_line_script() -> None:
    from shared.measure.scripts import normalize_line

    assert normalize_line(["Подпишись", "Ha", "канал"]) == "Подпишись На канал"
    assert normalize_line(["THREE", "WAYS", "то", "COOK"]) == "THREE WAYS To COOK"
    assert normalize_line(["Как", "приготовить", "рис"]) == "Как приготовить рис"


def test_texture_like_lines_are_dropped() -> None:
    from shared.measure.ocr import _keep_line

    assert _keep_line(["Subscribe", "for", "more"], [96, 95, 96]) is not None
    assert _keep_line(["ttf", "tid", "tt", "fi"], [40, 35, 30, 20]) is None  # low confidence
    assert _keep_line(["|", "{<", "%"], [90, 90, 90]) is None  # no letters
    assert _keep_line(["ii", "Ш"], [80, 80]) is None  # no real word
    kept = _keep_line(["ТОП", "5", "ОШИБОК"], [95, 93, 96])
    assert kept is not None and kept[0] == ["ТОП", "5", "ОШИБОК"]


def test_tsv_lines_are_split_by_panel() -> None:
    from shared.measure.ocr import _parse_tsv

    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t10\t100\t50\t20\t95.0\tHello",
        "5\t1\t1\t1\t1\t2\t70\t100\t50\t20\t94.0\tworld",
        "5\t1\t2\t1\t1\t1\t10\t1400\t50\t20\t91.0\tПривет",
        "5\t1\t2\t1\t1\t2\t70\t1400\t50\t20\t-1\t",
    ]
    panels = _parse_tsv("\n".join([header, *rows]), 1000, ["frame", "light", "dark"])
    assert [ln["words"] for ln in panels["frame"]] == [["Hello", "world"]]
    assert [ln["words"] for ln in panels["light"]] == [["Привет"]]
    assert panels["dark"] == []


def test_big_blobs_are_removed_from_masks() -> None:
    from shared.measure.ocr import _clean_mask

    sel = np.zeros((200, 100), bool)
    sel[0:150, 0:40] = True  # a bar: not a letter
    sel[170:180, 60:66] = True  # letter-sized
    out = _clean_mask(sel)
    assert out[10, 10] == 255  # removed (white)
    assert out[175, 62] == 0  # kept (black)


# ----- loudness ---------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [0.45, 3.37, 12.0])
@pytest.mark.parametrize("channels", [1, 2])
def test_streamed_loudness_equals_pyloudnorm(seconds: float, channels: int) -> None:
    import pyloudnorm
    from scipy import signal

    from shared.measure.audio import LoudnessMeter, TruePeakMeter

    rng = np.random.default_rng(7)
    n = int(48000 * seconds)
    envelope = np.abs(np.sin(np.linspace(0, 9, n)))[:, None]
    x = rng.standard_normal((n, channels)) * 0.08 * envelope
    x[: n // 4] *= 0.002  # a quiet start the gates must drop
    expected = pyloudnorm.Meter(48000).integrated_loudness(x)
    meter, peak = LoudnessMeter(48000, channels), TruePeakMeter(channels)
    for i in range(0, n, 1021):  # odd block size: step boundaries fall mid-block
        meter.feed(x[i : i + 1021].T)
        peak.feed(x[i : i + 1021].T)
    assert meter.integrated() == pytest.approx(expected, abs=1e-6)
    oversampled = signal.resample_poly(x, 4, 1, axis=0)
    assert peak.dbtp() == pytest.approx(20 * math.log10(np.abs(oversampled).max()), abs=0.01)


def test_true_peak_sees_intersample_peaks() -> None:
    from shared.measure.audio import TruePeakMeter

    # A sine at fs/4 sampled off its crests: samples peak at 0.707, the wave at 1.0.
    t = np.arange(48000)
    x = np.sin(2 * np.pi * t / 4 + np.pi / 4)[None, :]
    meter = TruePeakMeter(1)
    meter.feed(x)
    assert np.abs(x).max() == pytest.approx(0.7071, abs=1e-3)
    assert meter.dbtp() == pytest.approx(0.0, abs=0.3)


def test_silence_has_no_loudness() -> None:
    from shared.measure.audio import LoudnessMeter

    meter = LoudnessMeter(48000, 2)
    meter.feed(np.zeros((2, 48000)))
    assert meter.integrated() is None


# ----- speech statistics ------------------------------------------------------------


def test_speech_stats() -> None:
    from shared.measure.speech import stats

    s = stats([(0.5, 2.0), (3.0, 4.0)], 10.0)
    assert s.speech_start_sec == 0.5
    assert s.speech_share == pytest.approx(0.25)
    assert s.silent_tail_sec == pytest.approx(6.0)
    empty = stats([], 10.0)
    assert (empty.speech_start_sec, empty.speech_share, empty.silent_tail_sec) == (None, 0.0, None)


def test_clips_are_padded_and_merged() -> None:
    from shared.measure.speech import _clips

    assert _clips([(0.1, 1.0), (1.5, 2.0), (5.0, 6.0)], 6.2) == [0.0, 2.3, 4.7, 6.2]


# ----- measurements and result ------------------------------------------------------


def _measurements(**overrides) -> Measurements:
    words = [Word(0.4, 0.8, "Привет"), Word(0.9, 1.3, "всем"), Word(2.1, 2.6, "смотрите")]
    base = dict(
        duration_sec=12.0,
        width=1080,
        height=1920,
        fps=30.0,
        video_codec="h264",
        audio_codec="aac",
        has_audio=True,
        shots=[
            Shot(0, 0.0, 2.0, 1.0, "Три ошибки", 0.5, 0.2, 40.0, "blue", 0.01, 95.0),
            Shot(1, 2.0, 4.0, 3.0, "", 0.6, 0.2, 20.0, "green", 0.02, None),
            Shot(2, 4.0, 12.0, 8.0, "", 0.1, 0.1, 10.0, "black", 0.0, None),
        ],
        transcript=Transcript(
            "ru", 0.99, "Привет всем смотрите", [Segment(0.4, 2.6, "Привет всем смотрите", words)]
        ),
        speech_start_sec=0.4,
        speech_share=0.2,
        silent_tail_sec=9.4,
        loudness_lufs=-22.5,
        true_peak_dbtp=-0.2,
        versions={"av": "x"},
    )
    base.update(overrides)
    return Measurements(**base)


def test_summary_is_json_safe_and_cuts_are_shot_starts() -> None:
    m = _measurements()
    assert m.cuts() == [2.0, 4.0]
    summary = json.loads(json.dumps(m.summary()))
    assert summary["cuts_sec"] == [2.0, 4.0]
    assert summary["shots_with_text"] == 1
    assert summary["text_share"] == pytest.approx(2 / 12, abs=0.01)


def test_result_cites_measured_numbers() -> None:
    from shared.analyzers.offline.report import build_result

    result = build_result(_measurements())
    recs = {r.text for r in result.recommendations}
    joined = " ".join(recs)
    assert "−22,5 LUFS" in joined  # too quiet: the value and the target
    assert "−14 LUFS" in joined
    assert "−0,2 dBTP" in joined  # peak over -1 dBTP
    assert "9,4 с без речи" in joined  # silent tail
    assert not any("Средний план" in r for r in recs)  # 4 s on average: under 6 s
    for key in result.keys:
        assert any(ch.isdigit() for ch in key.description), key
    assert [k.title for k in result.keys] == [
        "Хук: обещание списка",  # «Три ошибки» on screen: the hook card's verdict
        "Голос с первой секунды",
        "Монтаж",  # measured facts fill the rest; the frame size is no reason it works
        "Речь",
        "Текст в кадре",
    ]
    assert [row.note for row in result.script] == ["Привет всем", "смотрите", ""]
    assert [row.time for row in result.script] == ["0:00-0:02", "0:02-0:04", "0:04-0:12"]
    assert result.original.translation == result.original.transcription
    assert result.meta.engine == "offline"
    assert result.meta.language == "ru"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (  # no caption before the words: a late voice is the opening's fault
            {
                "speech_start_sec": 2.4,
                "shots": [Shot(0, 0.0, 2.0, 1.0, ""), Shot(1, 2.0, 12.0, 7.0, "")],
            },
            "Речь начинается только на 2,4 с",
        ),
        ({"shots": [Shot(0, 0.0, 12.0, 6.0, "")]}, "один план длиной 12 с"),
        ({"width": 1920, "height": 1080}, "горизонтальный"),
        ({"loudness_lufs": -6.0, "true_peak_dbtp": -1.5}, "громче ориентира"),
        ({"fps": 15.0}, "Частота 15 кадров/с"),
        ({"has_audio": False, "transcript": None, "loudness_lufs": None}, "нет звуковой дорожки"),
        ({"warnings": ["truncated"]}, "обрезан"),
    ],
)
def test_threshold_rules(overrides: dict, expected: str) -> None:
    from shared.analyzers.offline.report import build_result

    result = build_result(_measurements(**overrides))
    assert any(expected in r.text for r in result.recommendations), [
        r.text for r in result.recommendations
    ]


def test_foreign_speech_is_not_translated() -> None:
    from shared.analyzers.offline.report import build_result

    m = _measurements(
        transcript=Transcript("en", 0.9, "Hello there", [Segment(0.4, 1.0, "Hello there", [])])
    )
    result = build_result(m, language="ru")
    assert result.original.transcription == "Hello there"
    assert result.original.translation is None
    assert "английский" in (result.meta.translation_note or "")
    same = build_result(m, language="en")
    assert same.original.translation == "Hello there"


def test_russian_numbers() -> None:
    from shared.analyzers.offline.text import num, of_shots, shots_word

    assert num(2.0) == "2"
    assert num(2.45) == "2,5" or num(2.45) == "2,4"
    assert num(-14.0, 0) == "−14"
    assert (
        shots_word(1) == "1 план" and shots_word(3) == "3 плана" and shots_word(11) == "11 планов"
    )
    assert of_shots(21) == "из 21 плана" and of_shots(4) == "из 4 планов"
