// Unit tests of the pure parts of the page: `node --test web/test/` (run by tests/browser/test_web_units.py).
import assert from "node:assert/strict";
import { test } from "node:test";
import { cueText, escapeMarkdown, exportName, keysHeading, groupRecommendations, parseTimeRange, rowTimes, safeUrl, srtTimestamp, toMarkdown, toSrt } from "../src/export.js";
import { formatBytes, formatDuration, SpeedMeter } from "../src/format.js";
import { checkDuration, checkFile, contentTypeOf } from "../src/validate.js";
import { statusFromDoc } from "../src/status.js";

const result = {
  original: { transcription: "Hello | world\nsecond line", translation: "Привет, мир" },
  keys: [{ title: "Хук", description: "Сразу вопрос." }],
  script: [
    { time: "0:00-0:03", start_sec: 0, end_sec: 2.5, visual: "Крупный план", text: "ВАУ", note: "музыка" },
    { time: "0:03–0:07", start_sec: null, end_sec: null, visual: "Общий план", text: "", note: "голос: привет" },
    { time: "1:02-1:02", start_sec: null, end_sec: null, visual: "Финал", text: "", note: "" },
    { time: "потом", start_sec: null, end_sec: null, visual: "Без времени", text: "x", note: "" },
  ],
  recommendations: [
    { category: "Хук", text: "Короче." },
    { category: "Звук", text: "Громче." },
    { category: "Хук", text: "Ярче." },
  ],
  meta: { engine: "offline", model: "whisper-base", duration_sec: 7.04, language: "en" },
};

test("time ranges parse with hyphen, en dash, hours and fractions", () => {
  assert.deepEqual(parseTimeRange("0:00-0:03"), { start: 0, end: 3 });
  assert.deepEqual(parseTimeRange("0:03 – 0:07"), { start: 3, end: 7 });
  assert.deepEqual(parseTimeRange("1:00:05-1:00:06.5"), { start: 3605, end: 3606.5 });
  assert.equal(parseTimeRange("soon"), null);
  assert.equal(parseTimeRange(undefined), null);
});

test("row times prefer start_sec/end_sec, then the parsed time; empty ends run on", () => {
  assert.deepEqual(rowTimes(result.script), [
    { start: 0, end: 2.5 },
    { start: 3, end: 7 },
    { start: 62, end: 63 },
    { start: null, end: null },
  ]);
});

test("srt has one numbered cue per timed row", () => {
  assert.equal(srtTimestamp(3723.4567), "01:02:03,457");
  const srt = toSrt(result);
  assert.equal(
    srt,
    "1\n00:00:00,000 --> 00:00:02,500\nВАУ\n\n" +
      "2\n00:00:03,000 --> 00:00:07,000\nголос: привет\n\n" +
      "3\n00:01:02,000 --> 00:01:03,000\nФинал\n",
  );
  assert.equal(cueText({ text: " ", note: "", visual: "" }), "—");
  assert.equal(cueText({ text: "a\n\n\nb", note: "", visual: "" }), "a\nb");
});

