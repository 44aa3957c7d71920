// A job document -> the status endpoint's answer, exactly as Python's
// shared.core.jobs.public_status derives it: the page reads the document from its
// Firestore listener, and must show what polling `status` would have shown.
// tests/browser/test_contract_js.py feeds both the same table of documents.
import { CONTRACT, errorMessage, stageText } from "./contract.js";

// Python's truthiness, for public_status's `value or default`: an empty list or
// dict is false there, not only an empty string.
function truthy(value) {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}

// Python's int() where it succeeds (truncating a float, reading "55" or " -5 "),
// 0 where it raises, as jobs._int does.
function toInt(value) {
  if (typeof value === "boolean") return Number(value);
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === "string" && /^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) return Number(value.replace(/_/g, ""));
  return 0;
}

// A moment as milliseconds: a Firestore Timestamp (what the listener gives), a
// Date, or an ISO string; null when missing or unreadable.
function toMillis(value) {
  if (value === null || value === undefined) return null;
  if (typeof value.toMillis === "function") return value.toMillis();
  if (value instanceof Date) return value.getTime();
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? null : ms;
}

function older(moment, now, seconds) {
  const ms = toMillis(moment);
  return ms !== null && now > ms + seconds * 1000;
}

export function isTerminal(status) {
  return CONTRACT.terminal.includes(status.state);
}

/** The public status of a job document at `now` (milliseconds). */
export function statusFromDoc(doc, now = Date.now()) {
  const progress = Math.max(0, Math.min(100, toInt(doc.progress)));
  const status = truthy(doc.status) ? doc.status : stageText(truthy(doc.stage) ? doc.stage : "pending");
  const failed = (code) => {
    const message = errorMessage(code);
    return { state: "FAILURE", progress, status: message, error: { code, message } };
  };
  const state = truthy(doc.state) ? doc.state : "PENDING";
  if (!CONTRACT.states.includes(state)) return failed("analysis_failed"); // a state no version of us writes
  // Derived, never stored: an upload that never came, a worker that died for good.
  if (state === "PENDING" && older(doc.upload_expires_at, now, CONTRACT.uploadGraceSec)) {
    // The sweep notified it again: its video did come (the sweep ends it so too).
    return failed(doc.renotified_at !== undefined && doc.renotified_at !== null ? "upload_not_started" : "upload_expired");
  }
  if (state === "PROGRESS" && older(doc.updated_at, now, CONTRACT.staleAfterSec)) return failed("analysis_stalled");
  if (state === "SUCCESS") {
    const body = { state, progress: 100, status };
    if (doc.result !== undefined && doc.result !== null) body.result = doc.result;
    return body;
  }
  if (state === "FAILURE") {
    const error = doc.error;
    const isDict = error !== null && typeof error === "object" && !Array.isArray(error);
    if (!isDict || !truthy(error.message)) return failed("analysis_failed");
    return { state, progress, status: String(error.message), error };
  }
  return { state, progress, status };
}
