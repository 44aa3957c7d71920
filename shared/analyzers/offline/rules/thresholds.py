"""The numbers the rules judge by (one place, named)."""

TARGET_LUFS = -14.0  # what the platforms normalise to
LOUDNESS_TOLERANCE = 1.0  # LU either side of the target that needs no advice
TOO_LOUD_LUFS = -9.0
MAX_TRUE_PEAK = -1.0
MAX_SILENT_TAIL = 3.0
MAX_AVG_SHOT = 6.0
FAST_AVG_SHOT = 3.0
MAX_SPEECH_START = 1.5
QUICK_SPEECH_START = 1.0
MAX_FIRST_CUT = 3.0
DENSE_SPEECH = 0.6
WIDE_CAPTIONS = 0.5
LOW_CAPTIONS = 0.3
DARK_FRAME = 0.25
NIGHT_CONTRAST = 0.15  # a dark frame this contrasted has light sources: a night shot
MIN_FPS = 23.9  # film's 23.976 and 24 are standard, not choppy
MIN_VERTICAL_WIDTH = 1080
ON_BEAT_SHARE = 0.7  # this share of the cuts on a beat: cut to the music
MIN_BEAT_CUTS = 4  # fewer cuts while the music plays: no editing rhythm to judge
MIN_MUSIC_SHARE = 0.25  # less music than this share of the reel: no music to copy
MIN_VOICE_OVER_MUSIC_LU = 4.0  # speech less louder than the music alone: it competes
