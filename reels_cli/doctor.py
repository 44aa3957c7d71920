"""`python -m reels_cli doctor` (`make doctor`): the operator's view of the analysis
configuration, from the same settings the functions read (environment and `.env`).

Prints what the settings pick, what each model's requests carry, and whether Google
still serves each model (models.get: no video, no tokens). Exit code 1 when a check
fails: a job would then get the offline analysis with a note, not Gemini's.
"""

from __future__ import annotations

import sys

from shared.core.settings import Settings

MARKS = {"ok": "OK  ", "info": "    ", "warn": "WARN", "fail": "FAIL"}


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    from shared.analyzers.gemini.doctor import Check, configuration, liveness

    s = settings or Settings()
    checks: list[Check] = configuration(s)
    if s.uses_gemini and not any(c.level == "fail" for c in checks):
        from shared.analyzers.gemini.engine import GeminiAnalyzer

        checks += liveness(s, GeminiAnalyzer(s, retry_delay_sec=0.2))
    for check in checks:
        print(f"{MARKS[check.level]} {check.text}")
    failed = any(c.level == "fail" for c in checks)
    print("doctor: " + ("problems found" if failed else "all checks passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
