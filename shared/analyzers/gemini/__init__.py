"""The Gemini analyzer (`google-genai`), split by job:

- `engine.py`: the transport (client, Files API upload, generate, retries, errors);
- `answer.py`: the schema Gemini is asked for and the parsing of its answer;
- `align.py`: putting the script rows on the measured cuts;
- `result.py`: the finished `AnalysisResult`;
- `prompt.py`: the prompt.

Importing this package imports google-genai: the wiring imports it only when
Gemini is configured.
"""

from shared.analyzers.gemini.engine import GeminiAnalyzer

__all__ = ["GeminiAnalyzer"]
