"""Code shared by the Cloud Functions, in layers (each imports only those below it):

    orchestration/   what each function does, and the wiring that picks the parts
    analyzers/       the Analyzer interface; gemini/ and offline/ (independent)
    measure/         the measurement step: shots, speech, loudness, text (PyAV, Whisper, ...)
    adapters/        one per service: Firestore, Cloud Storage, the probe, logs, HTTP
    core/            pure: job states, result schema, validation, events, messages,
                     settings, errors, ports (Protocols), the client contract

`analyzers` and `measure` sit side by side and never import each other. The rules
are import-linter contracts in pyproject.toml, run by `make test`.

Importing this package is free: modules import only what they need, and cloud
clients are created lazily inside the adapters.
"""

import sys as _sys

from shared.core import cpu as _cpu

# One instruction set for every numeric library, set before any of them loads (the
# same video gives the same result on every CPU: shared/core/cpu.py).
LOADED_BEFORE_PINS = tuple(name for name in _cpu.READ_AT_LOAD if name in _sys.modules)
CPU_LEVEL = _cpu.pin()
