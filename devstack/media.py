"""Test media generated with ffmpeg, espeak-ng and festival: known cuts, captions, speech.

Every generator writes into a folder it is given and returns a `Clip` that says what
went into the file (cut points, captions, spoken sentences), so tests can compare
what was measured with what is known. Generation is deterministic (random sources get fixed seeds) and cheap: small
frames unless a case needs more, `-preset ultrafast`.

    from devstack.media import Part, Speech, make_clip
    clip = make_clip(tmp / "a.mp4", [Part("mandelbrot", 2.0), Part("smptebars", 2.0, caption="Hi")],
                     speech=[Speech("Hello there.", "en", at=0.5)])
    clip.cuts  # [2.0]

System tools: ffmpeg, espeak-ng (English), festival + festvox-ru (Russian),
fonts-dejavu-core (captions); `scripts/install-system-deps.sh` installs them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import wave
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
RU_VOICE = "voice_msu_ru_nsh_clunits"  # festvox-ru's voice

# Sentences with known text, for word error rate checks.
EN_SENTENCE = "Hello everyone. Today I will show you three simple ways to cook rice at home."
RU_SENTENCE = "Привет всем. Сегодня я покажу вам три простых способа приготовить рис дома."

# Background sources that contain no text (testsrc2 draws a timestamp: it has text).
TEXTLESS_SOURCES = (
    "mandelbrot",
    "smptebars",
    "color=c=0x1f4e8c",
    "colorspectrum",
    "sierpinski=seed=7",
    "cellauto=seed=7",
    "color=c=0xd9822b",
    "rgbtestsrc",
)

# x264's output depends on its thread count, which it takes from the CPU count: fixed
# (at what it picks on 2 cores) so a clip is the same on every machine.
X264_THREADS = ("-threads", "3")

CaptionStyle = Literal["light_on_dark", "dark_on_light", "outline"]


@dataclass(frozen=True)
class Part:
    """One shot: a lavfi source for `seconds`, optionally with a burned-in caption."""

    source: str  # e.g. "mandelbrot", "color=c=navy", "testsrc2"
    seconds: float
    caption: str | None = None
    caption_style: CaptionStyle = "light_on_dark"


@dataclass(frozen=True)
class Speech:
    """A sentence spoken (by TTS) starting `at` seconds into the clip."""

    text: str
    language: Literal["en", "ru"] = "en"
    at: float = 0.0


@dataclass
class SpokenLine:
    text: str
    language: str
    start: float
    end: float


@dataclass
class Clip:
    path: Path
    duration: float
    width: int
    height: int
    fps: float
    cuts: list[float] = field(default_factory=list)
    captions: list[tuple[float, float, str]] = field(default_factory=list)
    speech: list[SpokenLine] = field(default_factory=list)
    has_audio: bool = True

    @property
    def speech_end(self) -> float | None:
        return max((s.end for s in self.speech), default=None)

    @property
    def speech_start(self) -> float | None:
        return min((s.start for s in self.speech), default=None)

    def spoken_text(self, language: str | None = None) -> str:
        return " ".join(s.text for s in self.speech if language in (None, s.language))


def require_tools() -> list[str]:
    """Names of the missing tools (empty when media can be generated)."""
    missing = [t for t in ("ffmpeg", "espeak-ng", "text2wave") if shutil.which(t) is None]
    if not FONT.is_file():
        missing.append(str(FONT))
    return missing


def ffmpeg_cpuflags() -> str:
    """ffmpeg's `-cpuflags` for the analysis's pinned instruction set (shared/core/cpu.py):
    its encoders, filters and scalers then take the same SIMD code on every CPU, so a
    test clip is built to the same samples and pixels everywhere."""
    from shared.measure.cpu import pin_ffmpeg

    return hex(pin_ffmpeg())


def pinned(cmd: Sequence[str | os.PathLike[str]]) -> list[str]:
    """`cmd` as text, with the pinned `-cpuflags` when it runs ffmpeg."""
    args = [str(c) for c in cmd]
    if args and args[0] == "ffmpeg" and "-cpuflags" not in args:
        args[1:1] = ["-cpuflags", ffmpeg_cpuflags()]
    return args


def _run(cmd: Sequence[str | os.PathLike[str]], timeout: float = 600) -> None:
    proc = subprocess.run(pinned(cmd), capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


def tts(text: str, language: str, out_dir: Path) -> Path:
    """A WAV of `text` spoken in English (espeak-ng) or Russian (festival), cached by text."""
    out_dir.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(f"{language}:{text}".encode()).hexdigest()[:12]
    wav = out_dir / f"tts-{language}-{key}.wav"
    if wav.exists():
        return wav
    tmp = wav.with_suffix(".tmp.wav")
    if language == "en":
        _run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", tmp, text])
    elif language == "ru":
        txt = out_dir / f"tts-{key}.txt"
        txt.write_text(text, encoding="utf-8")
        _run(["text2wave", "-eval", f"({RU_VOICE})", txt, "-o", tmp])
        txt.unlink()
    else:
        raise ValueError(f"no TTS voice for {language!r}")
    tmp.replace(wav)
    return wav


def _source(spec: str, width: int, height: int, fps: float) -> str:
    sep = ":" if "=" in spec else "="
    return f"{spec}{sep}size={width}x{height}:rate={fps:g}"


def _esc(value: str) -> str:
    """Escape a filter option value (a path) for the filtergraph."""
    return value.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def _drawtext(textfile: Path, text: str, width: int, height: int, style: CaptionStyle) -> str:
    longest = max(len(line) for line in text.splitlines() or [text])
    # Fits the width: DejaVu Sans Bold glyphs are at most ~0.72 em wide on average.
    size = max(12, min(round(height * 0.045), int(width * 0.9 / (0.72 * max(1, longest)))))
    common = (
        f"drawtext=fontfile='{_esc(str(FONT))}':textfile='{_esc(str(textfile))}'"
        f":fontsize={size}:x=(w-text_w)/2:y=h*0.68:line_spacing={size // 3}"
    )
    pad = max(4, size // 3)
    if style == "light_on_dark":
        return f"{common}:fontcolor=white:box=1:boxcolor=black@0.8:boxborderw={pad}"
    if style == "dark_on_light":
        return f"{common}:fontcolor=black:box=1:boxcolor=white@0.9:boxborderw={pad}"
    return f"{common}:fontcolor=white:borderw={max(2, size // 12)}:bordercolor=black"


def make_clip(
    path: Path,
    parts: Sequence[Part],
    *,
    size: tuple[int, int] = (360, 640),
    fps: float = 25,
    speech: Sequence[Speech] = (),
    audio: bool = True,
    tail: float = 0.0,
    tail_source: str = "color=c=0x202020",
    noise_db: float | None = None,
    crf: int = 28,
) -> Clip:
    """Write a clip of `parts` (one shot each, cut between them) with optional speech.

    `tail` adds that many seconds of a last textless shot; the audio is silent from
    the end of the last sentence. Returns what went in. Part durations are rounded
    to whole frames so cut points are exact.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = size
    parts = list(parts)
    if tail > 0:
        parts.append(Part(tail_source, tail))
    frames = [max(1, round(p.seconds * fps)) for p in parts]
    starts, t = [], 0
    for n in frames:
        starts.append(t / fps)
        t += n
    duration = t / fps
    work = path.parent / f".{path.name}.work"
    work.mkdir(exist_ok=True)

    cmd: list[str | Path] = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
    chains, labels = [], []
    captions: list[tuple[float, float, str]] = []
    for i, (part, n) in enumerate(zip(parts, frames, strict=True)):
        cmd += ["-f", "lavfi", "-i", _source(part.source, width, height, fps)]
        chain = f"[{i}:v]trim=end_frame={n},setpts=PTS-STARTPTS,format=yuv420p"
        if part.caption:
            textfile = work / f"caption-{i}.txt"
            textfile.write_text(part.caption, encoding="utf-8")
            chain += "," + _drawtext(textfile, part.caption, width, height, part.caption_style)
            captions.append((starts[i], starts[i] + n / fps, part.caption))
        chains.append(f"{chain}[v{i}]")
        labels.append(f"[v{i}]")
    graph = [*chains, f"{''.join(labels)}concat=n={len(parts)}:v=1:a=0[vout]"]

    spoken: list[SpokenLine] = []
    n_inputs = len(parts)
    if audio:
        audio_labels = []
        base = "anullsrc=r=48000:cl=stereo"
        cmd += ["-f", "lavfi", "-t", f"{duration:.3f}", "-i", base]
        bed = n_inputs
        n_inputs += 1
        if noise_db is not None:
            amp = 10 ** (noise_db / 20)
            cmd += [
                "-f",
                "lavfi",
                "-t",
                f"{duration:.3f}",
                "-i",
                f"anoisesrc=r=48000:color=pink:amplitude={amp:.6f}:seed=7",
            ]
            audio_labels.append(f"[{n_inputs}:a]")
            n_inputs += 1
        for j, line in enumerate(speech):
            wav = tts(line.text, line.language, work.parent / ".tts")
            seconds = _wav_seconds(wav)
            spoken.append(SpokenLine(line.text, line.language, line.at, line.at + seconds))
            cmd += ["-i", wav]
            delay = round(line.at * 1000)
            graph.append(
                f"[{n_inputs}:a]aresample=48000,aformat=channel_layouts=stereo,"
                f"adelay={delay}|{delay}[s{j}]"
            )
            audio_labels.append(f"[s{j}]")
            n_inputs += 1
        mix_in = f"[{bed}:a]" + "".join(audio_labels)
        graph.append(
            f"{mix_in}amix=inputs={1 + len(audio_labels)}:duration=first:normalize=0,"
            f"atrim=end={duration:.3f}[aout]"
        )
    cmd += ["-filter_complex", ";".join(graph), "-map", "[vout]"]
    if audio:
        cmd += ["-map", "[aout]"]
    cmd += _codec_args(path, crf)
    cmd += ["-t", f"{duration:.3f}", path]
    _run(cmd)
    shutil.rmtree(work, ignore_errors=True)
    return Clip(
        path=path,
        duration=duration,
        width=width,
        height=height,
        fps=fps,
        cuts=starts[1:],
        captions=captions,
        speech=spoken,
        has_audio=audio,
    )


