// Exports of a finished analysis: a Markdown document and .srt subtitles.
// Pure functions (no DOM), so they are tested with `node --test` (web/test/).

const ENGINES = { gemini: "Gemini", offline: "офлайн-анализ" };

/** "0:03", "1:02:03", "0:03.5", "00:00:03,500" -> seconds, or null. */
export function parseTimecode(value) {
  const m = String(value).trim().match(/^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d+))?$/);
  if (!m) return null;
  const [, hours, minutes, seconds, fraction] = m;
  return (
    Number(hours || 0) * 3600 +
    Number(minutes) * 60 +
    Number(seconds) +
    (fraction ? Number(`0.${fraction}`) : 0)
  );
}

/** "0:00-0:03" (also with an en dash or spaces) -> {start, end}, or null. */
export function parseTimeRange(value) {
  const parts = String(value ?? "").split(/\s*[-–—]\s*/);
  if (parts.length !== 2) return null;
  const start = parseTimecode(parts[0]);
  const end = parseTimecode(parts[1]);
  return start === null || end === null ? null : { start, end };
}

/** Each script row's start and end in seconds: from start_sec/end_sec, else parsed from `time`. */
export function rowTimes(script) {
  const times = script.map((row) => {
    const parsed = parseTimeRange(row.time);
    const start = isNumber(row.start_sec) ? row.start_sec : parsed?.start ?? null;
    const end = isNumber(row.end_sec) ? row.end_sec : parsed?.end ?? null;
    return { start, end };
  });
  // A missing or empty end runs to the next row's start (or one second on).
  times.forEach((t, i) => {
    if (t.start === null) return;
    if (t.end === null || t.end <= t.start) {
      const next = times.slice(i + 1).find((n) => n.start !== null && n.start > t.start);
      t.end = next ? next.start : t.start + 1;
    }
  });
  return times;
}

/** Seconds -> "HH:MM:SS,mmm". */
export function srtTimestamp(seconds) {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)},${pad(ms % 1000, 3)}`;
}

/** The cue text of a row: on-screen text, else the voice-over/note, else the visual. */
export function cueText(row) {
  const text = [row.text, row.note, row.visual].map((v) => (v || "").trim()).find(Boolean);
  // A blank line would end the cue early.
  return text ? text.replace(/\r?\n(\s*\r?\n)+/g, "\n") : "—";
}

/** The script as .srt: one cue per row that has a time; rows without one are left out. */
export function toSrt(result) {
  const script = result.script || [];
  const times = rowTimes(script);
  const cues = [];
  script.forEach((row, i) => {
    const { start, end } = times[i];
    if (start === null) return;
    cues.push(`${cues.length + 1}\n${srtTimestamp(start)} --> ${srtTimestamp(end)}\n${cueText(row)}\n`);
  });
  return cues.join("\n");
}

// Markdown syntax a text could carry, escaped with a backslash; HTML's own characters
// become entities. A renderer then shows the text as text.
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()!|~]/g;
const HTML_ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Text the model or the user wrote, as Markdown that renders to exactly that text, on
 * one line: no HTML (`<script>`, `<img onerror>`), no link or image, no emphasis or
 * code, no `|` that ends a table cell, nothing at the start that makes a heading, a
 * list or a rule, no line break that starts a new block (line breaks become spaces: a
 * caller that keeps lines splits them first). Everything toMarkdown writes that it did
 * not write itself goes through this one function.
 */
export function escapeMarkdown(value) {
  return String(value ?? "")
    .replace(/[\r\n\u2028\u2029]+/g, " ")
    .trim()
    .replace(/[&<>]/g, (ch) => HTML_ENTITIES[ch])
    .replace(MARKDOWN_PUNCTUATION, "\\$&")
    .replace(/^[#+\-=]/, "\\$&")
    .replace(/^(\d+)\./, "$1\\.");
}

/** A link the export writes itself (a frame's signed URL): https, or the local emulator's http. */
export function safeUrl(value) {
  let url;
  try {
    url = new URL(String(value ?? ""));
  } catch {
    return null;
  }
  const local = url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !local) return null;
  return url.href.replace(/[()]/g, (ch) => (ch === "(" ? "%28" : "%29"));
}

function lines(text) {
  return String(text ?? "")
    .trim()
    .split(/\r?\n|\r|\u2028|\u2029/)
    .map(escapeMarkdown);
}

function cell(value) {
  return lines(value).join("<br>");
}

function quote(text) {
  return lines(text)
    .map((line) => (line ? `> ${line}` : ">"))
    .join("\n");
}

// As in shared/messages.py LANGUAGES.
const LANGUAGES = { ru: "русский", en: "английский", uk: "украинский", kk: "казахский", es: "испанский", de: "немецкий" };

/** Small-print facts about the analysis: engine, duration, language (and the translation note). */
export function metaLines(meta = {}, { translationNote = true } = {}) {
  const lines = [];
  const engine = ENGINES[meta.engine] || meta.engine;
  const served = meta.model_served && meta.model_served !== meta.model ? ` → ${meta.model_served}` : "";
  if (engine) lines.push(`Движок: ${engine}${meta.model ? ` (${meta.model}${served})` : ""}`);
  if (isNumber(meta.duration_sec)) lines.push(`Длительность видео: ${formatSeconds(meta.duration_sec)}`);
  if (meta.language) lines.push(`Язык речи: ${LANGUAGES[meta.language] || meta.language}`);
  if (translationNote && meta.translation_note) lines.push(meta.translation_note);
  return lines;
}

/** "5 ключей", "2 ключа", "1 ключ". */
export function keysHeading(count) {
  const mod10 = count % 10;
  const mod100 = count % 100;
  let word = "ключей";
  if (mod10 === 1 && mod100 !== 11) word = "ключ";
  else if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) word = "ключа";
  return `${count} ${word} к успеху`;
}

export function formatSeconds(seconds) {
  const rounded = Math.round(seconds * 10) / 10;
  return `${String(rounded).replace(".", ",")} с`;
}

/** The whole result as a Markdown document a creator can keep. */
export function toMarkdown(result, { filename = "", frames = [] } = {}) {
  const out = [];
  out.push(`# Сценарий${filename ? `: ${escapeMarkdown(filename)}` : ""}`, "");
  if (result.hook) out.push(...hookMarkdown(result.hook));
  const original = result.original || {};
  out.push("## Расшифровка", "", original.transcription ? quote(original.transcription) : "_Речи нет._", "");
  if (original.translation) out.push("## Перевод", "", quote(original.translation), "");
  if ((result.keys || []).length) {
    out.push(`## ${keysHeading(result.keys.length)}`, "");
    result.keys.forEach((k, i) => out.push(`${i + 1}. **${escapeMarkdown(k.title)}** — ${escapeMarkdown(k.description)}`));
    out.push("");
  }
  out.push("## Сценарий по кадрам", "");
  const withFrames = frames.length > 0;
  if (withFrames) out.push("_Ссылки на кадры временные: они перестают открываться через час после экспорта._", "");
  out.push(`| Время |${withFrames ? " Кадр |" : ""} Что в кадре | Текст на экране | Примечание |`);
  out.push(`| --- |${withFrames ? " --- |" : ""} --- | --- | --- |`);
  (result.script || []).forEach((row, index) => {
    const frame = frames.find((f) => f.row === index);
    const url = frame ? safeUrl(frame.url) : null;
    const image = withFrames ? ` ${url ? `![кадр ${index + 1}](${url})` : ""} |` : "";
    out.push(`| ${cell(row.time)} |${image} ${cell(row.visual)} | ${cell(row.text)} | ${cell(row.note)} |`);
  });
  out.push("");
  const groups = groupRecommendations(result.recommendations || []);
  if (groups.length) {
    out.push("## Рекомендации", "");
    for (const { category, items } of groups) {
      out.push(`### ${escapeMarkdown(category)}`, "");
      items.forEach((text) => out.push(`- ${escapeMarkdown(text)}`));
      out.push("");
    }
  }
  const meta = metaLines(result.meta);
  if (meta.length) out.push("---", "", ...meta.map((l) => `_${escapeMarkdown(l)}_  `), "");
  return out.join("\n");
}

