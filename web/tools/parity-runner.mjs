// The page's contract code answering a table from Python (tests/browser/test_contract_js.py):
// reads JSON on stdin, writes the page's answers as JSON on stdout, same order.
//   statuses: [{doc, now}]      -> statusFromDoc(doc, Date.parse(now))
//   files:    [{file, config}]  -> checkFile(file, config)
//   messages: [{code, params}]  -> errorMessage(code, params)
//   stages:   [stage]           -> stageText(stage)
// In a doc, {"__timestamp": [seconds, nanoseconds]} becomes a real Firestore
// Timestamp (what the listener hands the page) and {"__ts": iso} an object with
// only toMillis(); anything else is passed as is (ISO strings stay strings).
import { Timestamp } from "firebase/firestore";
import { errorMessage, stageText } from "../src/contract.js";
import { statusFromDoc } from "../src/status.js";
import { checkFile } from "../src/validate.js";

process.stdin.setEncoding("utf8"); // whole characters, never half a Cyrillic letter per chunk
let text = "";
for await (const chunk of process.stdin) text += chunk;
const input = JSON.parse(text);

function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object") {
    if ("__timestamp" in value) return new Timestamp(...value.__timestamp);
    if ("__ts" in value) return { toMillis: () => Date.parse(value.__ts) };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

const answers = {
  statuses: (input.statuses ?? []).map(({ doc, now }) => statusFromDoc(revive(doc), Date.parse(now))),
  files: (input.files ?? []).map(({ file, config }) => checkFile(file, config)),
  messages: (input.messages ?? []).map(({ code, params }) => errorMessage(code, params)),
  stages: (input.stages ?? []).map((stage) => stageText(stage)),
};
process.stdout.write(JSON.stringify(answers));
