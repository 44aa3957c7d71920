"""Turns `Measurements` into an `AnalysisResult` (Russian text for users).

Every sentence is built from a measured number; nothing here is canned advice
that would be written whatever the video. Thresholds are named constants.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.core.measurements import Measurements, Shot
from shared.core.schema import (
    KEYS_COUNT,
    AnalysisResult,
    Key,
    Meta,
    Original,
    Recommendation,
    ScriptRow,
    format_range,
)
from shared.measure.model import MODEL_NAME
from shared.measure.visual import describe_ru

TARGET_LUFS = -14.0
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
MIN_FPS = 24.0
MIN_VERTICAL_WIDTH = 1080

# Names of speech languages (nominative), for notes; others are shown as their code.
LANGUAGE_NAMES_RU = {
    "ru": "русский",
    "en": "английский",
    "uk": "украинский",
    "kk": "казахский",
    "be": "белорусский",
    "es": "испанский",
    "de": "немецкий",
    "fr": "французский",
    "it": "итальянский",
    "pt": "португальский",
    "tr": "турецкий",
    "pl": "польский",
    "zh": "китайский",
    "ja": "японский",
    "ko": "корейский",
    "ar": "арабский",
    "hi": "хинди",
    "uz": "узбекский",
}

WARNINGS_RU = {
    "truncated": "файл прочитан не до конца — похоже, он обрезан; измерено только то, что удалось декодировать",
    "decode_errors": "при декодировании было много ошибок — часть кадров пропущена",
    "read_error": "чтение файла прервалось с ошибкой — измерена только прочитанная часть",
    "ocr_capped": "планов очень много: текст прочитан только в самых длинных из них",
    "ocr_unavailable": "распознавание текста (tesseract) недоступно — текст в кадре не проверялся",
    "speech_capped": "речь расшифрована только в первые 10 минут",
}


def num(value: float, digits: int = 1) -> str:
    """Russian number formatting: decimal comma, true minus sign."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",").replace("-", "−")


def pct(share: float) -> str:
    return f"{round(share * 100)}%"


def quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"«{text}»"


def language_name(code: str | None) -> str:
    if not code:
        return "не определён"
    return LANGUAGE_NAMES_RU.get(code, code)


def _plural(n: int, one: str, few: str, many: str) -> str:
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def shots_word(n: int) -> str:
    return f"{n} {_plural(n, 'план', 'плана', 'планов')}"


def of_shots(n: int) -> str:
    """Genitive "из N планов"."""
    return f"из {n} {'плана' if n % 10 == 1 and n % 100 != 11 else 'планов'}"


# ----- the parts of the result ---------------------------------------------------------


def _words_in(m: Measurements, shot: Shot) -> str:
    if m.transcript is None:
        return ""
    words = m.transcript.words_between(shot.start, shot.end)
    return " ".join(w.text for w in words)


def script_rows(m: Measurements) -> list[ScriptRow]:
    rows = []
    for shot in m.shots:
        look = describe_ru(
            shot.brightness, shot.colorfulness, shot.dominant_color, shot.motion, shot.contrast
        )
        visual = f"План {shot.index + 1}, {num(shot.duration)} с. {look}"
        rows.append(
            ScriptRow(
                time=format_range(shot.start, shot.end),
                start_sec=round(shot.start, 2),
                end_sec=round(shot.end, 2),
                visual=visual,
                text=shot.text,
                note=_words_in(m, shot),
            )
        )
    return rows


@dataclass
class _Finding:
    score: float  # how strong: higher first
    title: str
    description: str


