"""The Gemini analyzer (`google-genai`), split by job:

- `engine.py`: the analysis (models in turn, the request, retries);
- `models.py`: the models and their families (what a request may carry, and where it was read);
- `request.py`: the parts (the video, the hook clip, the prompt) and the config;
- `files.py`: the video by reference (registered, uploaded, or gs://) and its deletion;
- `status.py`: models.get once per instance; who served an answer, and its model status;
- `failures.py`: what an HTTP error means for the job;
- `answer.py`: the schema Gemini is asked for and the parsing of its answer;
- `align.py`: putting the script rows on the measured cuts;
- `result.py`: the finished `AnalysisResult`;
- `prompt.py`: the prompt;
- `doctor.py`: an operator's checks (`python -m reels_cli doctor`).

Importing this package imports google-genai: the wiring imports it only when
Gemini is configured.
"""

from shared.analyzers.gemini.engine import GeminiAnalyzer

__all__ = ["GeminiAnalyzer"]
