// The reel's anatomy on the page: the hook card, the pacing timeline (inline SVG)
// and the moments that keys and recommendations point at.
import { el } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

/** "0:03,5" — seconds as the page writes them. */
export function timecode(seconds) {
  const tenths = Math.max(0, Math.round(seconds * 10));
  const minutes = Math.floor(tenths / 600);
  const rest = tenths % 600;
  const whole = Math.floor(rest / 10);
  const tenth = rest % 10;
  return `${minutes}:${String(whole).padStart(2, "0")}${tenth ? `,${tenth}` : ""}`;
}

export function momentLabel(at) {
  return `${timecode(at.start_sec)}–${timecode(at.end_sec)}`;
}

/** A button that jumps to the storyboard row of a moment. */
export function momentButton(at, onMoment) {
  return el(
    "button",
    { type: "button", class: "moment", "data-start": at.start_sec, onclick: () => onMoment(at) },
    momentLabel(at),
  );
}

function fact(label, value) {
  return value === null || value === undefined || value === "" ? null : el("li", {}, el("span", { class: "muted" }, `${label}: `), value);
}

export function renderHook(hook, onMoment) {
  const m = hook.measured || {};
  const sec = (v) => (v === null || v === undefined ? null : `${timecode(v)} с`);
  return el(
    "section",
    { class: "card hook", "aria-labelledby": "h-hook", "data-testid": "hook" },
    el(
      "div",
      { class: "section-head" },
      el("h2", { id: "h-hook" }, `Хук: первые ${String(hook.window_sec ?? 3).replace(".", ",")} с`),
      el("span", { class: "hook-score", "aria-label": `Сила хука ${hook.strength} из 10` }, `${hook.strength}/10`),
    ),
    el("p", { class: "hook-type" }, el("strong", {}, hook.type_label || hook.type), " — ", hook.why),
    el(
      "ul",
      { class: "hook-facts" },
      fact("Первое слово", sec(m.first_word_sec)),
      fact("Сказано", m.words ? `«${m.words}»` : "ничего"),
      fact("Текст на экране", m.on_screen_text ? `«${m.on_screen_text}»` : "нет"),
      fact("Первая склейка", sec(m.first_cut_sec)),
    ),
    el("ul", { class: "hook-reasons" }, (hook.reasons || []).map((r) => el("li", {}, r))),
    (hook.alternatives || []).length
      ? el("div", { class: "hook-alternatives" }, el("h3", {}, "Другие варианты начала"), el("ol", {}, hook.alternatives.map((a) => el("li", {}, a))))
      : null,
    el("p", {}, momentButton({ start_sec: 0, end_sec: Math.min(hook.window_sec ?? 3, 3) }, onMoment)),
  );
}

const LANES = { shots: 6, speech: 34, text: 50, music: 66, loudness: 82 };
const WIDTH = 1000;
const HEIGHT = 126;

/** Where cuts are dense, where speech pauses, where text appears: one chart. */
export function renderTimeline(timeline, onMoment) {
  const duration = timeline.duration_sec || 1;
  const x = (s) => (Math.max(0, Math.min(duration, s)) / duration) * WIDTH;
  const shots = timeline.shots || [];
  const speech = timeline.speech || [];
  const text = timeline.text || [];
  const music = timeline.music || []; // absent in results written before the music was measured
  const beats = timeline.beats || [];
  const tempo = timeline.tempo_bpm ? `; музыка ${Math.round(timeline.tempo_bpm)} BPM` : "";
  const onBeat = timeline.cuts_in_music ? `, ${timeline.cuts_on_beat} из ${timeline.cuts_in_music} склеек на бит` : "";
  const summary = `${shots.length} планов за ${timecode(duration)} с; речь — ${speech.length} фрагм.; текст на экране — ${text.length} фрагм.${tempo}${onBeat}`;
  const chart = svg(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "timeline-chart", role: "group", "aria-label": `Темп ролика: ${summary}`, preserveAspectRatio: "none" },
    svg("rect", { x: 0, y: 0, width: x(timeline.hook?.end_sec ?? 3), height: HEIGHT, class: "tl-hook" }, svg("title", {}, "Окно хука")),
    ...shots.map((s, i) => {
      const rect = svg(
        "rect",
        { x: x(s.start_sec), y: LANES.shots, width: Math.max(1, x(s.end_sec) - x(s.start_sec) - 1), height: 22, class: `tl-shot tl-shot-${i % 2}`, tabindex: 0, role: "button", "data-row": i },
        svg("title", {}, `План ${i + 1}: ${timecode(s.start_sec)}–${timecode(s.end_sec)}`),
      );
      const go = () => onMoment(s);
      rect.addEventListener("click", go);
      rect.addEventListener("keydown", (e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), go()));
      return rect;
    }),
    ...speech.map((s) => svg("rect", { x: x(s.start_sec), y: LANES.speech, width: Math.max(1, x(s.end_sec) - x(s.start_sec)), height: 10, class: "tl-speech" })),
    ...text.map((s) => svg("rect", { x: x(s.start_sec), y: LANES.text, width: Math.max(1, x(s.end_sec) - x(s.start_sec)), height: 10, class: "tl-text" }, svg("title", {}, s.text))),
    ...music.map((s) => svg("rect", { x: x(s.start_sec), y: LANES.music, width: Math.max(1, x(s.end_sec) - x(s.start_sec)), height: 10, class: "tl-music" }, svg("title", {}, `Музыка: ${timecode(s.start_sec)}–${timecode(s.end_sec)}`))),
    ...beats.map((b) => svg("line", { x1: x(b), x2: x(b), y1: LANES.music - 2, y2: LANES.music + 12, class: "tl-beat" })),
    loudnessPath(timeline, x),
  );
  return el(
    "section",
    { class: "card timeline", "aria-labelledby": "h-timeline", "data-testid": "timeline" },
    el("h2", { id: "h-timeline" }, "Темп"),
    chart,
    el(
      "p",
      { class: "timeline-legend" },
      el("span", { class: "lg lg-shot" }, "планы"),
      el("span", { class: "lg lg-speech" }, "речь"),
      el("span", { class: "lg lg-text" }, "текст"),
      music.length || beats.length ? el("span", { class: "lg lg-music" }, "музыка и биты") : null,
      el("span", { class: "lg lg-loud" }, "громкость"),
      el("span", { class: "lg lg-hook" }, "окно хука"),
    ),
    el("p", { class: "visually-hidden" }, summary),
  );
}

function loudnessPath(timeline, x) {
  const step = timeline.loudness_step_sec || 0.5;
  const values = timeline.loudness || [];
  const top = LANES.loudness;
  const height = HEIGHT - top - 4;
  // -40..-5 LUFS fill the lane; silence sits at its bottom.
  const y = (v) => top + height - ((Math.max(-40, Math.min(-5, v ?? -40)) + 40) / 35) * height;
  const points = values.map((v, i) => `${x((i + 0.5) * step).toFixed(1)},${y(v).toFixed(1)}`);
  return svg("polyline", { points: points.join(" "), class: "tl-loud", fill: "none" });
}
