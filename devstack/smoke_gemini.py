"""`make smoke-gemini`: a live check of the Gemini configuration for an operator, with
a real key (CI has no network; the test suite runs it against the strict stand-in).

For the configured model and each fallback, one at a time: models.get, then a 3 s
generated clip (two shots, a caption, a tone) through the whole request the functions
make (the video and the hook clip, the JSON schema, countTokens per part, the Gemini
file deleted at the end), and the answer parsed and validated. Prints, per model, who
served it and the tokens of each part; exit code 1 if a model fails, 2 without a key.

    GEMINI_API_KEY=... make smoke-gemini            # the settings' models (and .env)
    GEMINI_API_KEY=... .venv/bin/python -m devstack.smoke_gemini --model gemini-3.8-flash
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from devstack import media
from shared.core.settings import Settings

NO_KEY = (
    "smoke-gemini calls the real Gemini API and needs a key: set GEMINI_API_KEY (in the "
    "environment or .env), or GOOGLE_GENAI_USE_VERTEXAI=true with Google credentials. "
    "Nothing was sent."
)


def clip(out_dir: Path) -> Path:
    made = media.make_clip(
        out_dir / "smoke.mp4",
        [
            media.Part("testsrc2", 1.5, caption="SMOKE TEST"),
            media.Part("color=c=0x1f4e8c", 1.5),
        ],
        size=(360, 640),
    )
    return made.path


def run_model(settings: Settings, model: str, path: Path) -> bool:
    from shared.adapters.probe import probe
    from shared.analyzers.gemini import status
    from shared.analyzers.gemini.engine import GeminiAnalyzer

    one = settings.model_copy(update={"gemini_model": model, "gemini_fallback_models": ""})
    analyzer = GeminiAnalyzer(one, retry_delay_sec=1.0)
    started = time.monotonic()
    try:
        client = analyzer.client()
        found = status.check_model(client, model, scope="smoke")
        if not found.alive:
            print(f"FAIL {model}: models.get: {found.detail}")
            return False
        video = probe(path, content_type="video/mp4", max_duration_sec=60)
        result = analyzer.analyze(video, None, language="ru", progress=lambda _stage: None)
        leftover = [f.name for f in client.files.list() if f.display_name == path.name]
    except Exception as exc:
        print(f"FAIL {model}: {type(exc).__name__}: {exc}")
        return False
    usage = result.meta.usage
    parts = usage.parts if usage else {}
    ok = set(parts) == {"video", "hook", "prompt"} and not leftover and bool(result.keys)
    mark = "OK  " if ok else "FAIL"
    print(
        f"{mark} {model}: served by {result.meta.model_served or '?'}; input tokens "
        + ", ".join(f"{k} {v}" for k, v in parts.items())
        + f"; total {usage.total_tokens if usage else '?'}; {time.monotonic() - started:.1f} s"
        + ("" if not leftover else f"; NOT DELETED: {leftover}")
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.smoke_gemini")
    parser.add_argument("--model", action="append", help="check only these models")
    args = parser.parse_args(argv)
    settings = Settings().model_copy(update={"gemini_align_to_cuts": False})
    if not settings.gemini_api_key and not settings.google_genai_use_vertexai:
        print(NO_KEY, file=sys.stderr)
        return 2
    if settings.google_genai_use_vertexai:
        print(
            "smoke-gemini uploads a local clip: on Vertex AI the functions pass gs:// URIs; "
            "run it with an API key.",
            file=sys.stderr,
        )
        return 2
    settings = settings.model_copy(update={"gemini_file_source": "upload"})
    models = args.model or settings.gemini_models
    with tempfile.TemporaryDirectory(prefix="reels-smoke-") as tmp:
        path = clip(Path(tmp))
        results = [run_model(settings, model, path) for model in models]
    print(f"smoke-gemini: {sum(results)} of {len(results)} models OK")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