test("markdown holds every section and escapes table cells", () => {
  const md = toMarkdown(result, { filename: "clip.mp4" });
  assert.match(md, /^# Сценарий: clip\.mp4$/m);
  assert.match(md, /^> Hello \\\| world$/m);
  assert.match(md, /^> Привет, мир$/m);
  assert.match(md, /^1\. \*\*Хук\*\* — Сразу вопрос\.$/m);
  assert.match(md, /^\| 0:00-0:03 \| Крупный план \| ВАУ \| музыка \|$/m);
  assert.match(md, /^### Хук\n\n- Короче\.\n- Ярче\.$/m);
  assert.match(md, /Движок: офлайн-анализ \\\(whisper-base\\\)/);
  assert.match(md, /Длительность видео: 7 с/);
  assert.match(md, /Язык речи: английский/);
  assert.match(md, /^## 1 ключ к успеху$/m);
  const piped = toMarkdown({ ...result, script: [{ time: "0:00-0:01", visual: "a|b\nc", text: "", note: "" }] });
  assert.match(piped, /^\| 0:00-0:01 \| a\\\|b<br>c \|  \|  \|$/m);
});

// What a model's answer or a user's file name may carry, and what the export writes for it.
const ATTACKS = [
  ["<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"],
  ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert\\(1\\)&gt;"],
  ["[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert\\(1\\)\\)"],
  ["![](https://evil.example/p.png)", "\\!\\[\\]\\(https://evil.example/p.png\\)"],
  ["a | b", "a \\| b"],
  ["# Заголовок", "\\# Заголовок"],
  ["- пункт", "\\- пункт"],
  ["1. пункт", "1\\. пункт"],
  ["> цитата", "&gt; цитата"],
  ["**жирно** _курсив_ `код` ~~нет~~", "\\*\\*жирно\\*\\* \\_курсив\\_ \\`код\\` \\~\\~нет\\~\\~"],
  ["строка\n# вторая\r\n---", "строка # вторая ---"],
  ["&lt;b&gt; \\", "&amp;lt;b&amp;gt; \\\\"],
];

test("every text the export did not write itself is escaped", () => {
  for (const [text, escaped] of ATTACKS) assert.equal(escapeMarkdown(text), escaped, text);
  assert.equal(escapeMarkdown(undefined), "");
  assert.equal(escapeMarkdown(7), "7");
});

test("a hostile answer reaches the Markdown only as text", () => {
  const evil = ATTACKS.map(([text]) => text).join(" ");
  const hostile = {
    hook: { type: "question", type_label: "<b>x</b>", strength: "10<br>", why: "# " + evil, reasons: [evil], alternatives: [evil], measured: { words: evil, on_screen_text: evil } },
    original: { transcription: `${evil}\n# heading\n<script>alert(2)</script>`, translation: evil },
    keys: [{ title: evil, description: evil }],
    script: [{ time: "0:00-0:01|x", visual: evil, text: "a | b\n# c", note: "![](https://evil.example/p.png)" }],
    recommendations: [{ category: "# " + evil, text: evil }],
    meta: { engine: "gemini", model: "<script>m</script>", translation_note: evil },
  };
  const md = toMarkdown(hostile, { filename: "<img src=x onerror=alert(1)>.mp4" });
  assert.doesNotMatch(md, /<(?!br>)/, "no HTML tag but the cells' own <br>");
  assert.doesNotMatch(md, /(?<!\\)\]\(|(?<!\\)!\[/, "no link or image");
  assert.doesNotMatch(md, /^#(?! Сценарий|# |## )/m, "no heading but the export's own");
  assert.match(md, /^\| 0:00-0:01\\\|x \| /m, "a | in a cell stays in the cell");
  assert.match(md, /^> \\# heading$/m);
  const row = md.split("\n").find((line) => line.startsWith("| 0:00"));
  assert.equal(row.split(/(?<!\\)\|/).length, 6, "four cells, as many as the header");
});

test("the export links only https frames (or the local emulator's)", () => {
  assert.equal(safeUrl("https://storage.googleapis.com/b/o.jpg?X-Goog-Signature=ab"), "https://storage.googleapis.com/b/o.jpg?X-Goog-Signature=ab");
  assert.equal(safeUrl("http://localhost:4443/b/o (1).jpg"), "http://localhost:4443/b/o%20%281%29.jpg");
  for (const bad of ["javascript:alert(1)", "data:image/png;base64,AAAA", "http://evil.example/p.png", "//evil.example/p.png", "", null]) {
    assert.equal(safeUrl(bad), null, String(bad));
  }
  const script = [{ time: "0:00-0:01", visual: "a" }, { time: "0:01-0:02", visual: "b" }];
  const frames = [{ row: 0, url: "javascript:alert(1)" }, { row: 1, url: "https://storage.example/f.jpg" }];
  const md = toMarkdown({ script }, { frames });
  assert.doesNotMatch(md, /javascript:/);
  assert.match(md, /^\| 0:00-0:01 \|  \| a \|/m);
  assert.match(md, /^\| 0:01-0:02 \| !\[кадр 2\]\(https:\/\/storage\.example\/f\.jpg\) \| b \|/m);
});

test("recommendations keep the order categories first appear in", () => {
  assert.deepEqual(groupRecommendations(result.recommendations), [
    { category: "Хук", items: ["Короче.", "Ярче."] },
    { category: "Звук", items: ["Громче."] },
  ]);
});

test("export names are safe", () => {
  assert.equal(exportName("Мой ролик (1).MOV", "srt"), "Мой_ролик_1_-scenariy.srt");
  assert.equal(exportName("", "md"), "video-scenariy.md");
});

const config = { allowedTypes: ["video/mp4", "video/quicktime", "video/webm"], maxFileSizeMb: 100, maxVideoDurationSec: 180 };

test("files are checked for type, emptiness and size before upload", () => {
  assert.equal(contentTypeOf({ name: "a.MOV", type: "" }), "video/quicktime");
  assert.equal(checkFile({ name: "a.mp4", type: "video/mp4", size: 10 }, config), null);
  assert.equal(checkFile({ name: "a.avi", type: "video/x-msvideo", size: 10 }, config).code, "unsupported_type");
  assert.equal(checkFile({ name: "a.mp4", type: "video/mp4", size: 0 }, config).code, "empty_file");
  assert.equal(checkFile({ name: "a.mp4", type: "video/mp4", size: 100 * 1024 * 1024 + 1 }, config).code, "file_too_large");
  assert.equal(checkDuration(null, config), null);
  assert.equal(checkDuration(180, config), null);
  assert.match(checkDuration(181.2, config).message, /181 с\. Максимум 180 с/);
});

test("job documents map to the status endpoint's shape", () => {
  const now = Date.parse("2030-01-01T12:00:00Z");
  const stale = { state: "PENDING", progress: 0, status: "Ожидаем", upload_expires_at: "2030-01-01T10:59:00Z" };
  assert.equal(statusFromDoc(stale, now).error.code, "upload_expired");
  const fresh = { ...stale, upload_expires_at: "2030-01-01T11:30:00Z" };
  assert.deepEqual(statusFromDoc(fresh, now), { state: "PENDING", progress: 0, status: "Ожидаем" });
  assert.equal(statusFromDoc({ state: "SUCCESS", progress: 90, result: { a: 1 } }).progress, 100);
  assert.equal(statusFromDoc({ state: "FAILURE", progress: 40 }).error.code, "analysis_failed");
  const hourAgo = new Date(now - 61 * 60 * 1000).toISOString();
  const abandoned = statusFromDoc({ state: "PROGRESS", progress: 40, updated_at: hourAgo }, now);
  assert.equal(abandoned.state, "FAILURE");
  assert.equal(abandoned.error.code, "analysis_stalled");
  const working = { state: "PROGRESS", progress: 40, updated_at: new Date(now).toISOString(), status: "x" };
  assert.equal(statusFromDoc(working, now).state, "PROGRESS");
  assert.equal(statusFromDoc({ state: "PROGRESS", progress: 140, status: "x" }).progress, 100);
});

test("sizes, durations and speed read naturally", () => {
  assert.equal(formatBytes(512 * 1024), "512 КБ");
  assert.equal(formatBytes(5.5 * 1024 * 1024), "5,5 МБ");
  assert.equal(formatBytes(42 * 1024 * 1024), "42 МБ");
  assert.equal(formatDuration(75.2), "1 мин 16 с");
  const meter = new SpeedMeter(3000);
  meter.add(0, 0);
  assert.equal(meter.speed(), null);
  meter.add(1000, 500);
  assert.equal(meter.speed(), 2000);
});

test("the keys heading agrees with the count", () => {
  assert.deepEqual([1, 2, 4, 5, 11, 21, 22].map(keysHeading), [
    "1 ключ к успеху", "2 ключа к успеху", "4 ключа к успеху", "5 ключей к успеху",
    "11 ключей к успеху", "21 ключ к успеху", "22 ключа к успеху",
  ]);
});
