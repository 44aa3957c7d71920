// Checks a file before anything is sent: type, size and (when readable) duration.
// Types and messages are the server's (shared/core/contract.py, generated at build).
import { CONTRACT, errorMessage } from "./contract.js";

const EXTENSION_TYPES = CONTRACT.extensionTypes;
const TYPE_NAMES = CONTRACT.typeNames;

/**
 * The content type to send: the browser's, or guessed from the extension when it
 * has none. Read as upload_url reads it (no parameters, lower case), so the page
 * refuses exactly what the server would.
 */
export function contentTypeOf(file) {
  const type = (file.type || "").split(";", 1)[0].trim().toLowerCase();
  if (type) return type;
  const ext = (file.name.split(".").pop() || "").toLowerCase();
  return Object.hasOwn(EXTENSION_TYPES, ext) ? EXTENSION_TYPES[ext] : "";
}

export function typeNames(allowedTypes) {
  return allowedTypes.map((t) => TYPE_NAMES[t] || t).join(", ");
}

/** The file picker's `accept`: the allowed types and the extensions that map to them. */
export function acceptList(allowedTypes) {
  const extensions = Object.keys(EXTENSION_TYPES).filter((ext) => allowedTypes.includes(EXTENSION_TYPES[ext]));
  return [...allowedTypes, ...extensions.map((ext) => `.${ext}`)].join(",");
}

/** {code, message} if the file must be refused, else null. */
export function checkFile(file, config) {
  const type = contentTypeOf(file);
  if (!config.allowedTypes.includes(type)) {
    return { code: "unsupported_type", message: errorMessage("unsupported_type") };
  }
  if (file.size === 0) return { code: "empty_file", message: errorMessage("empty_file") };
  if (file.size > config.maxFileSizeMb * 1024 * 1024) {
    return { code: "file_too_large", message: errorMessage("file_too_large", { max_mb: config.maxFileSizeMb }) };
  }
  return null;
}

/** The video's duration in seconds from its metadata, or null if the browser cannot read it. */
export function readDuration(file, timeoutMs = 4000) {
  return new Promise((resolve) => {
    const video = document.createElement("video");
    const url = URL.createObjectURL(file);
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      video.removeAttribute("src");
      video.load();
      URL.revokeObjectURL(url);
      resolve(value);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    video.preload = "metadata";
    video.muted = true;
    video.onloadedmetadata = () => finish(Number.isFinite(video.duration) ? video.duration : null);
    video.onerror = () => finish(null);
    video.src = url;
  });
}

export function checkDuration(seconds, config) {
  if (seconds === null || seconds <= config.maxVideoDurationSec) return null;
  return {
    code: "video_too_long",
    message: errorMessage("video_too_long", { duration: Math.round(seconds), max_sec: config.maxVideoDurationSec }),
  };
}