def _codec_args(path: Path, crf: int) -> list[str | Path]:
    if path.suffix == ".webm":
        return ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "0",
                "-crf", str(crf + 10), "-c:a", "libopus", "-b:a", "96k"]  # fmt: skip
    return ["-c:v", "libx264", *X264_THREADS, "-preset", "ultrafast", "-crf", str(crf), "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart"]  # fmt: skip


# ----- ready-made fixtures ---------------------------------------------------------


def english_captioned(out_dir: Path) -> Clip:
    """4 shots with known cuts, English captions in two styles, English speech from 0.5 s."""
    return make_clip(
        out_dir / "english_captioned.mp4",
        [
            Part("mandelbrot", 2.0, caption="THREE WAYS TO COOK RICE"),
            Part("smptebars", 1.6),
            Part("color=c=0x1f4e8c", 2.4, caption="Step one: rinse", caption_style="outline"),
            Part("colorspectrum", 2.0, caption="Subscribe for more", caption_style="dark_on_light"),
        ],
        speech=[Speech(EN_SENTENCE, "en", at=0.5)],
    )


def russian_speech(out_dir: Path) -> Clip:
    """3 shots, Russian captions, Russian speech (festival) from 0.3 s."""
    return make_clip(
        out_dir / "russian_speech.mp4",
        [
            Part("color=c=0x202a44", 2.5, caption="Привет! Три способа"),
            Part("mandelbrot", 2.5),
            Part(
                "sierpinski=seed=7",
                3.0,
                caption="Подпишись на канал",
                caption_style="dark_on_light",
            ),
        ],
        speech=[Speech(RU_SENTENCE, "ru", at=0.3)],
    )


