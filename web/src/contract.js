// What the page must agree on with the functions, generated at build time from the
// Python source of truth (`python -m shared.core.contract`, run by web/build.sh):
// accepted types, messages, stage texts, states, the derived-failure rules.
// Nothing here is typed in by hand; tests/browser/test_contract_js.py checks the
// answers against Python's.
import contract from "./generated/contract.json" with { type: "json" };

export const CONTRACT = contract;

// A table's own entry only: a code such as "toString" must not find Object's.
const own = (table, key) => (Object.hasOwn(table, key) ? table[key] : undefined);

/**
 * The Russian message of an error code with its `{name}` placeholders filled from
 * params, as Python's shared.core.messages.error_message: an unknown code reads as
 * `internal`, and a template missing one of its params is returned unfilled.
 */
export function errorMessage(code, params = {}) {
  const template = own(contract.errors, code) ?? contract.errors.internal;
  let complete = true;
  const text = template.replace(/\{(\w+)\}/g, (_, name) => {
    if (!Object.hasOwn(params, name)) complete = false;
    return String(params[name]);
  });
  return complete ? text : template;
}

/**
 * The lines a result's `meta.notices` ask the reader to see (from the cache, the AI
 * unavailable...): the contract's text for a known code, else the result's own.
 */
export function noticeTexts(meta = {}) {
  return (meta.notices || [])
    .map((n) => own(contract.notices, n?.code) ?? n?.message ?? "")
    .filter((text) => text);
}

/** The status line of a stage; an unknown stage reads as "received", as in Python. */
export function stageText(stage) {
  return (own(contract.stages, stage) ?? contract.stages.received).text;
}
