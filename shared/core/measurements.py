"""What the offline pass measures of a video: plain dataclasses, no heavy imports.

`Measurements` is produced by the measurement step (`shared.measure.measure()`) and
handed to whichever analyzer runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.core import music
from shared.core.stills import Still


@dataclass
class Word:
    start: float
    end: float
    text: str


@dataclass
class Segment:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)


@dataclass
class Transcript:
    language: str | None
    language_probability: float | None
    text: str
    segments: list[Segment] = field(default_factory=list)

    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]

    def words_between(self, start: float, end: float) -> list[Word]:
        """Words whose midpoint falls in [start, end)."""
        return [w for w in self.words() if start <= (w.start + w.end) / 2 < end]


LOUDNESS_STEP_SEC = 0.5


def orientation(width: int, height: int) -> str:
    """ "vertical" (a phone's reel), "horizontal" or "square"."""
    if height > width:
        return "vertical"
    if width > height:
        return "horizontal"
    return "square"


@dataclass
class Caption:
    start: float
    end: float
    text: str


# How the camera moves in a shot (measured by shared.measure.camera).
CAMERA_MOVES = (
    "static",
    "pan_left",
    "pan_right",
    "tilt_up",
    "tilt_down",
    "zoom_in",
    "zoom_out",
    "handheld",
)
# Where on-screen text sits in a keyframe (shared.measure.textlines).
TEXT_POSITIONS = ("top", "middle", "bottom")


@dataclass
class Shot:
    index: int
    start: float
    end: float
    keyframe_time: float
    text: str = ""  # OCR text of the keyframe, "" if none
    # Measured facts of the keyframe (None when no keyframe could be decoded).
    brightness: float | None = None  # mean luma, 0..1
    contrast: float | None = None  # luma standard deviation, 0..1
    colorfulness: float | None = None  # Hasler–Süsstrunk metric, ~0..150
    dominant_color: str | None = None  # a colour key (see shared.analyzers.offline.looks)
    motion: float | None = None  # mean absolute luma change between sampled frames, 0..1
    ocr_confidence: float | None = None  # mean word confidence of `text`, 0..100
    # The shot as a filmmaker sees it (None when not measured).
    faces: int | None = None  # faces found in the keyframe
    # The largest face's height / frame height and width / frame width: 0 if none, 1 for
    # a face larger than the frame.
    face_height: float | None = None
    face_width: float | None = None
    camera: str | None = None  # one of CAMERA_MOVES
    camera_pan_x: float | None = None  # camera velocity, frame widths/s (+ = to the right)
    camera_pan_y: float | None = None  # camera velocity, frame heights/s (+ = down)
    camera_zoom: float | None = None  # log scale per second (+ = zooming in)
    camera_shake: float | None = None  # rms jitter of the picture per ~0.2 s, share of frame
    text_position: str | None = None  # where text-like lines sit: one of TEXT_POSITIONS
    warmth: float | None = None  # mean CIELAB b* of the lit pixels (+ warm/yellow, - cold/blue)

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


@dataclass
class Measurements:
    duration_sec: float
    width: int
    height: int
    fps: float | None
    video_codec: str | None
    audio_codec: str | None
    has_audio: bool
    shots: list[Shot] = field(default_factory=list)
    transcript: Transcript | None = None
    speech_start_sec: float | None = None  # first voiced moment, None if no speech
    speech_share: float = 0.0  # share of the duration with speech, 0..1
    silent_tail_sec: float | None = None  # time from the end of speech to the end of the video
    loudness_lufs: float | None = None  # integrated loudness (ITU-R BS.1770)
    true_peak_dbtp: float | None = None  # 4x oversampled peak
    versions: dict[str, str] = field(default_factory=dict)
    speech_model: str | None = None  # the speech recognition model, for meta.model
    # Momentary loudness (LUFS, 400 ms windows) every LOUDNESS_STEP_SEC; None = silence.
    loudness_curve: list[float | None] = field(default_factory=list)
    motion_first_sec: float | None = None  # mean luma change over the first second, 0..1
    # On-screen text with when it is shown, where read finer than once per shot.
    captions: list[Caption] = field(default_factory=list)
    # The sound per LOUDNESS_STEP_SEC step: one of music.SOUND_LABELS ([] = not measured).
    sound: list[str] = field(default_factory=list)
    tempo_bpm: float | None = None  # the music's tempo, None without music
    beats: list[float] = field(default_factory=list)  # the music's beats, seconds
    # What limited the measurement: "truncated" (decoding stopped before the stated
    # duration), "decode_errors", "read_error", "ocr_capped", "ocr_unavailable",
    # "speech_capped" (only the first audio.MAX_SPEECH_SEC were transcribed),
    # "speech_failed" (transcription raised a bug: no transcript, the rest stands),
    # "music_failed" (the music measurement raised a bug: no sound labels, tempo, beats).
    warnings: list[str] = field(default_factory=list)
    # The storyboard's stills, one per shot (`shared.core.stills`): not part of a result.
    stills: list[Still] = field(default_factory=list, repr=False, compare=False)

    @property
    def orientation(self) -> str:
        return orientation(self.width, self.height)

    def cuts(self) -> list[float]:
        """Cut timestamps: the start of every shot after the first."""
        return [s.start for s in self.shots[1:]]

    @property
    def average_shot_sec(self) -> float | None:
        if not self.shots:
            return None
        return self.duration_sec / len(self.shots)

    @property
    def first_cut_sec(self) -> float | None:
        cuts = self.cuts()
        return cuts[0] if cuts else None

    @property
    def text_share(self) -> float:
        """Share of the duration covered by shots whose keyframe has on-screen text."""
        if not self.shots or self.duration_sec <= 0:
            return 0.0
        covered = sum(s.duration for s in self.shots if s.text)
        return min(1.0, covered / self.duration_sec)

    @property
    def music_share(self) -> float:
        return music.share(self.sound, "music")

    @property
    def beat_period_sec(self) -> float | None:
        return 60.0 / self.tempo_bpm if self.tempo_bpm else None

    def cuts_on_beat(self) -> tuple[int, int]:
        """(cuts within music.BEAT_TOLERANCE_SEC of a beat, cuts while the music plays)."""
        return music.cuts_on_beat(self.cuts(), self.beats, self.beat_period_sec)

    def music_events(self) -> list[music.MusicEvent]:
        return music.events(self.sound, self.loudness_curve, LOUDNESS_STEP_SEC)

    @property
    def voice_over_music_lu(self) -> float | None:
        return music.voice_over_music_lu(self.sound, self.loudness_curve)

    def summary(self) -> dict[str, Any]:
        """A compact, JSON-safe dict (for result.meta.measurements)."""

        def r(value: float | None, digits: int = 2) -> float | None:
            return None if value is None else round(float(value), digits)

        transcript = self.transcript
        return {
            "duration_sec": r(self.duration_sec),
            "width": self.width,
            "height": self.height,
            "orientation": self.orientation,
            "fps": r(self.fps),
            "video_codec": self.video_codec,
            "audio_codec": self.audio_codec,
            "has_audio": self.has_audio,
            "shots": len(self.shots),
            "cuts_sec": [r(c) for c in self.cuts()],
            "average_shot_sec": r(self.average_shot_sec),
            "first_cut_sec": r(self.first_cut_sec),
            "text_share": r(self.text_share),
            "shots_with_text": sum(1 for s in self.shots if s.text),
            "speech_language": transcript.language if transcript else None,
            "speech_language_probability": r(transcript.language_probability)
            if transcript
            else None,
            "words": len(transcript.words()) if transcript else 0,
            "speech_start_sec": r(self.speech_start_sec),
            "speech_share": r(self.speech_share),
            "silent_tail_sec": r(self.silent_tail_sec),
            "loudness_lufs": r(self.loudness_lufs, 1),
            "true_peak_dbtp": r(self.true_peak_dbtp, 1),
            "music_share": r(self.music_share),
            "tempo_bpm": r(self.tempo_bpm, 1),
            "beats": len(self.beats),
            "cuts_on_beat": list(self.cuts_on_beat()),
            "music_events": [[e.time_sec, e.kind, e.change_lu] for e in self.music_events()],
            "voice_over_music_lu": r(self.voice_over_music_lu, 1),
            "warnings": list(self.warnings),
        }
