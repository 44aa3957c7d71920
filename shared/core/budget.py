"""The service's daily Gemini token budget as a cap. Pure: the Firestore transaction is
`shared.adapters.firestore_budget`, the rules live here.

Every generateContent call counts, whatever it answers. Before a call its estimate
(the request's input tokens plus `maxOutputTokens`) is **reserved** on the day's
service counter (`reserved.<call id>`, with a time it lapses at); a call whose
estimate would take spent + live reservations past the budget is not made. When the
call answers, the reservation is **settled**: removed, and the tokens Google counted
(`usageMetadata.totalTokenCount`) added to `tokens`. A worker killed mid-call never
settles: its reservation lapses, so it cannot hold the budget for ever.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def _count(value: Any) -> int:
    """A stored count; anything that is not one (a hand-edited document) reads as 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def live_reservations(value: dict[str, Any], now: datetime) -> dict[str, dict[str, Any]]:
    """The counter's reservations that have not lapsed (malformed ones are dropped)."""
    found = value.get("reserved")
    return {
        call: entry
        for call, entry in (found.items() if isinstance(found, dict) else ())
        if isinstance(entry, dict)
        and isinstance(entry.get("until"), datetime)
        and entry["until"] > now
    }


def committed(value: dict[str, Any], now: datetime) -> int:
    """Tokens spent plus tokens reserved by calls still running."""
    reserved = sum(_count(e.get("tokens")) for e in live_reservations(value, now).values())
    return _count(value.get("tokens")) + reserved


def reserving(
    value: dict[str, Any], call_id: str, estimate: int, budget: int, now: datetime, until: datetime
) -> dict[str, dict[str, Any]] | None:
    """The counter's new `reserved` map with this call's estimate (lapsed ones go), or
    None when the call would pass the budget (> 0; 0 = no cap, still counted)."""
    if budget > 0 and committed(value, now) + estimate > budget:
        return None
    return {**live_reservations(value, now), call_id: {"tokens": estimate, "until": until}}


def settling(value: dict[str, Any], call_id: str, used: int, now: datetime) -> dict[str, Any]:
    """The counter's fields once the call is settled: its reservation gone (and the
    lapsed ones), `tokens` plus what the call used."""
    reserved = {k: v for k, v in live_reservations(value, now).items() if k != call_id}
    return {"tokens": _count(value.get("tokens")) + max(0, used), "reserved": reserved}
