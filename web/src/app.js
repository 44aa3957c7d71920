// The page: pick a video, upload it, follow the analysis live, show and export the result.
// Screens: start -> upload -> analysis -> result, or error from any of them.
import { fetchStatus, PageError, requestUpload, uploadFile } from "./api.js";
import { exportName, toMarkdown, toSrt } from "./export.js";
import { formatBytes, formatDuration, formatSpeed, SpeedMeter } from "./format.js";
import { idToken, myJobs, ownFilename } from "./firebase.js";
import { followJob } from "./live.js";
import { defaultMessage, errorHint, errorTitle } from "./messages.js";
import { findRecent, forgetAll, forgetJob, loadRecent, rememberJob, updateJob } from "./recent.js";
import { el, renderResult } from "./render.js";
import { acceptList, checkDuration, checkFile, contentTypeOf, readDuration, typeNames } from "./validate.js";

const $ = (id) => document.getElementById(id);
const SCREENS = ["loading", "start", "upload", "analysis", "error", "result"];
// Failures that trying the same file again cannot fix.
const FINAL_FOR_FILE = new Set(["unsupported_type", "empty_file", "file_too_large", "video_too_long", "not_a_video", "no_video_stream"]);

let config = null;
// What the page is doing now: {file, jobId, filename, statusUrl, upload, stopFollowing, shownProgress, result}.
let current = {};

// ---- screens -----------------------------------------------------------

function showScreen(name) {
  for (const s of SCREENS) $(`screen-${s}`).hidden = s !== name;
  $("main").dataset.screen = name;
  const heading = $(`screen-${name}`).querySelector("h1");
  if (heading && name !== "start") heading.focus();
}

function setJobInUrl(jobId) {
  history.replaceState(null, "", jobId ? `#job=${jobId}` : location.pathname + location.search);
}

function jobIdFromUrl() {
  const m = location.hash.match(/^#job=([A-Za-z0-9_-]+)$/);
  return m ? m[1] : null;
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.classList.add("visible");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("visible"), 2500);
}

function showError(error) {
  const code = error.code || "internal";
  $("error-title").textContent = errorTitle(code);
  $("error-message").textContent = error.message || defaultMessage(code);
  $("error-hint").textContent = `Что делать: ${errorHint(code)}`;
  $("error-retry").hidden = !current.file || FINAL_FOR_FILE.has(code);
  $("main").dataset.error = code;
  showScreen("error");
}

/** Stop whatever runs (upload, listener, polling) and go back to the start screen. */
function startOver() {
  current.upload?.abort();
  current.stopFollowing?.();
  current = {};
  $("file-input").value = "";
  delete $("main").dataset.error;
  delete $("main").dataset.source;
  setJobInUrl(null);
  renderRecent();
  showScreen("start");
  $("file-input").focus();
}

// ---- start screen ------------------------------------------------------

const STATE_LABELS = { SUCCESS: "готово", FAILURE: "ошибка", PROGRESS: "анализируется", PENDING: "в очереди" };

// The user's jobs as Firestore lists them ("Мои разборы"); localStorage is the cache
// that also keeps finished results readable after their job expired.
let ownJobs = [];
// Jobs this page gave up on (their upload failed): Firestore may still list them if
// the history query raced the upload, but there is nothing to come back to.
const abandoned = new Set();

/** Local list and Firestore's merged by id, newest first. */
function historyJobs() {
  const local = loadRecent();
  const byId = new Map(local.map((j) => [j.id, j]));
  for (const job of ownJobs) {
    if (abandoned.has(job.id)) continue;
    const known = byId.get(job.id);
    byId.set(job.id, known ? { ...job, ...known, state: known.result ? known.state : job.state } : job);
  }
  return [...byId.values()].sort((a, b) => (b.createdAt || 0) - (a.createdAt || 0));
}

async function refreshHistory() {
  try {
    ownJobs = (await myJobs(config)).map((job) => ({
      ...job,
      statusUrl: new URL(job.id, config.statusEndpoint).href,
    }));
    if ($("main").dataset.screen === "start") renderRecent();
    document.documentElement.dataset.history = "loaded";
  } catch (error) {
    console.warn("history not loaded", error); // the local list still works
    document.documentElement.dataset.history = "failed";
  }
}

function renderRecent() {
  const jobs = historyJobs();
  $("recent").hidden = jobs.length === 0;
  $("recent-list").replaceChildren(
    ...jobs.map((job) => {
      const label = job.uploaded === false && job.state === "PENDING" ? "загрузка не завершена" : STATE_LABELS[job.state] || "";
      const when = job.createdAt ? new Date(job.createdAt).toLocaleString("ru-RU", { dateStyle: "short", timeStyle: "short" }) : "";
      return el(
        "li",
        {},
        el(
          "button",
          { type: "button", class: "recent-item", onclick: () => openJob(job.id) },
          el("span", { class: "recent-name" }, job.filename || job.id),
          el("span", { class: "recent-when" }, when),
          el("span", { class: `badge badge-${(job.state || "").toLowerCase()}` }, label),
        ),
      );
    }),
  );
}

