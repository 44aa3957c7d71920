// The page's side of the contract beyond what tests/browser/test_contract_js.py
// compares with Python: what the page builds from it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CONTRACT, errorMessage, noticeTexts } from "../src/contract.js";
import { defaultMessage } from "../src/messages.js";
import { acceptList, contentTypeOf, typeNames } from "../src/validate.js";

const allowedTypes = Object.keys(CONTRACT.types);

test("the file picker accepts the contract's types and their extensions", () => {
  const accept = acceptList(allowedTypes).split(",");
  for (const type of allowedTypes) assert.ok(accept.includes(type));
  for (const [ext, type] of Object.entries(CONTRACT.extensionTypes)) assert.ok(accept.includes(`.${ext}`), type);
  assert.deepEqual(acceptList(["video/webm"]).split(","), ["video/webm", ".webm"]);
  assert.equal(typeNames(allowedTypes), "MP4, MOV, WebM");
});

test("the content type is read as upload_url reads it", () => {
  assert.equal(contentTypeOf({ name: "a.mp4", type: "Video/MP4; codecs=avc1" }), "video/mp4");
  assert.equal(contentTypeOf({ name: "a.m4v", type: "" }), "video/mp4");
  assert.equal(contentTypeOf({ name: "a.constructor", type: "" }), "");
});

test("a code without a message of its own: the page's text, else the server's", () => {
  assert.equal(defaultMessage("auth_required"), errorMessage("auth_required"));
  assert.equal(defaultMessage("not_found"), CONTRACT.errors.not_found);
  assert.match(defaultMessage("network"), /связаться/);
  assert.equal(defaultMessage("no_such_code"), "");
});

test("a result's notices read as the contract words them, unknown ones as sent", () => {
  const meta = { notices: [{ code: "from_cache", message: "old text" }, { code: "later_code", message: "как есть" }, {}] };
  assert.deepEqual(noticeTexts(meta), [CONTRACT.notices.from_cache, "как есть"]);
  assert.match(CONTRACT.notices.ai_misconfigured, /загружать заново не нужно/);
  assert.deepEqual(noticeTexts({}), []);
});