/** Recommendations grouped by category, categories in order of first appearance. */
export function groupRecommendations(recommendations) {
  const groups = new Map();
  for (const r of recommendations) {
    const category = (r.category || "").trim() || "Общее";
    if (!groups.has(category)) groups.set(category, []);
    groups.get(category).push(r.text);
  }
  return [...groups].map(([category, items]) => ({ category, items }));
}

/** The script alone as plain text (for the copy button). */
export function scriptAsText(result) {
  return (result.script || [])
    .map((r) => [r.time, r.visual, r.text && `Текст: ${r.text}`, r.note && `Примечание: ${r.note}`].filter(Boolean).join("\n"))
    .join("\n\n");
}

/** A safe file name stem from the video's name. */
export function exportName(filename, extension) {
  const stem = String(filename || "video").replace(/\.[^.]+$/, "").replace(/[^\p{L}\p{N}_-]+/gu, "_");
  return `${stem || "video"}-scenariy.${extension}`;
}

function isNumber(v) {
  return typeof v === "number" && Number.isFinite(v);
}

function hookMarkdown(hook) {
  const m = hook.measured || {};
  const md = escapeMarkdown;
  const windowSec = md(String(hook.window_sec ?? 3).replace(".", ","));
  const out = [`## Хук: первые ${windowSec} с — ${md(hook.type_label || hook.type)}, сила ${md(hook.strength)}/10`, "", md(hook.why), ""];
  if (m.words) out.push(`- Сказано: «${md(m.words)}»`);
  if (m.on_screen_text) out.push(`- Текст на экране: «${md(m.on_screen_text)}»`);
  if (m.first_cut_sec !== null && m.first_cut_sec !== undefined) out.push(`- Первая склейка: ${md(String(m.first_cut_sec).replace(".", ","))} с`);
  for (const reason of hook.reasons || []) out.push(`- ${md(reason)}`);
  if ((hook.alternatives || []).length) {
    out.push("", "Другие варианты начала:", "");
    hook.alternatives.forEach((line, i) => out.push(`${i + 1}. ${md(line)}`));
  }
  out.push("");
  return out;
}
