"""Every message a user reads, in Russian, in one place.

Error codes are stable identifiers clients may branch on; stage codes name the
steps of an analysis, each with the status line `status` shows.
"""

from __future__ import annotations

ERRORS: dict[str, str] = {
    # upload_url: the request
    "bad_request": "Некорректный запрос: ожидается JSON с полями filename, content_type и size.",
    "bad_filename": "Укажите имя файла.",
    "unsupported_type": "Неподдерживаемый формат. Используйте: MP4, MOV или WebM.",
    "empty_file": "Файл пустой. Выберите видео.",
    "file_too_large": "Файл слишком большой. Максимум {max_mb} МБ.",
    "bad_language": "Неподдерживаемый язык результата. Доступны: {languages}.",
    "method_not_allowed": "Метод не поддерживается.",
    "internal": "Внутренняя ошибка сервиса. Попробуйте ещё раз через минуту.",
    # status
    "not_found": "Задача не найдена. Возможно, ссылка устарела — загрузите видео заново.",
    # analyze: the video
    "upload_expired": "Видео так и не было загружено: срок ссылки для загрузки истёк. Загрузите видео заново.",
    "object_missing": "Загруженный файл не найден. Загрузите видео заново.",
    "not_a_video": "Файл не похож на видео: не удалось прочитать видеодорожку. Загрузите MP4, MOV или WebM.",
    "no_video_stream": "В файле нет видеодорожки (например, это только звук). Загрузите видео.",
    "corrupt_video": "Видео повреждено или загружено не полностью. Попробуйте загрузить его ещё раз.",
    "video_too_long": "Видео слишком длинное: {duration} с. Максимум {max_sec} с.",
    "duration_unknown": "Не удалось определить длительность видео. Пересохраните его в MP4 и попробуйте снова.",
    # analyze: the AI
    "ai_blocked": "ИИ отказался анализировать это видео (сработали фильтры безопасности). Попробуйте другое видео.",
    "ai_truncated": "Ответ ИИ оборвался на середине. Попробуйте ещё раз — или загрузите видео покороче.",
    "ai_bad_answer": "ИИ вернул некорректный ответ. Попробуйте ещё раз.",
    "ai_unavailable": "Сервис ИИ сейчас перегружен или недоступен. Попробуйте ещё раз позже.",
    "ai_rejected": "Сервис ИИ не принял видео. Попробуйте пересохранить его в MP4.",
    "analysis_failed": "Не удалось проанализировать видео. Попробуйте ещё раз.",
    "analysis_stalled": "Анализ прервался и не завершился. Загрузите видео ещё раз.",
}

STAGES: dict[str, str] = {
    "pending": "Ожидаем загрузку видео...",
    "received": "Видео получено, задача в очереди...",
    "downloading": "Получаем видео...",
    "probing": "Проверяем видео...",
    "measuring": "Измеряем монтаж, звук и текст в кадре...",
    "transcribing": "Распознаём речь...",
    "reading_text": "Читаем текст в кадре...",
    "uploading_ai": "Передаём видео в Gemini...",
    "ai_thinking": "Gemini анализирует видео...",
    "writing": "Собираем сценарий и рекомендации...",
    "done": "Готово!",
    "failed": "Анализ не удался.",
}

LANGUAGES: dict[str, str] = {
    "ru": "русский",
    "en": "английский",
    "uk": "украинский",
    "kk": "казахский",
    "es": "испанский",
    "de": "немецкий",
}


def error_message(code: str, **params: object) -> str:
    template = ERRORS.get(code, ERRORS["internal"])
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def stage_message(stage: str) -> str:
    return STAGES.get(stage, STAGES["received"])