def _strengths(m: Measurements) -> list[_Finding]:
    found: list[_Finding] = []
    words = m.transcript.words() if m.transcript else []
    if m.speech_start_sec is not None and words and m.speech_start_sec <= QUICK_SPEECH_START:
        found.append(
            _Finding(
                1.0 - m.speech_start_sec / 2,
                "Голос с первой секунды",
                f"Речь начинается на {num(m.speech_start_sec)} с — зритель сразу слышит, "
                f"о чём ролик (первые слова: {quote(' '.join(w.text for w in words[:6]))}).",
            )
        )
    first = m.shots[0] if m.shots else None
    if first is not None and first.text:
        found.append(
            _Finding(
                0.95,
                "Текст-хук в первом кадре",
                f"Уже в первом плане (0–{num(first.end)} с) на экране {quote(first.text)} — "
                "тему видно даже без звука.",
            )
        )
    avg = m.average_shot_sec
    if avg is not None and len(m.shots) >= 3 and avg <= FAST_AVG_SHOT:
        first_cut = m.first_cut_sec
        found.append(
            _Finding(
                0.8 + (FAST_AVG_SHOT - avg) / 10,
                "Быстрый монтаж",
                f"{shots_word(len(m.shots))} за {num(m.duration_sec)} с — в среднем "
                f"{num(avg)} с на план, первая склейка на {num(first_cut or 0)} с.",
            )
        )
    if words and m.speech_share >= DENSE_SPEECH:
        found.append(
            _Finding(
                0.6 + (m.speech_share - DENSE_SPEECH),
                "Плотная речь",
                f"Голос звучит {pct(m.speech_share)} времени ролика "
                f"({len(words)} {_plural(len(words), 'слово', 'слова', 'слов')}).",
            )
        )
    with_text = [s for s in m.shots if s.text]
    if m.shots and with_text and m.text_share >= WIDE_CAPTIONS:
        found.append(
            _Finding(
                0.55 + (m.text_share - WIDE_CAPTIONS) / 2,
                "Текст на экране",
                f"Текст найден в {len(with_text)} {of_shots(len(m.shots))}; "
                f"они занимают {pct(m.text_share)} длительности — ролик понятен без звука.",
            )
        )
    if (
        m.loudness_lufs is not None
        and abs(m.loudness_lufs - TARGET_LUFS) <= 2.0
        and (m.true_peak_dbtp is None or m.true_peak_dbtp <= MAX_TRUE_PEAK + 0.5)
    ):
        found.append(
            _Finding(
                0.5,
                "Громкость по стандарту",
                f"Интегральная громкость {num(m.loudness_lufs)} LUFS — рядом с ориентиром "
                f"соцсетей {num(TARGET_LUFS, 0)} LUFS, ролик не будет тише соседних.",
            )
        )
    if m.orientation == "vertical" and m.width >= MIN_VERTICAL_WIDTH:
        found.append(
            _Finding(
                0.3,
                "Вертикальный формат",
                f"Кадр {m.width}×{m.height} — на весь экран телефона, без полос.",
            )
        )
    return found


def _neutral_facts(m: Measurements) -> list[_Finding]:
    """Plain measured facts, when nothing stands out as a strength."""
    facts = []
    if m.shots:
        facts.append(
            _Finding(
                0.0,
                "Монтаж",
                f"{shots_word(len(m.shots))} за {num(m.duration_sec)} с, "
                f"в среднем {num(m.average_shot_sec or m.duration_sec)} с на план.",
            )
        )
    if m.transcript and m.transcript.words():
        facts.append(
            _Finding(
                0.0,
                "Речь",
                f"Язык речи: {language_name(m.transcript.language)}; голос звучит "
                f"{pct(m.speech_share)} времени, начинается на {num(m.speech_start_sec or 0)} с.",
            )
        )
    return facts


def keys(m: Measurements) -> list[Key]:
    found = sorted(_strengths(m), key=lambda f: f.score, reverse=True)
    if not found:
        found = _neutral_facts(m)
    return [Key(title=f.title, description=f.description) for f in found[:KEYS_COUNT]]


