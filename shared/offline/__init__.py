"""The offline analyzer: measures a video on CPU and fills the result from what it measured.

Importing this package is cheap: PyAV, OpenCV, faster-whisper and the rest are
imported inside the functions that use them.
"""

from __future__ import annotations

from shared.offline.measurements import Measurements, Segment, Shot, Transcript, Word

__all__ = ["Measurements", "OfflineAnalyzer", "Segment", "Shot", "Transcript", "Word", "measure"]
