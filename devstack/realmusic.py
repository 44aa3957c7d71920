"""Real music with a known tempo, and reels cut to its beat (tests/realmedia).

The music is the backing track of a Frets on Fire song (Debian
`fretsonfire-songs-sectoid`, see docs/real-media.md): a real band recording whose chart,
`notes.mid`, is a MIDI file with the song's tempo map; the notes a player hits are
charted against the recording, so the chart's beat grid is the recording's. `tempo_map()`
reads it (a small reader of the Standard MIDI File format: only the set-tempo events).

Two reels share one 12 s excerpt of the music and the same real footage; only where the
cuts fall differs:

- `on_beat_reel`: a cut every 4 beats, each on a beat of the chart (to the video frame:
  within 20 ms);
- `off_beat_reel`: the same cuts half a beat (214 ms) later, between two beats.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path

from devstack.realmedia import FPS, Layout, MusicBed, RealClip, Segment, build_reel, resolve

SONG = "music:war-of-freedom"
START_SEC = 60.0  # where the excerpt starts in the song: beat 140 of the chart
SECONDS = 12.0
GAIN_DB = -6.0  # the backing track peaks near 0 dBFS; a reel mixes music lower
BEATS_PER_CUT = 4
# Real footage, one segment per shot (each inside one shot of its source), 7 shots.
FOOTAGE: tuple[tuple[str, float, Layout], ...] = (
    ("bigbuckbunny", 0.0, "cover"),
    ("bikes", 1.22, "blurfill"),
    ("carphone", 0.1, "blurfill"),
    ("bikes", 3.1, "blurfill"),
    ("bigbuckbunny", 3.3, "cover"),
    ("bikes", 5.5, "blurfill"),
    ("bikes", 7.5, "blurfill"),
)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    while True:
        byte = data[pos]
        pos += 1
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos


def tempo_map(path: Path) -> tuple[int, list[tuple[int, float]]]:
    """(ticks per beat, [(tick, BPM), ...]) of a Standard MIDI File's set-tempo events."""
    data = path.read_bytes()
    if data[:4] != b"MThd":
        raise ValueError(f"{path} is not a MIDI file")
    header = struct.unpack(">I", data[4:8])[0]
    _, tracks, division = struct.unpack(">HHH", data[8:14])
    pos, tempos = 8 + header, []
    for _ in range(tracks):
        length = struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        p, end, tick, status = pos + 8, pos + 8 + length, 0, 0
        while p < end:
            delta, p = _varint(data, p)
            tick += delta
            if data[p] == 0xFF:  # meta event: type, length, data
                kind = data[p + 1]
                size, p = _varint(data, p + 2)
                if kind == 0x51:
                    tempos.append((tick, round(60e6 / int.from_bytes(data[p : p + 3], "big"), 3)))
                p += size
            elif data[p] in (0xF0, 0xF7):  # sysex
                size, p = _varint(data, p + 1)
                p += size
            else:  # a channel event, perhaps in running status
                if data[p] & 0x80:
                    status, p = data[p], p + 1
                p += 1 if status & 0xF0 in (0xC0, 0xD0) else 2
        pos = end
    return division, sorted(set(tempos))


def chart_tempo(key: str = SONG) -> float:
    """The song's one tempo, from its chart (raises if the chart changes tempo)."""
    from devstack.realmedia import CATALOGUE

    chart = CATALOGUE[key].chart
    assert chart is not None
    _, tempos = tempo_map(Path(chart))
    if len({bpm for _, bpm in tempos}) != 1 or tempos[0][0] != 0:
        raise ValueError(f"{chart}: not one tempo from the start: {tempos}")
    return tempos[0][1]


def chart_beats(bpm: float, start: float = START_SEC, seconds: float = SECONDS) -> list[float]:
    """The chart's beats inside the excerpt, in reel seconds."""
    period = 60.0 / bpm
    k = math.ceil(start / period - 1e-6)  # the first beat at or after `start`
    beats = []
    while k * period < start + seconds - 1e-9:
        beats.append(round(k * period - start, 4))
        k += 1
    return beats


def _reel(cache_dir: Path, name: str, shift_beats: float) -> RealClip:
    beats = chart_beats(chart_tempo())
    cut_frames = [round(beats[i] * FPS + shift_beats * 60.0 / chart_tempo() * FPS)
                  for i in range(BEATS_PER_CUT, len(beats), BEATS_PER_CUT)]  # fmt: skip
    edges = [0, *cut_frames, round(SECONDS * FPS)]
    segments = [
        Segment(src, start, (b - a) / FPS, layout)
        for (src, start, layout), a, b in zip(FOOTAGE, edges[:-1], edges[1:], strict=True)
    ]
    resolve(SONG)
    return build_reel(cache_dir / f"{name}.mp4", segments, music=MusicBed(SONG, START_SEC, GAIN_DB))


def on_beat_reel(cache_dir: Path) -> RealClip:
    """12 s, 7 real shots, 6 cuts each on a beat of the music (every 4 beats at 140 BPM)."""
    return _reel(cache_dir, "real_on_beat", 0.0)


def off_beat_reel(cache_dir: Path) -> RealClip:
    """The same music and footage, every cut half a beat after the beat."""
    return _reel(cache_dir, "real_off_beat", 0.5)
