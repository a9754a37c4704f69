/**
 * Rules every parameter key obeys, whatever source it comes from, so that a row can never
 * shadow what jobx gives templates or reach an object's prototype.
 */
import { InputError } from "../errors";

/** Names jobx itself passes to every template; a row key with the same name would hide them. */
const PROVIDED_BY_JOBX = new Set(["index", "jobx", "params"]);
/** Names that reach or replace an object's prototype when used as a property name. */
const PROTOTYPE_NAMES = new Set(["__proto__", "constructor", "prototype"]);

/** Throws when `key` may not be used as a parameter name; `where` names the source. */
export function checkKey(key: string, where: string): void {
  if (key === "") {
    throw new InputError("a parameter name is empty. Give every value a name (a CSV header cell, a YAML key, the text before \"=\").", { where });
  }
  if (PROVIDED_BY_JOBX.has(key)) {
    throw new InputError(
      `the parameter name '${key}' is reserved: jobx gives every template 'index', 'jobx' and 'params' itself. Rename it, for example to '${key}_'.`,
      { where },
    );
  }
  if (PROTOTYPE_NAMES.has(key)) {
    throw new InputError(
      `the parameter name '${key}' is not allowed: it names a JavaScript object's prototype and could change how every row behaves. Rename it, for example to '${key.replace(/_/g, "")}_'.`,
      { where },
    );
  }
}
