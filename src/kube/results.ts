/**
 * Reading kubectl's answers: JSON output (parsed, never the human text) and the
 * per-object error lines kubectl prints on stderr while it carries on with the others.
 */

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** Parses stdout that holds one JSON value, several concatenated, or a List; returns the objects. */
export function parseObjects(stdout: string): KubeObject[] {
  const objects: KubeObject[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < stdout.length; i++) {
    const c = stdout[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}") {
      depth--;
      if (depth === 0 && start >= 0) {
        const value = JSON.parse(stdout.slice(start, i + 1)) as KubeObject & { items?: KubeObject[] };
        if (value.kind === "List" || (Array.isArray(value.items) && value.kind?.endsWith("List"))) objects.push(...(value.items ?? []));
        else objects.push(value);
        start = -1;
      }
    }
  }
  return objects;
}

export interface ObjectError {
  /** The object's name when kubectl's message names it. */
  name?: string;
  /** The Status reason kubectl shows: Invalid, Forbidden, TooManyRequests, … */
  reason?: string;
  message: string;
}

/** kubectl prints `Error from server (Reason): message` for each refused object. */
export function parseErrors(stderr: string): ObjectError[] {
  const errors: ObjectError[] = [];
  for (const line of stderr.split("\n")) {
    const text = line.trim();
    if (!text) continue;
    const server = /^Error from server(?: \(([A-Za-z]+)\))?: (.*)$/.exec(text);
    const other = server ? undefined : /^error: (.*)$/.exec(text);
    if (!server && !other) {
      // A continuation of the previous message (kubectl wraps field lists).
      const last = errors[errors.length - 1];
      if (last) last.message += `\n${text}`;
      continue;
    }
    const message = server ? (server[2] ?? "") : (other?.[1] ?? text);
    const name = /(?:^|[ (])(?:[A-Za-z]+\.)?[a-z]+(?:\.[a-z.]+)? "([a-z0-9]([-a-z0-9.]*[a-z0-9])?)"/.exec(message)?.[1] ?? /name: "([^"]+)"/.exec(message)?.[1];
    errors.push(name === undefined ? { reason: server?.[1], message } : { name, reason: server?.[1], message });
  }
  return errors;
}

/** Errors worth sending the same objects again for: the server was busy or briefly away. */
export function isRetryable(error: ObjectError): boolean {
  return (
    error.reason === "TooManyRequests" ||
    error.reason === "InternalError" ||
    error.reason === "ServiceUnavailable" ||
    error.reason === "Timeout" ||
    error.reason === "ServerTimeout" ||
    /connection refused|i\/o timeout|EOF|the server is currently unable|Too many requests|TLS handshake timeout/i.test(error.message)
  );
}

export function isImmutable(error: ObjectError): boolean {
  return error.reason === "Invalid" && /field is immutable/.test(error.message);
}

export function isQuota(error: ObjectError): boolean {
  return error.reason === "Forbidden" && /exceeded quota/.test(error.message);
}
