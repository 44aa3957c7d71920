// What to do next after each failure (the server's message says what happened).
// Codes are those of shared/core/messages.py, plus the page's own (upload_*,
// network, config). The messages of the server's codes are not here: they come
// from the contract (contract.js), so the page says what the functions say.
import { CONTRACT, errorMessage } from "./contract.js";

const HINTS = {
  unsupported_type: "Выберите видео в формате MP4, MOV или WebM. Другой формат можно пересохранить в MP4 в любом видеоредакторе.",
  empty_file: "Выберите другой файл — в этом нет данных.",
  file_too_large: "Сожмите видео или обрежьте его и загрузите снова.",
  video_too_long: "Обрежьте видео до нужной длины и загрузите снова.",
  duration_unknown: "Пересохраните видео в MP4 и загрузите снова.",
  bad_request: "Обновите страницу и попробуйте снова.",
  bad_filename: "Переименуйте файл и загрузите снова.",
  bad_language: "Обновите страницу и попробуйте снова.",
  internal: "Подождите минуту и попробуйте снова.",
  not_found: "Результаты хранятся ограниченное время. Нажмите «Загрузить другое видео» и загрузите ролик ещё раз.",
  upload_expired: "Нажмите «Загрузить другое видео» и выберите файл ещё раз: ссылка для загрузки действует ограниченное время.",
  upload_not_started: "Нажмите «Загрузить другое видео» и выберите файл ещё раз.",
  object_missing: "Нажмите «Загрузить другое видео» и выберите файл ещё раз.",
  not_a_video: "Проверьте, что файл открывается в видеоплеере, и загрузите MP4, MOV или WebM.",
  no_video_stream: "Загрузите файл, в котором есть изображение, а не только звук.",
  corrupt_video: "Проверьте, что видео целиком воспроизводится, и загрузите его снова.",
  ai_blocked: "Попробуйте другое видео.",
  ai_truncated: "Попробуйте ещё раз или загрузите видео покороче.",
  ai_bad_answer: "Попробуйте ещё раз.",
  ai_unavailable: "Попробуйте ещё раз через несколько минут.",
  ai_rejected: "Пересохраните видео в MP4 и загрузите снова.",
  analysis_failed: "Попробуйте загрузить видео ещё раз. Если не получится — попробуйте другое видео.",
  analysis_stalled: "Нажмите «Загрузить другое видео» и загрузите ролик ещё раз.",
  upload_interrupted: "Проверьте подключение к интернету и загрузите видео ещё раз.",
  upload_rejected: "Загрузите видео ещё раз — ссылка для загрузки могла устареть.",
  upload_cancelled: "Выберите видео, когда будете готовы.",
  network: "Проверьте подключение к интернету и попробуйте снова.",
  config: "Обновите страницу. Если не поможет — сообщите администратору сайта.",
  auth_required: "Обновите страницу: вход выполняется автоматически. Если не поможет — разрешите сайту хранить данные (cookies).",
  quota_user: "Дождитесь сброса лимита — время указано выше. Готовые разборы остаются в списке «Мои разборы».",
  quota_ip: "Дождитесь сброса лимита — время указано выше — или загрузите видео из другой сети.",
  quota_service: "Дождитесь сброса лимита — время указано выше.",
};

const TITLES = {
  unsupported_type: "Этот формат не подходит",
  empty_file: "Файл пустой",
  file_too_large: "Файл слишком большой",
  video_too_long: "Видео слишком длинное",
  not_found: "Задача не найдена",
  upload_expired: "Срок загрузки истёк",
  upload_not_started: "Анализ не начался",
  upload_interrupted: "Загрузка прервалась",
  upload_rejected: "Хранилище не приняло файл",
  upload_cancelled: "Загрузка отменена",
  network: "Нет связи с сервисом",
  config: "Страница не настроена",
  auth_required: "Не удалось войти",
  quota_user: "Дневной лимит исчерпан",
  quota_ip: "Дневной лимит исчерпан",
  quota_service: "Сервис перегружен на сегодня",
};

// Messages of the page's own codes: failures no function reports.
const PAGE_MESSAGES = {
  upload_interrupted: "Загрузка прервалась: соединение с хранилищем оборвалось.",
  upload_rejected: "Хранилище отклонило файл.",
  upload_cancelled: "Вы отменили загрузку.",
  network: "Не удалось связаться с сервисом.",
  config: "Не удалось загрузить настройки страницы (config.json).",
};

/** What happened, for a code with no message of its own: the page's, else the server's. */
export function defaultMessage(code) {
  if (Object.hasOwn(PAGE_MESSAGES, code)) return PAGE_MESSAGES[code];
  return Object.hasOwn(CONTRACT.errors, code) ? errorMessage(code) : "";
}

export function errorTitle(code) {
  return TITLES[code] || "Не получилось проанализировать видео";
}

export function errorHint(code) {
  return HINTS[code] || HINTS.analysis_failed;
}
