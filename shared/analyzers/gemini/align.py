"""Putting Gemini's script rows on the measured shot boundaries.

Gemini's own timestamps drift; the measured cuts do not. Pure functions over
`ScriptRow`s and (start, end) pairs in seconds.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared.core.schema import ScriptRow, format_range

_TIME_RANGE = re.compile(r"(\d+):(\d{1,2}(?:[.,]\d+)?)\s*[-–—]\s*(\d+):(\d{1,2}(?:[.,]\d+)?)")


def parse_time_range(text: str) -> tuple[float, float] | None:
    """'0:03-0:07' -> (3.0, 7.0); None if it does not look like a range."""
    match = _TIME_RANGE.search(text or "")
    if not match:
        return None
    m1, s1, m2, s2 = (float(g.replace(",", ".")) for g in match.groups())
    return m1 * 60 + s1, m2 * 60 + s2


def row_span(row: ScriptRow, index: int, count: int, duration: float) -> tuple[float, float]:
    """Where the AI put a row: its start_sec/end_sec, else its `time`, else its
    share of the video by position."""
    if row.start_sec is not None and row.end_sec is not None and row.end_sec > row.start_sec:
        return row.start_sec, row.end_sec
    parsed = parse_time_range(row.time)
    if parsed and parsed[1] > parsed[0]:
        return parsed
    step = duration / count
    return index * step, (index + 1) * step


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _timed(row: ScriptRow, start: float, end: float) -> ScriptRow:
    start, end = round(start, 2), round(end, 2)
    return row.model_copy(
        update={"start_sec": start, "end_sec": end, "time": format_range(start, end)}
    )


@dataclass(frozen=True)
class Alignment:
    rows: list[ScriptRow]
    method: str  # "one_to_one" (as many rows as shots) or "by_overlap"
    ai_rows: int
    shots: int

    def to_meta(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "ai_rows": self.ai_rows,
            "shots": self.shots,
            "rows": len(self.rows),
        }


def align_to_shots(rows: Sequence[ScriptRow], shots: Sequence[tuple[float, float]]) -> Alignment:
    """Put the script rows on the measured shot boundaries.

    As many rows as shots: row i gets shot i's times. Otherwise each row goes
    to the shot its own timestamps overlap most (never before the previous
    row's shot), and:
    - a shot with one row: the row gets the shot's times;
    - a shot with several rows (the AI split it): they share the shot, keeping
      their own inner boundaries where those fall inside it;
    - a shot with no row (the AI merged shots): it joins the neighbouring row
      whose own timestamps overlap it more, so that row spans several shots.
    Every shot is covered exactly once and rows stay in order.
    """
    if not rows or not shots:
        return Alignment(list(rows), "none", len(rows), len(shots))
    if len(rows) == len(shots):
        timed = [_timed(row, start, end) for row, (start, end) in zip(rows, shots, strict=True)]
        return Alignment(timed, "one_to_one", len(rows), len(shots))

    duration = shots[-1][1]
    spans = [row_span(row, i, len(rows), duration) for i, row in enumerate(rows)]

    # Each row to a shot, monotonically.
    assigned: list[list[int]] = [[] for _ in shots]
    previous = 0
    for r, span in enumerate(spans):
        overlaps = [_overlap(span, shot) for shot in shots]
        if max(overlaps) > 0:
            best = overlaps.index(max(overlaps))
        else:  # outside every shot: the nearest one by midpoint
            middle = (span[0] + span[1]) / 2
            best = min(
                range(len(shots)), key=lambda j: abs((shots[j][0] + shots[j][1]) / 2 - middle)
            )
        previous = max(previous, best)
        assigned[previous].append(r)

    # Shots without rows join a neighbouring group of rows: of a run of such
    # shots, the first ones go to the group before, the rest (from the first
    # shot the next group's row overlaps more) to the group after.
    owner: list[int | None] = [j if assigned[j] else None for j in range(len(shots))]
    j = 0
    while j < len(shots):
        if owner[j] is not None:
            j += 1
            continue
        run_end = j
        while run_end < len(shots) and owner[run_end] is None:
            run_end += 1
        before = j - 1 if j > 0 else None
        after = run_end if run_end < len(shots) else None
        to_after = before is None
        for k in range(j, run_end):
            if before is not None and after is not None and not to_after:
                prev_row = spans[assigned[before][-1]]
                next_row = spans[assigned[after][0]]
                to_after = _overlap(next_row, shots[k]) > _overlap(prev_row, shots[k])
            owner[k] = after if to_after else before
        j = run_end

    aligned: list[ScriptRow] = []
    for group, members in enumerate(assigned):
        if not members:
            continue
        covered = [k for k in range(len(shots)) if owner[k] == group]
        start, end = shots[covered[0]][0], shots[covered[-1]][1]
        bounds = _inner_bounds([spans[r][0] for r in members[1:]], start, end)
        edges = [start, *bounds, end]
        aligned += [_timed(rows[r], edges[i], edges[i + 1]) for i, r in enumerate(members)]
    return Alignment(aligned, "by_overlap", len(rows), len(shots))


def _inner_bounds(wanted: list[float], start: float, end: float) -> list[float]:
    """Boundaries between rows sharing [start, end]: the rows' own starts if
    they are strictly increasing inside it, else an even split."""
    if not wanted:
        return []
    if all(start < b < end for b in wanted) and all(a < b for a, b in itertools.pairwise(wanted)):
        return wanted
    step = (end - start) / (len(wanted) + 1)
    return [start + step * (i + 1) for i in range(len(wanted))]


def tidy_rows(rows: Sequence[ScriptRow], duration: float) -> list[ScriptRow]:
    """Without measured shots: keep the AI's times, clamped to the video, with
    `time` written from start_sec/end_sec when both are there."""
    tidy = []
    for row in rows:
        if row.start_sec is not None and row.end_sec is not None:
            start = min(row.start_sec, duration)
            end = min(max(row.end_sec, start), duration)
            row = _timed(row, start, end)
        tidy.append(row)
    return tidy
