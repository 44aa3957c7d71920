"""The offline analyzer's keys and recommendations, as a table of small rules.

A rule looks at the measurements and either says nothing (None) or returns a
`Finding`: the text it writes, how strong it is, what it cites and when. Keys
(`keys.py`) are strengths, ranked by `score`; advice (`advice.py`) is written in
the order of the table. Adding one is one decorated function plus one case in
`tests/offline/test_rules.py` (a test fails for a rule without a case):

    @key_rule("quick_voice", about="speech_start")
    def quick_voice(m: Measurements) -> Finding | None:
        if m.speech_start_sec is None or m.speech_start_sec > 1.0:
            return None
        return Finding("Голос с первой секунды", "...", score=0.9)

`about` names the measurement a rule judges; a key and a piece of advice about
the same measurement must never contradict each other (checked by a test).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from shared.core.measurements import Measurements

Kind = Literal["key", "advice"]


@dataclass(frozen=True)
class Finding:
    title: str  # the key's title, or the advice's category
    text: str
    score: float = 0.0  # keys: stronger first
    at: tuple[float, float] | None = None  # the moment it refers to (seconds), if one


RuleFn = Callable[[Measurements], Finding | None]


@dataclass(frozen=True)
class Rule:
    id: str
    kind: Kind
    about: str  # the measurement it judges: "pace", "speech_start", "loudness", ...
    check: RuleFn

    def __call__(self, m: Measurements) -> Finding | None:
        return self.check(m)


RULES: list[Rule] = []


def _register(kind: Kind, rule_id: str, about: str) -> Callable[[RuleFn], RuleFn]:
    def add(fn: RuleFn) -> RuleFn:
        if any(r.id == rule_id for r in RULES):
            raise ValueError(f"rule {rule_id!r} is registered twice")
        RULES.append(Rule(rule_id, kind, about, fn))
        return fn

    return add


def key_rule(rule_id: str, *, about: str) -> Callable[[RuleFn], RuleFn]:
    """Register a strength: a candidate for the five keys."""
    return _register("key", rule_id, about)


def advice_rule(rule_id: str, *, about: str) -> Callable[[RuleFn], RuleFn]:
    """Register a recommendation."""
    return _register("advice", rule_id, about)


def rules(kind: Kind) -> list[Rule]:
    _load()
    return [r for r in RULES if r.kind == kind]


def fired(m: Measurements, kind: Kind) -> list[tuple[Rule, Finding]]:
    """Every rule of this kind that has something to say, in table order."""
    out = []
    for rule in rules(kind):
        finding = rule(m)
        if finding is not None:
            out.append((rule, finding))
    return out


def _load() -> None:
    # The rule modules register themselves on import, in table order: how to film a
    # similar video first (the music's recipe among them), then the fixes.
    from shared.analyzers.offline.rules import recipe  # noqa: F401, I001
    from shared.analyzers.offline.rules import music  # noqa: F401
    from shared.analyzers.offline.rules import advice, content, keys  # noqa: F401