def recommendations(m: Measurements) -> list[Recommendation]:
    recs: list[tuple[str, str]] = []
    words = m.transcript.words() if m.transcript else []
    first = m.shots[0] if m.shots else None

    # Hook
    if m.has_audio and words and m.speech_start_sec is not None:
        if m.speech_start_sec > MAX_SPEECH_START:
            recs.append(
                (
                    "Хук",
                    f"Речь начинается только на {num(m.speech_start_sec)} с. Начните говорить "
                    f"в первые {num(MAX_SPEECH_START)} с — первые секунды решают, досмотрят ли ролик.",
                )
            )
    if first is not None and not first.text and "ocr_unavailable" not in m.warnings:
        recs.append(
            (
                "Хук",
                f"В первом плане (0–{num(first.end)} с) текста на экране нет. Добавьте "
                "заголовок-хук в первые 1–2 с: его прочтут и те, кто смотрит без звука.",
            )
        )
    # Editing
    avg = m.average_shot_sec
    if avg is not None and avg > MAX_AVG_SHOT:
        if len(m.shots) == 1:
            recs.append(
                (
                    "Монтаж",
                    f"Склеек не найдено: весь ролик — один план длиной {num(m.duration_sec)} с. "
                    f"Добавьте смену плана хотя бы каждые {num(MAX_AVG_SHOT, 0)} с "
                    "(крупность, ракурс, B-roll).",
                )
            )
        else:
            recs.append(
                (
                    "Монтаж",
                    f"Средний план длится {num(avg)} с ({shots_word(len(m.shots))} за "
                    f"{num(m.duration_sec)} с) — дольше ориентира {num(MAX_AVG_SHOT, 0)} с. "
                    "Добавьте склейки, смену крупности или B-roll.",
                )
            )
    elif m.first_cut_sec is not None and m.first_cut_sec > MAX_FIRST_CUT:
        recs.append(
            (
                "Монтаж",
                f"Первая склейка только на {num(m.first_cut_sec)} с. Смените план в первые "
                f"{num(MAX_FIRST_CUT, 0)} с, чтобы удержать внимание.",
            )
        )
    # Sound
    if not m.has_audio:
        recs.append(
            (
                "Звук",
                "В файле нет звуковой дорожки. Добавьте голос или музыку — "
                "без звука ролик теряет большую часть аудитории.",
            )
        )
    else:
        if not words:
            recs.append(
                (
                    "Звук",
                    "Речь в ролике не обнаружена. Добавьте закадровый голос или поясняющий "
                    "текст: зритель должен понять, о чём видео.",
                )
            )
        if m.loudness_lufs is None:
            peak = f" (пик {num(m.true_peak_dbtp)} dBTP)" if m.true_peak_dbtp is not None else ""
            recs.append(
                (
                    "Звук",
                    f"Звуковая дорожка практически беззвучна{peak}: громкость ниже порога "
                    "измерения −70 LUFS. Проверьте, что звук не потерялся при экспорте.",
                )
            )
        else:
            if m.loudness_lufs < TARGET_LUFS - LOUDNESS_TOLERANCE:
                gain = TARGET_LUFS - m.loudness_lufs
                recs.append(
                    (
                        "Звук",
                        f"Громкость {num(m.loudness_lufs)} LUFS — тише ориентира "
                        f"{num(TARGET_LUFS, 0)} LUFS. Поднимите уровень примерно на "
                        f"{num(gain)} дБ (нормализация по громкости), пик держите не выше "
                        f"{num(MAX_TRUE_PEAK, 0)} dBTP.",
                    )
                )
            elif m.loudness_lufs > TOO_LOUD_LUFS:
                recs.append(
                    (
                        "Звук",
                        f"Громкость {num(m.loudness_lufs)} LUFS — громче ориентира "
                        f"{num(TARGET_LUFS, 0)} LUFS: платформа приглушит ролик, а компрессия "
                        "может быть слышна. Снизьте уровень.",
                    )
                )
        if m.true_peak_dbtp is not None and m.true_peak_dbtp > MAX_TRUE_PEAK:
            recs.append(
                (
                    "Звук",
                    f"Истинный пик {num(m.true_peak_dbtp)} dBTP выше {num(MAX_TRUE_PEAK, 0)} dBTP: "
                    "после перекодирования платформой возможны искажения. Поставьте лимитер "
                    f"на {num(MAX_TRUE_PEAK, 0)} dBTP.",
                )
            )
        if words and m.silent_tail_sec is not None and m.silent_tail_sec > MAX_SILENT_TAIL:
            end = m.duration_sec - m.silent_tail_sec
            recs.append(
                (
                    "Монтаж",
                    f"После последней фразы ещё {num(m.silent_tail_sec)} с без речи "
                    f"({num(end)}–{num(m.duration_sec)} с). Обрежьте концовку до "
                    f"{num(MAX_SILENT_TAIL, 0)} с или закончите призывом к действию.",
                )
            )
    # Text
    if m.shots and "ocr_unavailable" not in m.warnings:
        with_text = [s for s in m.shots if s.text]
        if not with_text:
            recs.append(
                (
                    "Текст",
                    f"Текст на экране не найден ни в одном {of_shots(len(m.shots))}. "
                    "Добавьте субтитры и ключевые фразы крупным текстом: многие смотрят без звука.",
                )
            )
        elif words and m.text_share < LOW_CAPTIONS:
            recs.append(
                (
                    "Текст",
                    f"Текст есть только в {len(with_text)} {of_shots(len(m.shots))} "
                    f"({pct(m.text_share)} длительности), а речь звучит {pct(m.speech_share)} "
                    "времени. Добавьте субтитры на всю речь.",
                )
            )
    # Format and picture
    if m.orientation != "vertical":
        kind = "горизонтальный" if m.orientation == "horizontal" else "квадратный"
        recs.append(
            (
                "Формат",
                f"Кадр {m.width}×{m.height} — {kind}. Для Reels и Shorts нужен вертикальный "
                "9:16 (1080×1920), иначе останутся поля.",
            )
        )
    elif m.width < MIN_VERTICAL_WIDTH:
        recs.append(
            (
                "Формат",
                f"Разрешение {m.width}×{m.height} ниже 1080×1920: на телефоне картинка будет "
                "мягче. Экспортируйте в 1080×1920.",
            )
        )
    if m.fps is not None and m.fps < MIN_FPS:
        recs.append(
            (
                "Формат",
                f"Частота {num(m.fps)} кадров/с — движение будет дёрганым. "
                "Снимайте и экспортируйте 25–30 кадров/с.",
            )
        )
    lit = [s for s in m.shots if s.brightness is not None]
    if lit:
        mean_brightness = sum(s.brightness * s.duration for s in lit) / max(
            1e-6, sum(s.duration for s in lit)
        )
        if mean_brightness < DARK_FRAME:
            recs.append(
                (
                    "Картинка",
                    f"Кадры тёмные: средняя яркость {pct(mean_brightness)}. Добавьте света "
                    "или поднимите экспозицию — тёмное видео хуже смотрится в ленте.",
                )
            )
    for code in m.warnings:
        if code in WARNINGS_RU:
            category = (
                "Файл" if code in ("truncated", "decode_errors", "read_error") else "Измерение"
            )
            recs.append((category, WARNINGS_RU[code][0].upper() + WARNINGS_RU[code][1:] + "."))
    if not recs:
        recs.append(
            (
                "Итог",
                "Все измеренные показатели в пределах ориентиров: "
                f"речь с {num(m.speech_start_sec or 0)} с, план в среднем "
                f"{num(m.average_shot_sec or 0)} с, громкость "
                f"{num(m.loudness_lufs) if m.loudness_lufs is not None else '—'} LUFS, "
                f"текст на экране {pct(m.text_share)} времени.",
            )
        )
    return [Recommendation(category=c, text=t) for c, t in recs]


