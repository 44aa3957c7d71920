"""Recommendations: what to change when filming a similar video, each from a measurement.

Written in the order of this table (hook, editing, sound, text, format, picture,
then what limited the measurement).
"""

from __future__ import annotations

from shared.analyzers.offline.hook import hook_verdict
from shared.analyzers.offline.rules import Finding, advice_rule
from shared.analyzers.offline.rules.thresholds import (
    DARK_FRAME,
    LOUDNESS_TOLERANCE,
    LOW_CAPTIONS,
    MAX_AVG_SHOT,
    MAX_FIRST_CUT,
    MAX_SILENT_TAIL,
    MAX_SPEECH_START,
    MAX_TRUE_PEAK,
    MIN_FPS,
    MIN_VERTICAL_WIDTH,
    NIGHT_CONTRAST,
    TARGET_LUFS,
    TOO_LOUD_LUFS,
)
from shared.analyzers.offline.text import num, of_shots, pct, sentence, shots_word
from shared.core.measurements import Measurements
from shared.core.schema import HOOK_WINDOW_SEC

WARNINGS_RU = {
    "truncated": "файл прочитан не до конца — похоже, он обрезан; измерено только то, что удалось декодировать",
    "decode_errors": "при декодировании было много ошибок — часть кадров пропущена",
    "read_error": "чтение файла прервалось с ошибкой — измерена только прочитанная часть",
    "ocr_capped": "планов очень много: текст прочитан только в самых длинных из них",
    "ocr_unavailable": "распознавание текста (tesseract) недоступно — текст в кадре не проверялся",
    "speech_capped": "речь расшифрована только в первые 10 минут",
    "speech_failed": "речь не удалось расшифровать из-за нашей внутренней ошибки — "
    "разбор сделан без неё",
}
FILE_WARNINGS = ("truncated", "decode_errors", "read_error")


def _has_words(m: Measurements) -> bool:
    return bool(m.transcript and m.transcript.words())


def _has_voice(m: Measurements) -> bool:
    """Loudness advice is for a voice (or a track made to be heard): not for a clip
    whose sound is room noise or silence."""
    return m.has_audio and _has_words(m)


@advice_rule("late_speech", about="speech_start")
def late_speech(m: Measurements) -> Finding | None:
    if not m.has_audio or not _has_words(m) or m.speech_start_sec is None:
        return None
    if m.speech_start_sec <= MAX_SPEECH_START:
        return None
    if hook_verdict(m).visual:
        return None  # a deliberate visual hook holds the opening before the first word
    return Finding(
        "Хук",
        f"Речь начинается только на {num(m.speech_start_sec)} с. Начните говорить "
        f"в первые {num(MAX_SPEECH_START)} с — первые секунды решают, досмотрят ли ролик.",
        at=(0.0, m.speech_start_sec),
    )


@advice_rule("weak_hook", about="hook")
def weak_hook(m: Measurements) -> Finding | None:
    found = hook_verdict(m)
    if found.type != "no_hook":
        return None
    end = min(HOOK_WINDOW_SEC, m.duration_sec)
    return Finding(
        "Хук",
        f"Хука нет: {found.why} (0–{num(end)} с). Откройте вопросом, обещанием "
        "результата или числом пунктов и продублируйте это крупным текстом на экране.",
        at=(0.0, end),
    )


@advice_rule("no_text_hook", about="first_shot_text")
def no_text_hook(m: Measurements) -> Finding | None:
    first = m.shots[0] if m.shots else None
    if first is None or first.text or "ocr_unavailable" in m.warnings:
        return None
    return Finding(
        "Хук",
        f"В первом плане (0–{num(first.end)} с) текста на экране нет. Добавьте "
        "заголовок-хук в первые 1–2 с: его прочтут и те, кто смотрит без звука.",
        at=(first.start, first.end),
    )


