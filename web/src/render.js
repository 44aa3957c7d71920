// Builds the result document from an analysis result (DOM nodes, never HTML strings).
import { groupRecommendations, keysHeading, metaLines, scriptAsText } from "./export.js";

/** el("p", {class: "x"}, "text", child) -> an element. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const COLUMNS = [
  ["time", "Время"],
  ["visual", "Что в кадре"],
  ["text", "Текст на экране"],
  ["note", "Примечание"],
];

/** The result as an <article>; `copy(text)` is called by the copy buttons. */
export function renderResult(result, { copy }) {
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
      (result.keys || []).map((k) => el("li", {}, el("strong", {}, k.title), el("span", {}, k.description))),
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
      el("thead", {}, el("tr", {}, COLUMNS.map(([, label]) => el("th", { scope: "col" }, label)))),
      el(
        "tbody",
        {},
        (result.script || []).map((row) =>
          el(
            "tr",
            {},
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
        el("div", { class: "rec-group" }, el("h3", {}, category), el("ul", {}, items.map((t) => el("li", {}, t)))),
      ),
    ),
  );

  const small = el("p", { class: "meta", "data-testid": "meta" }, metaLines(meta, { translationNote: false }).join(" · "));
  return el("article", { class: "result" }, speech, keys, script, recommendations, small);
}
