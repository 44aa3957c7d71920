// What the page must agree on with the functions, generated at build time from the
// Python source of truth (`python -m shared.core.contract`, run by web/build.sh):
// accepted types, messages, stage texts, states, the derived-failure rules.
import contract from "./generated/contract.json" with { type: "json" };

export const CONTRACT = contract;

/** The Russian message of an error code, `{name}` filled from params (as Python's error_message). */
export function errorMessage(code, params = {}) {
  const template = contract.errors[code] ?? contract.errors.internal;
  if (!/\{\w+\}/.test(template)) return template;
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  if (!names.every((n) => n in params)) return template; // like Python's KeyError fallback
  return template.replace(/\{(\w+)\}/g, (_, n) => String(params[n]));
}

/** The status line of a stage (an unknown stage reads as "received", as in Python). */
export function stageText(stage) {
  return (contract.stages[stage] ?? contract.stages.received).text;
}
