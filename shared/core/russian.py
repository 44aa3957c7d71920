"""Russian wording both analyzers need (pure)."""

from __future__ import annotations


def plural(n: int, one: str, few: str, many: str) -> str:
    """The noun form for a count: 1 план, 2 плана, 5 планов, 11 планов, 21 план."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many