@advice_rule("long_shots", about="pace")
def long_shots(m: Measurements) -> Finding | None:
    avg = m.average_shot_sec
    if avg is None or avg <= MAX_AVG_SHOT:
        return None
    if len(m.shots) == 1:
        return Finding(
            "Монтаж",
            f"Склеек не найдено: весь ролик — один план длиной {num(m.duration_sec)} с. "
            f"Добавьте смену плана хотя бы каждые {num(MAX_AVG_SHOT, 0)} с "
            "(крупность, ракурс, B-roll).",
        )
    return Finding(
        "Монтаж",
        f"Средний план длится {num(avg)} с ({shots_word(len(m.shots))} за "
        f"{num(m.duration_sec)} с) — дольше ориентира {num(MAX_AVG_SHOT, 0)} с. "
        "Добавьте склейки, смену крупности или B-roll.",
    )


@advice_rule("late_first_cut", about="pace")
def late_first_cut(m: Measurements) -> Finding | None:
    avg = m.average_shot_sec
    if avg is not None and avg > MAX_AVG_SHOT:
        return None  # long_shots says it already
    if m.first_cut_sec is None or m.first_cut_sec <= MAX_FIRST_CUT:
        return None
    return Finding(
        "Монтаж",
        f"Первая склейка только на {num(m.first_cut_sec)} с. Смените план в первые "
        f"{num(MAX_FIRST_CUT, 0)} с, чтобы удержать внимание.",
        at=(0.0, m.first_cut_sec),
    )


@advice_rule("no_audio", about="audio")
def no_audio(m: Measurements) -> Finding | None:
    if m.has_audio:
        return None
    return Finding(
        "Звук",
        "В файле нет звуковой дорожки. Добавьте голос или музыку — "
        "без звука ролик теряет большую часть аудитории.",
    )


@advice_rule("no_speech", about="speech")
def no_speech(m: Measurements) -> Finding | None:
    if not m.has_audio or _has_words(m):
        return None
    return Finding(
        "Звук",
        "Речь в ролике не обнаружена. Добавьте закадровый голос или поясняющий "
        "текст: зритель должен понять, о чём видео.",
    )


@advice_rule("silent_track", about="loudness")
def silent_track(m: Measurements) -> Finding | None:
    if not m.has_audio or m.loudness_lufs is not None:
        return None
    peak = f" (пик {num(m.true_peak_dbtp)} dBTP)" if m.true_peak_dbtp is not None else ""
    return Finding(
        "Звук",
        f"Звуковая дорожка практически беззвучна{peak}: громкость ниже порога "
        "измерения −70 LUFS. Проверьте, что звук не потерялся при экспорте.",
    )


@advice_rule("too_quiet", about="loudness")
def too_quiet(m: Measurements) -> Finding | None:
    if not _has_voice(m) or m.loudness_lufs is None:
        return None
    if m.loudness_lufs >= TARGET_LUFS - LOUDNESS_TOLERANCE:
        return None
    gain = TARGET_LUFS - m.loudness_lufs
    return Finding(
        "Звук",
        f"Громкость {num(m.loudness_lufs)} LUFS — тише ориентира "
        f"{num(TARGET_LUFS, 0)} LUFS. Поднимите уровень примерно на "
        f"{num(gain)} дБ (нормализация по громкости), пик держите не выше "
        f"{num(MAX_TRUE_PEAK, 0)} dBTP.",
    )


@advice_rule("too_loud", about="loudness")
def too_loud(m: Measurements) -> Finding | None:
    if not _has_voice(m) or m.loudness_lufs is None or m.loudness_lufs <= TOO_LOUD_LUFS:
        return None
    return Finding(
        "Звук",
        f"Громкость {num(m.loudness_lufs)} LUFS — громче ориентира "
        f"{num(TARGET_LUFS, 0)} LUFS: платформа приглушит ролик, а компрессия "
        "может быть слышна. Снизьте уровень.",
    )


@advice_rule("true_peak", about="true_peak")
def true_peak(m: Measurements) -> Finding | None:
    if not _has_voice(m) or m.true_peak_dbtp is None or m.true_peak_dbtp <= MAX_TRUE_PEAK:
        return None
    return Finding(
        "Звук",
        f"Истинный пик {num(m.true_peak_dbtp)} dBTP выше {num(MAX_TRUE_PEAK, 0)} dBTP: "
        "после перекодирования платформой возможны искажения. Поставьте лимитер "
        f"на {num(MAX_TRUE_PEAK, 0)} dBTP.",
    )