def original(m: Measurements, language: str) -> tuple[Original, str | None]:
    transcript = m.transcript
    text = transcript.text if transcript else ""
    if not m.has_audio:
        return Original(transcription="", translation=None), (
            "В файле нет звуковой дорожки — расшифровывать и переводить нечего."
        )
    if not text:
        return Original(transcription="", translation=None), (
            "Речь не обнаружена — расшифровывать и переводить нечего."
        )
    spoken = transcript.language if transcript else None
    if spoken == language:
        return Original(transcription=text, translation=text), (
            f"Речь на языке результата ({language_name(language)}) — перевод совпадает "
            "с расшифровкой."
        )
    return Original(transcription=text, translation=None), (
        f"Перевод не выполнен: язык речи — {language_name(spoken)}, а в офлайн-режиме нет "
        f"модели перевода на {language_name(language)}. Перевод делает анализ через Gemini."
    )


def build_result(m: Measurements, *, language: str = "ru") -> AnalysisResult:
    orig, note = original(m, language)
    return AnalysisResult(
        original=orig,
        keys=keys(m),
        script=script_rows(m),
        recommendations=recommendations(m),
        meta=Meta(
            engine="offline",
            model=MODEL_NAME,
            versions=dict(m.versions),
            duration_sec=round(m.duration_sec, 2),
            language=m.transcript.language if m.transcript and m.transcript.text else None,
            output_language=language,
            translation_note=note,
            aligned_to_cuts=True,
            measurements=m.summary(),
        ),
    )