def silent_tail(out_dir: Path, tail: float = 5.0) -> Clip:
    """English speech early, then `tail` seconds of silence over a textless last shot."""
    return make_clip(
        out_dir / "silent_tail.mp4",
        [Part("smptebars", 2.0), Part("mandelbrot", 2.5)],
        speech=[Speech("This video ends in silence.", "en", at=0.4)],
        tail=tail,
        noise_db=-70,
    )


def textless(out_dir: Path) -> Clip:
    """Textured, colourful shots with no text and no speech: OCR must find nothing."""
    return make_clip(
        out_dir / "textless.mp4",
        [
            Part("cellauto=seed=7", 1.5),
            Part("sierpinski=seed=7", 1.5),
            Part("mandelbrot", 1.5),
            Part("rgbtestsrc", 1.5),
            Part("colorspectrum", 1.5),
        ],
        noise_db=-60,
    )


def no_audio(out_dir: Path) -> Clip:
    return make_clip(
        out_dir / "no_audio.mp4", [Part("smptebars", 1.5), Part("mandelbrot", 1.5)], audio=False
    )


def webm_clip(out_dir: Path) -> Clip:
    return make_clip(
        out_dir / "clip.webm",
        [Part("mandelbrot", 1.5), Part("smptebars", 1.5)],
        speech=[Speech("A short webm clip.", "en", at=0.2)],
    )


