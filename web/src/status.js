// A job document -> the status endpoint's answer, exactly as Python's
// shared.core.jobs.public_status derives it (tests/browser/test_contract_parity.py
// feeds both the same documents).
import { CONTRACT, errorMessage, stageText } from "./contract.js";

function toMillis(value) {
  if (value === null || value === undefined) return null;
  if (typeof value.toMillis === "function") return value.toMillis();
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function toInt(value) {
  const n = Math.trunc(Number(value));
  return Number.isFinite(n) ? n : 0;
}

function older(moment, now, seconds) {
  const ms = toMillis(moment);
  return ms !== null && now > ms + seconds * 1000;
}

export function isTerminal(status) {
  return CONTRACT.terminal.includes(status.state);
}

export function statusFromDoc(doc, now = Date.now()) {
  const progress = Math.max(0, Math.min(100, toInt(doc.progress)));
  const status = doc.status || stageText(doc.stage || "pending");
  const failed = (code) => {
    const message = errorMessage(code);
    return { state: "FAILURE", progress, status: message, error: { code, message } };
  };
  const state = doc.state || "PENDING";
  if (!CONTRACT.states.includes(state)) return failed("analysis_failed");
  if (state === "PENDING" && older(doc.upload_expires_at, now, CONTRACT.uploadGraceSec)) return failed("upload_expired");
  if (state === "PROGRESS" && older(doc.updated_at, now, CONTRACT.staleAfterSec)) return failed("analysis_stalled");
  if (state === "SUCCESS") {
    const body = { state, progress: 100, status };
    if (doc.result !== undefined && doc.result !== null) body.result = doc.result;
    return body;
  }
  if (state === "FAILURE") {
    const error = doc.error;
    if (!error || typeof error !== "object" || !error.message) return failed("analysis_failed");
    return { state, progress, status: String(error.message), error };
  }
  return { state, progress, status };
}
