/**
 * Reading kubectl's answers: JSON output (parsed, never the human text), the names it
 * prints for each object it wrote (`-o name`), and the error lines it prints on stderr.
 *
 * kubectl words one error differently from several (K: staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go,
 * checkErr): a lone 422 is `The Job "x" is invalid: …`, several are each
 * `Error from server (Invalid): Job.batch "x" is invalid: …`; other API errors are
 * `Error from server (Reason): …`; errors that never reached the server (connection,
 * configuration) are `error: …`, `Unable to connect to the server: …` or
 * `The connection to the server … was refused …`. Every form is read here.
 */

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    managedFields?: { manager?: string; operation?: string; time?: string; subresource?: string }[];
    creationTimestamp?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
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

/** The names `-o name` printed (`job.batch/x`, `job.batch/x serverside-applied`): the objects kubectl wrote. */
export function parseWrittenNames(stdout: string): Set<string> {
  const names = new Set<string>();
  for (const line of stdout.split("\n")) {
    const match = /^[a-z0-9.-]+\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)(?:\s|$)/.exec(line.trim());
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

export interface ObjectError {
  /** The object's name when kubectl's message names it. */
  name?: string;
  /** The Status reason: Invalid, Forbidden, AlreadyExists, Conflict, TooManyRequests, …; undefined when the server gave none. */
  reason?: string;
  message: string;
  /** Whether the message came from the API server (`Error from server`, `The X "y" is invalid`) rather than from kubectl itself. */
  fromServer: boolean;
}

// `jobs.batch "x"`, `Job.batch "x"`, `configmaps "g"`, `The Job "x"`: a resource or kind word, then the quoted name.
const NAMED = /(?:^|[\s(:])[A-Za-z][A-Za-z0-9]*(?:\.[a-z0-9.-]+)? "([a-z0-9]([-a-z0-9.]*[a-z0-9])?)"/;

function named(message: string): string | undefined {
  return NAMED.exec(message)?.[1] ?? /name: "([^"]+)"/.exec(message)?.[1];
}

/** Every error kubectl printed, each with the object it names (if any) and its reason. */
export function parseErrors(stderr: string): ObjectError[] {
  const errors: ObjectError[] = [];
  const push = (message: string, reason: string | undefined, fromServer: boolean) => {
    const name = named(message);
    const error: ObjectError = { message, fromServer };
    if (name !== undefined) error.name = name;
    if (reason !== undefined) error.reason = reason;
    errors.push(error);
  };
  for (const line of stderr.split("\n")) {
    const text = line.trim();
    if (!text) continue;
    const server = /^Error from server(?: \(([A-Za-z]+)\))?: (.*)$/.exec(text);
    if (server) {
      push(server[2] ?? "", server[1], true);
      continue;
    }
    const invalid = /^The ([A-Za-z]+ "[^"]*"|request) is invalid(?::\s*(.*))?$/.exec(text);
    if (invalid) {
      push(text, "Invalid", true);
      continue;
    }
    const local = /^(?:error: |Unable to connect to the server: |The connection to the server )(.*)$/.exec(text);
    if (local) {
      push(text.startsWith("error: ") ? (local[1] ?? "") : text, undefined, false);
      continue;
    }
    if (/^(Warning|W\d{4} |I\d{4} )/.test(text)) continue; // client-go warnings and klog lines are not errors
    // A continuation of the previous message (kubectl lists an Invalid's causes on lines of their own).
    const last = errors[errors.length - 1];
    if (last) last.message += `\n${text}`;
    else push(text, undefined, false);
  }
  return errors;
}

/** Refusals of the request itself: sending it again cannot help (400, 403, 404, 409, 422, 401). */
const PERMANENT_REASONS = new Set(["BadRequest", "Invalid", "Forbidden", "NotFound", "AlreadyExists", "Conflict", "Unauthorized", "MethodNotAllowed", "NotAcceptable", "UnsupportedMediaType", "RequestEntityTooLarge", "Gone", "Expired"]);
/** The server was busy or briefly away: the same request may succeed later (429, 5xx, timeouts). */
const TRANSIENT_REASONS = new Set(["TooManyRequests", "InternalError", "ServiceUnavailable", "Timeout", "ServerTimeout"]);
/** Connection trouble that kubectl reports in its own words. */
const TRANSIENT_TEXT = /connection refused|connection to the server .* was refused|connection reset|broken pipe|i\/o timeout|TLS handshake timeout|unexpected EOF|\bEOF\b|the server is currently unable|Too many requests|http2: (server sent GOAWAY|client connection lost)|context deadline exceeded|no route to host|net\/http: request canceled/i;

/**
 * Whether sending the same request again may help: the server was busy or briefly away
 * (429, 5xx, connection trouble, timeouts). Permanent refusals (400, 403 quota and RBAC,
 * 404, 409, 422) are never retried.
 */
export function isTransient(error: ObjectError): boolean {
  if (error.reason !== undefined && PERMANENT_REASONS.has(error.reason)) return false;
  if (error.reason !== undefined && TRANSIENT_REASONS.has(error.reason)) return true;
  return TRANSIENT_TEXT.test(error.message);
}

export function isImmutable(error: ObjectError): boolean {
  return error.reason === "Invalid" && /field is immutable/.test(error.message);
}

export function isQuota(error: ObjectError): boolean {
  return error.reason === "Forbidden" && /exceeded quota/.test(error.message);
}

export function isAlreadyExists(error: ObjectError): boolean {
  return error.reason === "AlreadyExists";
}