def rotated(src: Clip, out_dir: Path, degrees: int = -90) -> Clip:
    """`src` stored turned on its side with a display matrix saying how to turn it back
    (how phones store portrait video). Video only; a player shows the original."""
    import av
    import numpy as np

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"rotated{degrees}-{src.path.stem}.mp4"
    k = round(degrees / 90) % 4  # the display turns stored frames by np.rot90(x, k)
    with av.open(str(src.path)) as fin, av.open(str(path), "w") as fout:
        vin = fin.streams.video[0]
        width, height = (src.height, src.width) if k % 2 else (src.width, src.height)
        vout = fout.add_stream("libx264", rate=vin.average_rate)
        vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
        vout.options = {"preset": "ultrafast", "crf": "23", "threads": X264_THREADS[1]}
        vout.set_display_rotation(degrees)
        for i, frame in enumerate(fin.decode(vin)):
            stored = np.ascontiguousarray(np.rot90(frame.to_ndarray(format="rgb24"), -k))
            out = av.VideoFrame.from_ndarray(stored, format="rgb24")
            out.pts = i
            out.time_base = 1 / vin.average_rate
            for packet in vout.encode(out):
                fout.mux(packet)
        for packet in vout.encode():
            fout.mux(packet)
    return Clip(
        path=path,
        duration=src.duration,
        width=src.width,
        height=src.height,
        fps=src.fps,
        cuts=list(src.cuts),
        captions=list(src.captions),
        speech=[],
        has_audio=False,
    )


def audio_only(out_dir: Path, suffix: str = ".m4a") -> Path:
    """An audio-only file (speech, no video stream)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"audio_only{suffix}"
    wav = tts("There is no picture in this file.", "en", out_dir / ".tts")
    codec = ["-c:a", "aac", "-b:a", "96k"] if suffix in (".m4a", ".mp4") else []
    _run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", wav, *codec, path])
    return path


def truncated(src: Path, out_dir: Path, fraction: float = 0.5) -> Path:
    """The first `fraction` of `src`'s bytes: an upload that was cut off."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"truncated-{int(fraction * 100)}-{src.name}"
    keep = int(src.stat().st_size * fraction)
    with src.open("rb") as fin, path.open("wb") as fout:
        while keep > 0:
            block = fin.read(min(keep, 1 << 20))
            if not block:
                break
            fout.write(block)
            keep -= len(block)
    return path


