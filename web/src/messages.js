// What to do next after each failure (the server's message says what happened).
// Codes are those of shared/messages.py, plus the page's own (upload_*, network, config).

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
  not_found: "Загрузите видео заново — старые задачи удаляются через некоторое время.",
  upload_expired: "Загрузите видео заново.",
  object_missing: "Загрузите видео заново.",
  not_a_video: "Проверьте, что файл открывается в видеоплеере, и загрузите MP4, MOV или WebM.",
  no_video_stream: "Загрузите файл, в котором есть изображение, а не только звук.",
  corrupt_video: "Проверьте, что видео целиком воспроизводится, и загрузите его снова.",
  ai_blocked: "Попробуйте другое видео.",
  ai_truncated: "Попробуйте ещё раз или загрузите видео покороче.",
  ai_bad_answer: "Попробуйте ещё раз.",
  ai_unavailable: "Попробуйте ещё раз через несколько минут.",
  ai_rejected: "Пересохраните видео в MP4 и загрузите снова.",
  analysis_failed: "Попробуйте загрузить видео ещё раз. Если не получится — попробуйте другое видео.",
  upload_interrupted: "Проверьте подключение к интернету и загрузите видео ещё раз.",
  upload_rejected: "Загрузите видео ещё раз — ссылка для загрузки могла устареть.",
  upload_cancelled: "Выберите видео, когда будете готовы.",
  network: "Проверьте подключение к интернету и попробуйте снова.",
  config: "Обновите страницу. Если не поможет — сообщите администратору сайта.",
};

const TITLES = {
  unsupported_type: "Этот формат не подходит",
  empty_file: "Файл пустой",
  file_too_large: "Файл слишком большой",
  video_too_long: "Видео слишком длинное",
  not_found: "Задача не найдена",
  upload_expired: "Срок загрузки истёк",
  upload_interrupted: "Загрузка прервалась",
  upload_rejected: "Хранилище не приняло файл",
  upload_cancelled: "Загрузка отменена",
  network: "Нет связи с сервисом",
  config: "Страница не настроена",
};

export const PAGE_MESSAGES = {
  upload_interrupted: "Загрузка прервалась: соединение с хранилищем оборвалось.",
  upload_rejected: "Хранилище отклонило файл.",
  upload_cancelled: "Вы отменили загрузку.",
  network: "Не удалось связаться с сервисом.",
  config: "Не удалось загрузить настройки страницы (config.json).",
};

export function errorTitle(code) {
  return TITLES[code] || "Не получилось проанализировать видео";
}

export function errorHint(code) {
  return HINTS[code] || HINTS.analysis_failed;
}