async function handleFile(file) {
  current.stopFollowing?.();
  current = { file, filename: file.name };
  const problem = checkFile(file, config);
  if (problem) return showError(problem);
  const tooLong = checkDuration(await readDuration(file), config);
  if (tooLong) return showError(tooLong);
  await upload(file);
}

// ---- upload ------------------------------------------------------------

async function upload(file) {
  $("upload-file").textContent = file.name;
  setUploadProgress(0, file.size, null);
  showScreen("upload");
  let job;
  try {
    let token;
    try {
      token = await idToken(config);
    } catch (error) {
      console.error(error);
      throw new PageError("auth_required");
    }
    job = await requestUpload(config, file, contentTypeOf(file), token, $("topic-input").value.trim());
  } catch (error) {
    return showError(error);
  }
  if (current.file !== file) return; // the user started over meanwhile
  const statusUrl = new URL(job.status_url || job.job_id, config.statusEndpoint).href;
  Object.assign(current, { jobId: job.job_id, statusUrl });
  rememberJob({ id: job.job_id, filename: file.name, statusUrl, createdAt: Date.now(), state: "PENDING", uploaded: false });
  setJobInUrl(job.job_id);

  const meter = new SpeedMeter();
  current.upload = uploadFile(job.upload, file, (sent, total) => {
    meter.add(sent);
    setUploadProgress(sent, total, meter.speed());
  });
  try {
    await current.upload.done;
  } catch (error) {
    forgetJob(job.job_id); // never uploaded: nothing to come back to
    abandoned.add(job.job_id);
    if (current.jobId === job.job_id) {
      setJobInUrl(null);
      current.upload = null;
      showError(error);
    }
    return;
  }
  current.upload = null;
  setUploadProgress(file.size, file.size, null);
  updateJob(job.job_id, { uploaded: true });
  follow({ id: job.job_id, filename: file.name, statusUrl, uploaded: true });
}

function setUploadProgress(sent, total, speed) {
  const percent = total ? Math.floor((sent / total) * 100) : 0;
  $("upload-progress").value = percent;
  $("upload-percent").textContent = `${percent} %`;
  $("upload-bytes").textContent = `${formatBytes(sent)} из ${formatBytes(total)}`;
  $("upload-speed").textContent = speed ? `Скорость: ${formatSpeed(speed)}` : "\u00a0";
  $("upload-left").textContent = speed && sent < total ? `Осталось ≈ ${formatDuration((total - sent) / speed)}` : "";
  // Announce every quarter, not every event.
  const quarter = Math.floor(percent / 25) * 25;
  if (quarter !== current.announced) {
    current.announced = quarter;
    $("upload-announce").textContent = `Загружено ${quarter} %`;
  }
}

// ---- analysis ----------------------------------------------------------

function follow(job) {
  Object.assign(current, { jobId: job.id, filename: job.filename, statusUrl: job.statusUrl, shownProgress: 0 });
  $("analysis-file").textContent = job.filename || "";
  $("analysis-notice").textContent = "";
  setAnalysisProgress({ progress: 0, status: "Подключаемся..." }, job.uploaded);
  showScreen("analysis");
  if (!job.filename) showOwnFilename(job);
  current.stopFollowing = followJob({
    config,
    jobId: job.id,
    statusUrl: job.statusUrl,
    onUpdate: (status, source) => {
      if (current.jobId !== job.id) return;
      $("main").dataset.source = source;
      if (status.state === "SUCCESS") {
        updateJob(job.id, { state: "SUCCESS", result: status.result, filename: job.filename });
        showResult(job.filename, status.result);
      } else if (status.state === "FAILURE") {
        if (status.error?.code === "not_found") forgetJob(job.id); // gone: nothing to come back to
        else updateJob(job.id, { state: "FAILURE", error: status.error });
        showError(status.error || { code: "analysis_failed", message: status.status });
      } else {
        updateJob(job.id, { state: status.state });
        setAnalysisProgress(status, job.uploaded);
      }
    },
    onNotice: (text) => {
      $("analysis-notice").textContent = text || "";
    },
  });
}

/** A job opened by its link: its file name, only if this user owns it (never a
 * stranger's: the public job document has none). */
async function showOwnFilename(job) {
  const filename = await ownFilename(config, job.id);
  if (!filename || current.jobId !== job.id || job.filename) return;
  job.filename = current.filename = filename;
  updateJob(job.id, { filename });
  $("analysis-file").textContent = filename;
  $("result-file").textContent = filename;
}

function setAnalysisProgress(status, uploaded) {
  // Progress never goes backwards, whichever source reports it.
  current.shownProgress = Math.max(current.shownProgress || 0, status.progress || 0);
  $("analysis-progress").value = current.shownProgress;
  $("analysis-percent").textContent = `${current.shownProgress} %`;
  const waiting = status.state === "PENDING" && uploaded;
  $("analysis-status").textContent = waiting ? "Видео загружено, анализ скоро начнётся..." : status.status || "";
}

