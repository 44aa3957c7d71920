// The HTTP side: ask for an upload URL, PUT the file, read a job's status.
import { defaultMessage } from "./messages.js";

/** A failure to show: `code` picks the hint, `message` is shown as is. */
export class PageError extends Error {
  constructor(code, message) {
    super(message || defaultMessage(code) || code);
    this.code = code;
  }
}

/** POST {uploadUrlEndpoint} -> {job_id, upload: {url, method, headers}, expires_at, status_url}. */
export async function requestUpload(config, file, contentType, token, topic = "") {
  let response;
  try {
    response = await fetch(config.uploadUrlEndpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ filename: file.name, content_type: contentType, size: file.size, language: "ru", ...(topic ? { topic } : {}) }),
    });
  } catch {
    throw new PageError("network");
  }
  const body = await response.json().catch(() => null);
  if (response.status !== 201 || !body?.job_id || !body?.upload?.url) {
    throw serverError(body, response.status);
  }
  return body;
}

function serverError(body, status) {
  if (body?.error?.code) return new PageError(body.error.code, body.error.message);
  return new PageError(status >= 500 ? "internal" : "network", `Сервис ответил ошибкой (HTTP ${status}).`);
}

/**
 * PUT the file to the signed URL with exactly the headers it was signed with.
 * XMLHttpRequest, not fetch: it reports upload progress and can be aborted.
 * Returns {done: Promise, abort()}; onProgress(sentBytes, totalBytes).
 */
export function uploadFile(upload, file, onProgress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open(upload.method || "PUT", upload.url);
    for (const [name, value] of Object.entries(upload.headers || {})) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new PageError("upload_rejected", `Хранилище отклонило файл (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new PageError("upload_interrupted"));
    xhr.ontimeout = () => reject(new PageError("upload_interrupted"));
    xhr.onabort = () => reject(new PageError("upload_cancelled"));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** GET status_url -> the job's public status; PageError("not_found") for 404. */
export async function fetchStatus(statusUrl) {
  let response;
  try {
    response = await fetch(statusUrl, { cache: "no-store" });
  } catch {
    throw new PageError("network");
  }
  const body = await response.json().catch(() => null);
  if (response.status === 404) {
    throw new PageError("not_found", body?.error?.message); // else the contract's message
  }
  if (!response.ok || !body?.state) throw serverError(body, response.status);
  return body;
}
