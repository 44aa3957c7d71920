// Reads [{doc, now}] as JSON on stdin (timestamps as {"__ts": iso} become Firestore-like
// {toMillis()} objects), answers the page's statusFromDoc for each, and the page's
// checkFile for [{file, config}] cases, as JSON on stdout. Driven by
// tests/browser/test_contract_parity.py.
import { statusFromDoc } from "../src/status.js";
import { checkFile } from "../src/validate.js";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
}));

function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object") {
    if ("__ts" in value) return { toMillis: () => Date.parse(value.__ts) };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

const statuses = input.statuses.map(({ doc, now }) => statusFromDoc(revive(doc), Date.parse(now)));
const files = input.files.map(({ file, config }) => checkFile(file, config));
process.stdout.write(JSON.stringify({ statuses, files }));
