"""Independent checks of what the page shows and exports against a job's result."""

from __future__ import annotations

import html
import re
from typing import Any

from playwright.sync_api import Page

_TIMECODE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d+))?$")


def parse_timecode(value: str) -> float | None:
    m = _TIMECODE.match(value.strip())
    if not m:
        return None
    hours, minutes, seconds, fraction = m.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + float(f"0.{fraction or 0}")


def row_start_end(row: dict[str, Any]) -> tuple[float | None, float | None]:
    parts = re.split(r"\s*[-–—]\s*", row.get("time") or "")
    parsed = [parse_timecode(p) for p in parts] if len(parts) == 2 else [None, None]
    start = row["start_sec"] if row.get("start_sec") is not None else parsed[0]
    end = row["end_sec"] if row.get("end_sec") is not None else parsed[1]
    return start, end


def srt_seconds(stamp: str) -> float:
    h, m, rest = stamp.split(":")
    s, ms = rest.split(",")
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_srt(text: str) -> list[dict[str, Any]]:
    cues = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        start, end = (srt_seconds(s.strip()) for s in lines[1].split("-->"))
        cues.append(
            {"index": int(lines[0]), "start": start, "end": end, "text": "\n".join(lines[2:])}
        )
    return cues


def check_srt(text: str, result: dict[str, Any]) -> None:
    """One cue per timed row, in order, numbered from 1, with the row's times and words."""
    rows = [r for r in result["script"] if row_start_end(r)[0] is not None]
    cues = parse_srt(text)
    assert len(cues) == len(rows) > 0, (len(cues), len(rows))
    for i, (cue, row) in enumerate(zip(cues, rows, strict=True)):
        start, end = row_start_end(row)
        assert cue["index"] == i + 1
        assert abs(cue["start"] - start) < 0.001, (cue, row)
        assert cue["end"] > cue["start"], cue
        if end is not None and end > start:
            assert abs(cue["end"] - end) < 0.001, (cue, row)
        words = next(
            (v.strip() for v in (row["text"], row["note"], row["visual"]) if v.strip()), "—"
        )
        assert " ".join(cue["text"].split()) == " ".join(words.split()), (cue, row)


def md_cell(value: str) -> str:
    """A table cell as the export writes it, once its escapes are read back: the
    value's lines, each trimmed, joined by <br>."""
    return "<br>".join(line.strip() for line in value.strip().splitlines())


def md_plain(line: str) -> str:
    """A Markdown line read back as text: backslash escapes and HTML entities undone
    (web/src/export.js escapeMarkdown writes every text that way)."""
    return html.unescape(re.sub(r"\\([\\`*_{}\[\]()!|~#+\-=.])", r"\1", line))


def md_cells(line: str) -> list[str]:
    """The cells of a table row (a `|` inside a cell is escaped), read back as text."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [md_plain(c.strip()) for c in re.split(r"(?<!\\)\|", inner)]


def check_markdown(text: str, result: dict[str, Any]) -> None:
    """Every part of the result is in the document; the script is a table, row by row."""
    raw = text.splitlines()
    lines = [md_plain(line) for line in raw]
    assert lines[0].startswith("# Сценарий")
    for line in result["original"]["transcription"].strip().splitlines():
        assert f"> {line.strip()}" in lines, line
    if result["original"].get("translation"):
        assert "## Перевод" in lines
    for i, key in enumerate(result["keys"]):
        assert f"{i + 1}. **{key['title']}** — {key['description']}" in lines
    plain = "| Время | Что в кадре | Текст на экране | Примечание |"
    framed = "| Время | Кадр | Что в кадре | Текст на экране | Примечание |"
    header = lines.index(plain) if plain in lines else lines.index(framed)
    with_frames = lines[header] == framed
    if with_frames:
        assert any("временные" in line for line in lines[:header]), "say the links expire"
    table = raw[header + 2 : header + 2 + len(result["script"])]
    for line, row in zip(table, result["script"], strict=True):
        cells = md_cells(line)
        if with_frames:
            image = cells.pop(1)
            assert image == "" or image.startswith("![кадр "), line
        assert cells == [md_cell(row[f]) for f in ("time", "visual", "text", "note")], (line, row)
    for rec in result["recommendations"]:
        category = rec["category"].strip() or "Общее"
        heading = lines.index(f"### {category}")
        following = lines[heading + 1 :]
        end = next((i for i, line in enumerate(following) if line.startswith("#")), len(following))
        assert f"- {rec['text']}" in following[:end], rec
    assert "Движок:" in text


def check_rendered(page: Page, result: dict[str, Any]) -> None:
    """The result screen shows the transcription, keys, script table and recommendations."""
    transcription = result["original"]["transcription"].strip()
    shown = page.inner_text("[data-testid=transcription]")
    if transcription:
        assert " ".join(transcription.split()) in " ".join(shown.split())
    assert page.locator("[data-testid=keys] li").count() == len(result["keys"])
    for key in result["keys"]:
        assert key["title"] in page.inner_text("[data-testid=keys]")
    rows = page.locator("[data-testid=script] tbody tr")
    assert rows.count() == len(result["script"])
    for i, row in enumerate(result["script"]):
        cells = rows.nth(i).locator("td:not(.col-frame)").all_inner_texts()
        expected = [row["time"]] + [row[f].strip() or "—" for f in ("visual", "text", "note")]
        assert [" ".join(c.split()) for c in cells] == [" ".join(e.split()) for e in expected]
    recs = page.inner_text("[data-testid=recommendations]")
    for rec in result["recommendations"]:
        assert " ".join(rec["text"].split()) in " ".join(recs.split())
    meta = page.inner_text("[data-testid=meta]")
    assert ("Gemini" if result["meta"]["engine"] == "gemini" else "офлайн") in meta
