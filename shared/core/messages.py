"""Every message a user reads, in Russian, in one place.

`ErrorCode` values are stable identifiers clients may branch on; `Stage` values
name the steps of an analysis, each with the status line `status` shows and its
progress. A code or stage without its text is a bug: `tests/unit/test_messages.py`
fails on it, and so does importing this module (see `_check`).
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # upload_url: the request
    BAD_REQUEST = "bad_request"
    BAD_FILENAME = "bad_filename"
    UNSUPPORTED_TYPE = "unsupported_type"
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    BAD_LANGUAGE = "bad_language"
    BAD_TOPIC = "bad_topic"
    REQUEST_TOO_LARGE = "request_too_large"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    INTERNAL = "internal"
    AUTH_REQUIRED = "auth_required"
    QUOTA_USER = "quota_user"
    QUOTA_IP = "quota_ip"
    QUOTA_SERVICE = "quota_service"
    # status
    NOT_FOUND = "not_found"
    # analyze: the video
    UPLOAD_EXPIRED = "upload_expired"
    UPLOAD_NOT_STARTED = "upload_not_started"  # uploaded, but no worker ever took it
    OBJECT_MISSING = "object_missing"
    NOT_A_VIDEO = "not_a_video"
    NO_VIDEO_STREAM = "no_video_stream"
    CORRUPT_VIDEO = "corrupt_video"
    VIDEO_TOO_LONG = "video_too_long"
    DURATION_UNKNOWN = "duration_unknown"
    # analyze: the AI
    AI_BLOCKED = "ai_blocked"
    AI_TRUNCATED = "ai_truncated"
    AI_BAD_ANSWER = "ai_bad_answer"
    AI_UNAVAILABLE = "ai_unavailable"
    AI_REJECTED = "ai_rejected"
    AI_MISCONFIGURED = "ai_misconfigured"  # our request or configuration, not the video
    AI_BUDGET_SPENT = "ai_budget_spent"  # the service's Gemini tokens for today: no call made
    ANALYSIS_FAILED = "analysis_failed"
    ANALYSIS_STALLED = "analysis_stalled"


ERRORS: dict[ErrorCode, str] = {
    ErrorCode.BAD_REQUEST: "Некорректный запрос: ожидается JSON с полями filename, content_type и size.",
    ErrorCode.BAD_FILENAME: "Укажите имя файла.",
    ErrorCode.UNSUPPORTED_TYPE: "Неподдерживаемый формат. Используйте: MP4, MOV или WebM.",
    ErrorCode.EMPTY_FILE: "Файл пустой. Выберите видео.",
    ErrorCode.FILE_TOO_LARGE: "Файл слишком большой. Максимум {max_mb} МБ.",
    ErrorCode.BAD_LANGUAGE: "Неподдерживаемый язык результата. Доступны: {languages}.",
    ErrorCode.BAD_TOPIC: "Тема слишком длинная: не больше {max_chars} символов.",
    ErrorCode.REQUEST_TOO_LARGE: "Запрос слишком большой.",
    ErrorCode.METHOD_NOT_ALLOWED: "Метод не поддерживается.",
    ErrorCode.INTERNAL: "Внутренняя ошибка сервиса. Попробуйте ещё раз через минуту.",
    ErrorCode.AUTH_REQUIRED: "Нужен вход: обновите страницу, чтобы войти автоматически, и попробуйте снова.",
    ErrorCode.QUOTA_USER: "Лимит на сегодня исчерпан: не больше {limit} видео в день. Новые разборы — через {wait} (в 00:00 UTC).",
    ErrorCode.QUOTA_IP: "С этого подключения сегодня загружено слишком много видео (лимит {limit} в день). Новые разборы — через {wait} (в 00:00 UTC).",
    ErrorCode.QUOTA_SERVICE: "Сервис исчерпал дневной лимит разборов. Попробуйте через {wait} (в 00:00 UTC).",
    ErrorCode.NOT_FOUND: "Задача не найдена. Возможно, ссылка устарела — загрузите видео заново.",
    ErrorCode.UPLOAD_EXPIRED: "Видео так и не было загружено: срок ссылки для загрузки истёк. Загрузите видео заново.",
    # Only the sweep writes it, on a job still PENDING: never claimed, so its quota share
    # was only held (until its URL expired), never charged (shared/core/quotas.py).
    ErrorCode.UPLOAD_NOT_STARTED: "Видео загрузилось, но анализ так и не начался. Загрузите его ещё раз — в дневной лимит это видео не засчитано.",
    ErrorCode.OBJECT_MISSING: "Загруженный файл не найден. Загрузите видео заново.",
    ErrorCode.NOT_A_VIDEO: "Файл не похож на видео: не удалось прочитать видеодорожку. Загрузите MP4, MOV или WebM.",
    ErrorCode.NO_VIDEO_STREAM: "В файле нет видеодорожки (например, это только звук). Загрузите видео.",
    ErrorCode.CORRUPT_VIDEO: "Видео повреждено или загружено не полностью. Попробуйте загрузить его ещё раз.",
    ErrorCode.VIDEO_TOO_LONG: "Видео слишком длинное: {duration} с. Максимум {max_sec} с.",
    ErrorCode.DURATION_UNKNOWN: "Не удалось определить длительность видео. Пересохраните его в MP4 и попробуйте снова.",
    ErrorCode.AI_BLOCKED: "ИИ отказался анализировать это видео (сработали фильтры безопасности). Попробуйте другое видео.",
    ErrorCode.AI_TRUNCATED: "Ответ ИИ оборвался на середине. Попробуйте ещё раз — или загрузите видео покороче.",
    ErrorCode.AI_BAD_ANSWER: "ИИ вернул некорректный ответ. Попробуйте ещё раз.",
    ErrorCode.AI_UNAVAILABLE: "Сервис ИИ сейчас перегружен или недоступен. Попробуйте ещё раз позже.",
    ErrorCode.AI_REJECTED: "Сервис ИИ не принял видео. Попробуйте пересохранить его в MP4.",
    ErrorCode.AI_MISCONFIGURED: "Разбор ИИ сейчас недоступен: проблема на нашей стороне, видео загружать заново не нужно.",
    ErrorCode.AI_BUDGET_SPENT: "Дневной лимит разборов ИИ исчерпан. Новые разборы ИИ — после 00:00 UTC.",
    ErrorCode.ANALYSIS_FAILED: "Не удалось проанализировать видео. Попробуйте ещё раз.",
    ErrorCode.ANALYSIS_STALLED: "Анализ прервался и не завершился. Загрузите видео ещё раз.",
}


class Notice(StrEnum):
    """What a finished result tells its reader about how it was made (`meta.notices`)."""

    FROM_CACHE = "from_cache"
    AI_MISCONFIGURED = "ai_misconfigured"
    AI_UNAVAILABLE = "ai_unavailable"
    AI_BLOCKED = "ai_blocked"
    AI_BAD_ANSWER = "ai_bad_answer"
    AI_TRUNCATED = "ai_truncated"
    AI_REJECTED = "ai_rejected"
    AI_BUDGET_SPENT = "ai_budget_spent"


_OFFLINE = "Ниже — автоматический разбор по измерениям видео: монтаж, речь, звук и текст в кадре."
NOTICES: dict[Notice, str] = {
    Notice.FROM_CACHE: "Это видео уже разбирали с теми же настройками: результат показан сразу, лимит видео на сегодня не списан.",
    Notice.AI_MISCONFIGURED: f"Разбор ИИ сейчас недоступен — проблема на нашей стороне, видео загружать заново не нужно. {_OFFLINE}",
    Notice.AI_UNAVAILABLE: f"Сервис ИИ сейчас перегружен. {_OFFLINE} Разбор ИИ можно получить, загрузив видео позже.",
    Notice.AI_BLOCKED: f"ИИ отказался разбирать это видео (сработали фильтры безопасности). {_OFFLINE}",
    Notice.AI_BAD_ANSWER: f"ИИ дважды вернул некорректный ответ. {_OFFLINE}",
    Notice.AI_TRUNCATED: f"Ответ ИИ оборвался на середине. {_OFFLINE}",
    Notice.AI_REJECTED: f"ИИ не смог прочитать это видео. {_OFFLINE} Для разбора ИИ пересохраните видео в MP4 и загрузите снова.",
    Notice.AI_BUDGET_SPENT: f"Дневной лимит разборов ИИ исчерпан. {_OFFLINE} Разбор ИИ можно получить, загрузив видео после 00:00 UTC.",
}
# An AI failure that the offline analysis stands in for, and what the reader is told.
FALLBACK_NOTICES: dict[ErrorCode, Notice] = {
    ErrorCode.AI_MISCONFIGURED: Notice.AI_MISCONFIGURED,
    ErrorCode.AI_UNAVAILABLE: Notice.AI_UNAVAILABLE,
    ErrorCode.AI_BLOCKED: Notice.AI_BLOCKED,
    ErrorCode.AI_BAD_ANSWER: Notice.AI_BAD_ANSWER,
    ErrorCode.AI_TRUNCATED: Notice.AI_TRUNCATED,
    ErrorCode.AI_REJECTED: Notice.AI_REJECTED,
    ErrorCode.AI_BUDGET_SPENT: Notice.AI_BUDGET_SPENT,
}


class Stage(StrEnum):
    """The steps of a job, in order. FAILED has no progress of its own."""

    PENDING = "pending"
    RECEIVED = "received"
    DOWNLOADING = "downloading"
    PROBING = "probing"
    MEASURING = "measuring"
    TRANSCRIBING = "transcribing"
    READING_TEXT = "reading_text"
    UPLOADING_AI = "uploading_ai"
    AI_THINKING = "ai_thinking"
    WRITING = "writing"
    DONE = "done"
    FAILED = "failed"


STAGES: dict[Stage, str] = {
    Stage.PENDING: "Ожидаем загрузку видео...",
    Stage.RECEIVED: "Видео получено, задача в очереди...",
    Stage.DOWNLOADING: "Получаем видео...",
    Stage.PROBING: "Проверяем видео...",
    Stage.MEASURING: "Измеряем монтаж, звук и текст в кадре...",
    Stage.TRANSCRIBING: "Распознаём речь...",
    Stage.READING_TEXT: "Читаем текст в кадре...",
    Stage.UPLOADING_AI: "Передаём видео в Gemini...",
    Stage.AI_THINKING: "Gemini анализирует видео...",
    Stage.WRITING: "Собираем сценарий и рекомендации...",
    Stage.DONE: "Готово!",
    Stage.FAILED: "Анализ не удался.",
}

# Each stage's progress; progress only ever moves forward.
STAGE_PROGRESS: dict[Stage, int] = {
    Stage.PENDING: 0,
    Stage.RECEIVED: 5,
    Stage.DOWNLOADING: 10,
    Stage.PROBING: 15,
    Stage.MEASURING: 25,
    Stage.TRANSCRIBING: 40,
    Stage.READING_TEXT: 60,
    Stage.UPLOADING_AI: 65,
    Stage.AI_THINKING: 75,
    Stage.WRITING: 90,
    Stage.DONE: 100,
}

LANGUAGES: dict[str, str] = {
    "ru": "русский",
    "en": "английский",
    "uk": "украинский",
    "kk": "казахский",
    "es": "испанский",
    "de": "немецкий",
}


def error_message(code: ErrorCode | str, **params: object) -> str:
    """The Russian message of an error code (an unknown code reads as `internal`)."""
    try:
        template = ERRORS[ErrorCode(code)]
    except ValueError:
        template = ERRORS[ErrorCode.INTERNAL]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def stage_message(stage: Stage | str) -> str:
    try:
        return STAGES[Stage(stage)]
    except ValueError:
        return STAGES[Stage.RECEIVED]


def _check() -> None:
    """Every code and stage has its text, every stage but FAILED its progress."""
    missing: list[object] = [c for c in ErrorCode if c not in ERRORS]
    missing += [s for s in Stage if s not in STAGES] + [n for n in Notice if n not in NOTICES]
    missing += [s for s in Stage if s is not Stage.FAILED and s not in STAGE_PROGRESS]
    if missing:
        raise RuntimeError(f"messages missing for: {missing}")


_check()