/** Open a job from the recent list or the URL: its stored result, or follow it live. */
function openJob(id) {
  current.stopFollowing?.();
  current = {};
  const job = findRecent(id) ||
    ownJobs.find((j) => j.id === id) || { id, statusUrl: new URL(id, config.statusEndpoint).href };
  if (!findRecent(id)) rememberJob({ id, statusUrl: job.statusUrl, createdAt: Date.now() });
  setJobInUrl(id);
  if (job.result) {
    Object.assign(current, { jobId: id, statusUrl: job.statusUrl });
    return showResult(job.filename, job.result);
  }
  if (job.state === "PENDING" && job.uploaded === false) {
    return showError(new PageError("upload_interrupted", "Загрузка этого видео не завершилась."));
  }
  follow({ ...job, uploaded: job.uploaded !== false });
}

// ---- result ------------------------------------------------------------

function showResult(filename, result) {
  current.result = result;
  current.filename = filename;
  current.frames = [];
  $("result-file").textContent = filename || "";
  $("result").replaceChildren(renderResult(result, { copy }));
  showScreen("result");
  loadFrames(result);
}

/** The storyboard's pictures: short-lived signed URLs from status (the job document
 * holds only their names). Without them the storyboard still reads. */
async function loadFrames(result) {
  const statusUrl = current.statusUrl || (current.jobId && new URL(current.jobId, config.statusEndpoint).href);
  if (!(result.storyboard || []).length || !statusUrl) return;
  try {
    const status = await fetchStatus(statusUrl);
    if (current.result !== result || !(status.frames || []).length) return;
    current.frames = status.frames;
    $("result").replaceChildren(renderResult(result, { copy, frames: status.frames }));
    document.documentElement.dataset.frames = "loaded";
  } catch (error) {
    console.warn("storyboard frames not loaded", error); // e.g. the job expired
  }
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = el("textarea", { class: "visually-hidden" }, text);
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  toast("Скопировано");
}

function download(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = el("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- wiring ------------------------------------------------------------

function wire() {
  const input = $("file-input");
  input.addEventListener("change", () => input.files[0] && handleFile(input.files[0]));

  const zone = $("dropzone");
  // A file dropped anywhere must not make the browser navigate away to it.
  for (const type of ["dragover", "drop"]) document.addEventListener(type, (e) => e.preventDefault());
  zone.addEventListener("dragenter", () => zone.classList.add("dragging"));
  zone.addEventListener("dragover", () => zone.classList.add("dragging"));
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (e) => {
    zone.classList.remove("dragging");
    const file = e.dataTransfer?.files?.[0];
    if (file && $("main").dataset.screen === "start") handleFile(file);
  });

  $("upload-cancel").addEventListener("click", () => current.upload?.abort());
  $("analysis-new").addEventListener("click", startOver);
  $("error-new").addEventListener("click", startOver);
  $("result-new").addEventListener("click", startOver);
  $("error-retry").addEventListener("click", () => current.file && handleFile(current.file));
  $("recent-clear").addEventListener("click", () => {
    forgetAll();
    ownJobs = [];
    renderRecent();
  });
  $("export-md").addEventListener("click", () =>
    download(toMarkdown(current.result, { filename: current.filename, frames: current.frames }), exportName(current.filename, "md"), "text/markdown"),
  );
  $("export-srt").addEventListener("click", () =>
    download(toSrt(current.result), exportName(current.filename, "srt"), "application/x-subrip"),
  );
  $("print").addEventListener("click", () => window.print());
  $("copy-all").addEventListener("click", () => copy(toMarkdown(current.result, { filename: current.filename })));
  window.addEventListener("hashchange", () => {
    const id = jobIdFromUrl();
    if (id && id !== current.jobId) openJob(id);
  });
}

async function loadConfig() {
  const response = await fetch("./config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const loaded = await response.json();
  for (const field of ["uploadUrlEndpoint", "statusEndpoint", "maxFileSizeMb", "maxVideoDurationSec", "allowedTypes"]) {
    if (loaded[field] === undefined) throw new Error(`config.json: no ${field}`);
  }
  return loaded;
}

async function main() {
  try {
    config = await loadConfig();
  } catch (error) {
    console.error(error);
    showError(new PageError("config"));
    $("error-new").hidden = true;
    return;
  }
  const minutes = config.maxVideoDurationSec / 60;
  const length = Number.isInteger(minutes) ? `${minutes} мин` : `${config.maxVideoDurationSec} с`;
  $("limits").textContent = `${typeNames(config.allowedTypes)} · до ${config.maxFileSizeMb} МБ · до ${length}`;
  $("file-input").accept = acceptList(config.allowedTypes);
  wire();
  renderRecent();
  refreshHistory();
  const id = jobIdFromUrl();
  if (id) openJob(id);
  else showScreen("start");
  document.documentElement.dataset.ready = "true";
}

main();
