/**
 * How a member is named for people, everywhere (status, live view, logs prefix,
 * timeline, reports): its parameters as `key=value` pairs, or its Job name when the row
 * has none. Display limits (width, control characters) are the caller's.
 */

/** A parameter value as people wrote it: strings bare, anything else as JSON. */
export function paramText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `item=apple,size=3`; `fallback` (the Job name, say) when there are no parameters. */
export function memberLabel(params: Record<string, unknown>, fallback: string): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return fallback;
  return entries.map(([k, v]) => `${k}=${paramText(v)}`).join(",");
}

/** Only the parameters that tell members apart (those whose values differ between members), for compact labels. */
export function distinguishingKeys(members: readonly { params: Record<string, unknown> }[]): string[] {
  const keys = [...new Set(members.flatMap((m) => Object.keys(m.params)))];
  if (members.length < 2) return keys;
  return keys.filter((k) => new Set(members.map((m) => JSON.stringify(m.params[k]))).size > 1);
}