@advice_rule("silent_tail", about="silent_tail")
def silent_tail(m: Measurements) -> Finding | None:
    tail = m.silent_tail_sec
    if not m.has_audio or not _has_words(m) or tail is None or tail <= MAX_SILENT_TAIL:
        return None
    end = m.duration_sec - tail
    return Finding(
        "Монтаж",
        f"После последней фразы ещё {num(tail)} с без речи "
        f"({num(end)}–{num(m.duration_sec)} с). Обрежьте концовку до "
        f"{num(MAX_SILENT_TAIL, 0)} с или закончите призывом к действию.",
        at=(end, m.duration_sec),
    )


@advice_rule("no_captions", about="text_share")
def no_captions(m: Measurements) -> Finding | None:
    if not m.shots or "ocr_unavailable" in m.warnings or any(s.text for s in m.shots):
        return None
    return Finding(
        "Текст",
        f"Текст на экране не найден ни в одном {of_shots(len(m.shots))}. "
        "Добавьте субтитры и ключевые фразы крупным текстом: многие смотрят без звука.",
    )


@advice_rule("few_captions", about="text_share")
def few_captions(m: Measurements) -> Finding | None:
    with_text = [s for s in m.shots if s.text]
    if "ocr_unavailable" in m.warnings or not with_text or not _has_words(m):
        return None
    if m.text_share >= LOW_CAPTIONS:
        return None
    return Finding(
        "Текст",
        f"Текст есть только в {len(with_text)} {of_shots(len(m.shots))} "
        f"({pct(m.text_share)} длительности), а речь звучит {pct(m.speech_share)} "
        "времени. Добавьте субтитры на всю речь.",
    )


@advice_rule("not_vertical", about="format")
def not_vertical(m: Measurements) -> Finding | None:
    if m.orientation == "vertical":
        return None
    kind = "горизонтальный" if m.orientation == "horizontal" else "квадратный"
    return Finding(
        "Формат",
        f"Кадр {m.width}×{m.height} — {kind}. Для Reels и Shorts нужен вертикальный "
        "9:16 (1080×1920), иначе останутся поля.",
    )


@advice_rule("low_resolution", about="format")
def low_resolution(m: Measurements) -> Finding | None:
    if m.orientation != "vertical" or m.width >= MIN_VERTICAL_WIDTH:
        return None
    return Finding(
        "Формат",
        f"Разрешение {m.width}×{m.height} ниже 1080×1920: на телефоне картинка будет "
        "мягче. Экспортируйте в 1080×1920.",
    )


@advice_rule("low_fps", about="fps")
def low_fps(m: Measurements) -> Finding | None:
    if m.fps is None or m.fps >= MIN_FPS:
        return None
    return Finding(
        "Формат",
        f"Частота {num(m.fps)} кадров/с — движение будет дёрганым. "
        "Снимайте и экспортируйте 25–30 кадров/с.",
    )


@advice_rule("dark_frames", about="brightness")
def dark_frames(m: Measurements) -> Finding | None:
    lit = [(s.brightness, s.duration) for s in m.shots if s.brightness is not None]
    if not lit:
        return None
    mean = sum(b * d for b, d in lit) / max(1e-6, sum(d for _, d in lit))
    if mean >= DARK_FRAME:
        return None
    contrasts = [s.contrast for s in m.shots if s.contrast is not None]
    if contrasts and max(contrasts) >= NIGHT_CONTRAST:
        return None  # dark with bright lights in it: a night scene, not underexposure
    return Finding(
        "Картинка",
        f"Кадры тёмные: средняя яркость {pct(mean)}. Добавьте света "
        "или поднимите экспозицию — тёмное видео хуже смотрится в ленте.",
    )


def _warning_rule(code: str) -> None:
    """One rule per thing that limited the measurement (see Measurements.warnings)."""

    def check(m: Measurements) -> Finding | None:
        if code not in m.warnings:
            return None
        return Finding(
            "Файл" if code in FILE_WARNINGS else "Измерение", sentence(WARNINGS_RU[code])
        )

    advice_rule(f"warning_{code}", about="warnings")(check)


for _code in WARNINGS_RU:
    _warning_rule(_code)
