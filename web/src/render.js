// Builds the result document from an analysis result (DOM nodes, never HTML strings).
import { momentButton, renderHook, renderTimeline } from "./anatomy.js";
import { noticeTexts } from "./contract.js";
import { el } from "./dom.js";
import { groupRecommendations, keysHeading, metaLines, scriptAsText } from "./export.js";

export { el };

const COLUMNS = [
  ["time", "Время"],
  ["visual", "Что в кадре"],
  ["text", "Текст на экране"],
  ["note", "Примечание"],
];

/** The result as an <article>; `copy(text)` is called by the copy buttons. */
export function renderResult(result, { copy, frames = [] }) {
  const onMoment = (at) => showMoment(at);
  const original = result.original || {};
  const meta = result.meta || {};
  const copyButton = (label, text) =>
    el("button", { type: "button", class: "button small ghost", onclick: () => copy(text()) }, label);

  const transcription = (original.transcription || "").trim();
  const translation = (original.translation || "").trim();
  const speech = el(
    "section",
    { class: "card", "aria-labelledby": "h-speech" },
    el("h2", { id: "h-speech" }, "Речь в видео"),
    el(
      "div",
      { class: "columns" },
      el(
        "div",
        { class: "column", "data-testid": "transcription" },
        el("div", { class: "column-head" }, el("h3", {}, "Расшифровка"), transcription && copyButton("Копировать", () => transcription)),
        transcription ? el("p", { class: "prose" }, transcription) : el("p", { class: "muted" }, "В видео нет речи."),
      ),
      el(
        "div",
        { class: "column", "data-testid": "translation" },
        el("div", { class: "column-head" }, el("h3", {}, "Перевод на русский"), translation && copyButton("Копировать", () => translation)),
        translation
          ? el("p", { class: "prose" }, translation)
          : el("p", { class: "muted" }, meta.translation_note || "Перевод не нужен: речь уже на русском или её нет."),
      ),
    ),
  );

  const keys = el(
    "section",
    { class: "card", "aria-labelledby": "h-keys" },
    el("h2", { id: "h-keys" }, keysHeading((result.keys || []).length)),
    el(
      "ol",
      { class: "keys", "data-testid": "keys" },
      (result.keys || []).map((k) =>
        el("li", {}, el("strong", {}, k.title), el("span", {}, k.description), k.at ? momentButton(k.at, onMoment) : null),
      ),
    ),
  );

  const script = el(
    "section",
    { class: "card", "aria-labelledby": "h-script" },
    el(
      "div",
      { class: "section-head" },
      el("h2", { id: "h-script" }, "Сценарий по кадрам"),
      copyButton("Копировать сценарий", () => scriptAsText(result)),
    ),
    el(
      "table",
      { class: "script", "data-testid": "script" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col", class: "col-frame" }, "Кадр"), COLUMNS.map(([, label]) => el("th", { scope: "col" }, label)))),
      el(
        "tbody",
        {},
        (result.script || []).map((row, index) =>
          el(
            "tr",
            { id: `shot-${index}`, "data-start": row.start_sec ?? "", "data-end": row.end_sec ?? "", tabindex: -1 },
            el("td", { "data-label": "Кадр", class: "col-frame" }, frameImage(frames, index)),
            COLUMNS.map(([field, label]) =>
              el("td", { "data-label": label, class: `col-${field}` }, (row[field] || "").trim() || (field === "time" ? "" : "—")),
            ),
          ),
        ),
      ),
    ),
  );

  const groups = groupRecommendations(result.recommendations || []);
  const recommendations = el(
    "section",
    { class: "card", "aria-labelledby": "h-recs" },
    el("h2", { id: "h-recs" }, "Рекомендации"),
    el(
      "div",
      { class: "recs", "data-testid": "recommendations" },
      groups.map(({ category, items }) =>
        el("div", { class: "rec-group" }, el("h3", {}, category), el("ul", {}, items.map((t, i) => el("li", {}, t, atOf(result, category, i) ? momentButton(atOf(result, category, i), onMoment) : null)))),
      ),
    ),
  );

  const texts = noticeTexts(meta);
  const notices = texts.length
    ? el("div", { class: "card result-notice", role: "status", "data-testid": "notices" }, texts.map((t) => el("p", {}, t)))
    : null;
  const small = el("p", { class: "meta", "data-testid": "meta" }, metaLines(meta, { translationNote: false }).join(" · "));
  const hook = result.hook ? renderHook(result.hook, onMoment) : null;
  const timeline = result.timeline ? renderTimeline(result.timeline, onMoment) : null;
  const adapted = renderAdapted(result);
  return el("article", { class: "result" }, notices, hook, timeline, speech, keys, script, adapted, recommendations, small);
}

function frameImage(frames, row) {
  const frame = frames.find((f) => f.row === row);
  if (!frame) return el("span", { class: "muted" }, "—");
  return el("img", { src: frame.url, alt: `Кадр ${row + 1}`, loading: "lazy", class: "frame", width: 90, height: 160 });
}

/** The recommendation's moment, by its place in its category's group. */
function atOf(result, category, index) {
  const inGroup = (result.recommendations || []).filter((r) => ((r.category || "").trim() || "Общее") === category);
  return inGroup[index]?.at || null;
}

function renderAdapted(result) {
  if (!result.adapted_script && !result.adapted_note) return null;
  const body = result.adapted_script
    ? el(
        "table",
        { class: "script", "data-testid": "adapted-script" },
        el("thead", {}, el("tr", {}, COLUMNS.map(([, label]) => el("th", { scope: "col" }, label)))),
        el("tbody", {}, result.adapted_script.map((row) => el("tr", {}, COLUMNS.map(([f, label]) => el("td", { "data-label": label }, (row[f] || "").trim() || "—"))))),
      )
    : el("p", { class: "muted" }, result.adapted_note);
  return el("section", { class: "card", "aria-labelledby": "h-adapted" }, el("h2", { id: "h-adapted" }, "Сценарий под вашу тему"), body);
}

/** Scroll to the storyboard row that covers a moment and highlight it. */
export function showMoment(at) {
  const rows = [...document.querySelectorAll("tr[id^='shot-']")];
  const start = Number(at.start_sec) + 0.01;
  const row =
    rows.find((r) => r.dataset.start !== "" && Number(r.dataset.start) <= start && start < Number(r.dataset.end)) || rows[0];
  if (!row) return;
  for (const r of rows) r.classList.remove("highlight");
  row.classList.add("highlight");
  row.scrollIntoView({ behavior: "smooth", block: "center" });
  row.focus({ preventScroll: true });
}
