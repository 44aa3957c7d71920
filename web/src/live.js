// Follows a job until it ends: a Firestore realtime listener on jobs/{jobId},
// falling back to polling the status endpoint (with backoff) when the listener
// fails or says nothing within a few seconds.
import { doc, onSnapshot } from "firebase/firestore";
import { fetchStatus, PageError } from "./api.js";
import { getDb } from "./firebase.js";
import { errorMessage } from "./contract.js";
import { isTerminal, statusFromDoc } from "./status.js";

const NOT_FOUND = errorMessage("not_found");

// The listener's first answer is due within this; after that, a running job's
// document changes at least every claim_lease_sec / 3 (the worker's heartbeat,
// 30 s by default), so a listener silent for longer may have lost its connection
// without knowing it yet: poll until it speaks again. Overridable in config.json.
const LISTENER_TIMEOUT_MS = 5000;
const LISTENER_SILENCE_SEC = 45;
const POLL_FIRST_MS = 1000;
const POLL_MAX_MS = 10000;

/**
 * Calls onUpdate(status, source) on every change until the job ends, and
 * onNotice(text|null) about connection trouble. Returns stop().
 *
 * The listener goes first. Polling starts when the listener has said nothing a
 * few seconds after subscribing, when the SDK says it answers from its cache
 * (offline), or when it has been silent longer than the worker's heartbeat allows
 * (a connection dropped mid-job that the SDK has not noticed). The listener stays
 * subscribed, and once it speaks again polling stops. After a listener error
 * (e.g. permission denied) only polling is left.
 */
export function followJob({ config, jobId, statusUrl, onUpdate, onNotice = () => {} }) {
  let stopped = false;
  let unsubscribe = null;
  let polling = false;
  let pollTimer = null;
  let listenerTimer = null;

  const deliver = (status, source) => {
    if (stopped) return;
    onUpdate(status, source);
    if (isTerminal(status)) stop();
  };

  const stopPolling = () => {
    polling = false;
    clearTimeout(pollTimer);
  };

  const stopListening = () => {
    clearTimeout(listenerTimer);
    if (unsubscribe) unsubscribe();
    unsubscribe = null;
  };

  const stop = () => {
    stopped = true;
    stopPolling();
    stopListening();
  };

  const startPolling = () => {
    if (stopped || polling) return;
    polling = true;
    let delay = POLL_FIRST_MS;
    const poll = async () => {
      if (stopped || !polling) return;
      try {
        const status = await fetchStatus(statusUrl);
        if (!polling) return;
        onNotice(null);
        deliver(status, "polling");
        delay = Math.min(POLL_MAX_MS, delay * 1.5);
      } catch (error) {
        if (error instanceof PageError && error.code === "not_found") {
          deliver({ state: "FAILURE", progress: 0, status: error.message, error: { code: "not_found", message: error.message } }, "polling");
          return;
        }
        onNotice("Нет связи с сервисом — пробуем снова...");
        delay = Math.min(POLL_MAX_MS, delay * 2);
      }
      if (!stopped && polling) pollTimer = setTimeout(poll, delay);
    };
    poll();
  };

  let db;
  try {
    db = getDb(config);
  } catch (error) {
    console.warn("Firestore unavailable, polling instead", error);
    startPolling();
    return stop;
  }
  const silenceMs = 1000 * (Number(config.listenerSilenceSec) || LISTENER_SILENCE_SEC);
  const watch = (ms) => {
    clearTimeout(listenerTimer);
    listenerTimer = setTimeout(startPolling, ms);
  };
  watch(LISTENER_TIMEOUT_MS);
  unsubscribe = onSnapshot(
    doc(db, config.jobsCollection || "jobs", jobId),
    { includeMetadataChanges: true },
    (snap) => {
      if (snap.metadata.fromCache) {
        // The SDK cannot reach the server and answers from its cache: no news
        // about the job, but a sign to poll until the listener is live again.
        clearTimeout(listenerTimer);
        startPolling();
        return;
      }
      watch(silenceMs);
      stopPolling(); // the listener is live: no need to poll
      onNotice(null);
      if (!snap.exists()) {
        deliver({ state: "FAILURE", progress: 0, status: NOT_FOUND, error: { code: "not_found", message: NOT_FOUND } }, "listener");
        return;
      }
      deliver(statusFromDoc(snap.data()), "listener");
    },
    (error) => {
      console.warn("Firestore listener failed, polling instead", error);
      stopListening();
      startPolling();
    },
  );
  return stop;
}