def not_a_video(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "not_a_video.mp4"
    path.write_bytes(b"This is a text file pretending to be an MP4.\n" * 50)
    return path


def too_long(out_dir: Path, seconds: float = 200.0) -> Clip:
    """A video longer than the 180 s limit, cheap to make: tiny frames, 5 fps, silence."""
    return make_clip(
        out_dir / f"too_long_{int(seconds)}s.mp4",
        [Part("color=c=0x335577", seconds / 2), Part("color=c=0x775533", seconds / 2)],
        size=(64, 112),
        fps=5,
        crf=40,
    )


# Sounds that are not speech, as lavfi sources (8 s): Whisper base heard the groan as
# "Woo, woo, woo …" and the sung vowel as "ha ha ha …", both "English".
_PITCH = "(196+24*floor(mod(t*1.5,4))+4*sin(2*PI*5.5*t))"  # a 4-note tune with vibrato
_GLIDE = "(110+20*sin(2*PI*0.8*t))"
NON_SPEECH = {
    "groan": f"aevalsrc='0.4*(sin(2*PI*{_GLIDE}*t)+0.5*sin(4*PI*{_GLIDE}*t)"
    f"+0.3*sin(6*PI*{_GLIDE}*t))*(0.5+0.5*sin(2*PI*0.4*t))':s=44100:d=8",
    "sung_vowel": f"aevalsrc='0.4*(2*mod({_PITCH}*t,1)-1)*(0.6+0.4*sin(2*PI*0.35*t))':s=44100:d=8,"
    "equalizer=f=700:t=q:w=3:g=18,equalizer=f=1200:t=q:w=3:g=15,"
    "equalizer=f=2600:t=q:w=4:g=10,lowpass=f=3500,volume=0.5",
    "tune": "aevalsrc='0.3*sin(2*PI*(440+220*floor(mod(t*2,4)))*t)"
    "+0.2*sin(2*PI*(660+110*floor(mod(t*3,3)))*t)':s=44100:d=8",
}


def non_speech(out_dir: Path, kind: str) -> Clip:
    """8 s of a grey picture over one of `NON_SPEECH`: no transcript, no language."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"non_speech_{kind}.mp4"
    _run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
          "color=c=gray:size=72x128:rate=10:duration=8", "-f", "lavfi", "-i", NON_SPEECH[kind],
          "-t", "8", "-c:v", "libx264", *X264_THREADS, "-preset", "ultrafast", "-c:a", "aac", path])  # fmt: skip
    return Clip(path=path, duration=8.0, width=72, height=128, fps=10)


_VOP = b"\x00\x00\x01\xb6"  # an MPEG-4 Part 2 picture (VOP) starts here
_DIVX_PACKED = b"\x00\x00\x01\xb2DivX503b1393p"  # user data: "p" says B-frames are packed


def _n_vop(fps: int) -> bytes:
    """A not-coded P picture (what DivX writes where a packed B-frame was taken from):
    type P, no seconds, a marker, a zero time increment, a marker, vop_coded 0, stuffing."""
    bits = "01" + "0" + "1" + "0" * max(1, (fps - 1).bit_length()) + "1" + "0"
    bits += "0" + "1" * (-(len(bits) + 1) % 8)
    return _VOP + int(bits, 2).to_bytes(len(bits) // 8, "big")


def _pack_bframes(packets: list[tuple[bytes, bool]], fps: int) -> list[tuple[bytes, bool]]:
    """DivX 5's packed bitstream, one picture out per chunk (coded I0 P3 B1 B2 becomes
    I0, P3+B1, B2, N-VOP): a reference frame and the B-frame after it share a chunk."""

    def is_b(data: bytes) -> bool:
        return data[data.find(_VOP) + 4] >> 6 == 2

    out, i = [], 0
    while i < len(packets):
        data, key = packets[i]
        if key:  # announce the packing, as DivX does in its headers
            data = data.replace(_VOP, _DIVX_PACKED + _VOP, 1)
        if not is_b(data) and i + 1 < len(packets) and is_b(packets[i + 1][0]):
            out.append((data + packets[i + 1][0], key))
            i += 2
            while i < len(packets) and is_b(packets[i][0]):
                out.append(packets[i])
                i += 1
            out.append((_n_vop(fps), False))
        else:
            out.append((data, key))
            i += 1
    return out


def packed_bframes(out_dir: Path, name: str = "packed_bframes.mp4") -> Clip:
    """An AVI (named `name`) as old cameras, DivX and Xvid write it: MPEG-4 Part 2 with
    "packed" B-frames, whose decoded pts come out with pairs swapped. 3 shots, PCM audio."""
    import av

    fps = 25
    src = make_clip(out_dir / f".{name}.src.mp4", [Part("mandelbrot", 2.0),
                    Part("smptebars", 2.0), Part("color=c=0x1f4e8c", 2.0)], size=(144, 256),
                    fps=fps, speech=[Speech("Three shots in an old file.", "en", at=0.3)])  # fmt: skip
    plain = out_dir / f".{name}.plain.avi"
    _run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", src.path, "-c:v", "mpeg4",
          "-bf", "2", "-q:v", "4", "-vtag", "DX50", "-c:a", "pcm_s16le", plain])  # fmt: skip
    path = out_dir / name
    with av.open(str(plain)) as fin, av.open(str(path), "w", format="avi") as fout:
        vin, ain = fin.streams.video[0], fin.streams.audio[0]
        vout, aout = fout.add_stream_from_template(vin), fout.add_stream_from_template(ain)
        vout.codec_context.codec_tag = "DX50"
        video = [(bytes(p), p.is_keyframe) for p in fin.demux(vin) if p.size]
        fin.seek(0)
        for n, (data, key) in enumerate(_pack_bframes(video, fps)):
            packet = av.Packet(data)
            packet.stream, packet.pts, packet.dts = vout, n, n
            packet.time_base, packet.is_keyframe = vin.time_base, key
            fout.mux(packet)
        for packet in fin.demux(ain):
            if packet.size:
                packet.stream = aout
                fout.mux(packet)
    src.path.unlink()
    plain.unlink()
    src.path = path
    return src


BENCH_SENTENCES = (
    "Welcome back to the channel. Today we are testing a very simple idea.",
    "First, take a cup of rice and rinse it under cold water until it runs clear.",
    "Then add two cups of water, a pinch of salt and bring everything to a boil.",
    "Cover the pot, turn the heat down and wait for exactly fifteen minutes.",
    "Do not lift the lid. Steam does the real work here, trust the process.",
    "Finally, fluff the rice with a fork and serve it while it is still warm.",
)
_BENCH_SOURCES = ("testsrc2", "smptebars", "color=c=0x1f4e8c", "colorspectrum", "rgbtestsrc",
                  "color=c=0xd9822b", "smptehdbars", "pal75bars")  # fmt: skip


def bench_clip(out_dir: Path, seconds: float, size: tuple[int, int] = (1080, 1920)) -> Clip:
    """A reel-like 1080x1920 30 fps clip: a cut every ~2.5 s, captions on every other
    shot, English speech most of the way through, a short silent ending."""
    path = out_dir / f"bench_{int(seconds)}s_{size[0]}x{size[1]}.mp4"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        data = json.loads(meta.read_text())
        data["path"] = path
        data["speech"] = [SpokenLine(**s) for s in data["speech"]]
        data["captions"] = [tuple(c) for c in data["captions"]]
        return Clip(**data)
    parts, t, i = [], 0.0, 0
    while t < seconds - 1e-6:
        length = min(2.0 + (i % 3) * 0.5, seconds - t)
        caption = f"Step {i // 2 + 1}" if i % 2 == 0 else None
        parts.append(Part(_BENCH_SOURCES[i % len(_BENCH_SOURCES)], length, caption=caption))
        t += length
        i += 1
    speech, at, k = [], 0.4, 0
    while at < seconds - 6:
        sentence = BENCH_SENTENCES[k % len(BENCH_SENTENCES)]
        speech.append(Speech(sentence, "en", at=at))
        at += _wav_seconds(tts(sentence, "en", out_dir / ".tts")) + 0.6
        k += 1
    clip = make_clip(path, parts, size=size, fps=30, speech=speech, noise_db=-55, crf=30)
    data = asdict(clip)
    data["path"] = str(path)
    meta.write_text(json.dumps(data))
    return clip


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER after lower-casing and dropping punctuation (jiwer)."""
    import re

    import jiwer

    def norm(s: str) -> str:
        s = s.lower().replace("ё", "е")
        s = re.sub(r"[^\w\s]", " ", s)
        return " ".join(s.split())

    return float(jiwer.wer(norm(reference), norm(hypothesis)))
