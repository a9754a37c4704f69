/**
 * metav1.Status bodies, shaped as the apiserver sends them
 * (K: staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go,
 *  staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go).
 */
import type { Obj } from "./util";

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    public readonly code: number,
    public readonly reason: string,
    message: string,
    public readonly details?: StatusDetails,
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toStatus(): Obj {
    const body: Obj = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
    };
    if (this.details !== undefined) body.details = this.details;
    body.code = this.code;
    return body;
  }
}

/** "jobs.batch" or "pods": the qualified resource the apiserver names in messages. */
export function qualified(resource: string, group: string): string {
  return group === "" ? resource : `${resource}.${group}`;
}

export function notFound(resource: string, group: string, name: string): ApiError {
  return new ApiError(404, "NotFound", `${qualified(resource, group)} "${name}" not found`, {
    name,
    group,
    kind: resource,
  });
}

export function alreadyExists(resource: string, group: string, name: string): ApiError {
  return new ApiError(409, "AlreadyExists", `${qualified(resource, group)} "${name}" already exists`, {
    name,
    group,
    kind: resource,
  });
}

export function conflict(resource: string, group: string, name: string, why: string): ApiError {
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": ${why}`,
    { name, group, kind: resource },
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

export function forbidden(message: string, details?: StatusDetails): ApiError {
  return new ApiError(403, "Forbidden", message, details);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

export function unsupportedMediaType(type: string): ApiError {
  return new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${type})`);
}

export interface FieldError {
  /** field.ErrorType reason, e.g. FieldValueInvalid, FieldValueRequired */
  type: "FieldValueInvalid" | "FieldValueRequired" | "FieldValueNotSupported" | "FieldValueForbidden" | "FieldValueDuplicate" | "FieldValueTooLong";
  field: string;
  /** the full per-field message, e.g. `Invalid value: "x": must be ...` */
  detail: string;
}

/** 422 with causes; kubectl prints `The Job "x" is invalid: <field>: <message>`. */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): ApiError {
  const causes = errors.map((e) => ({ reason: e.type, message: e.detail, field: e.field }));
  const summary = errors.map((e) => `${e.field}: ${e.detail}`);
  const joined = summary.length === 1 ? summary[0] : `[${summary.join(", ")}]`;
  return new ApiError(422, "Invalid", `${kind}${group ? `.${group}` : ""} "${name}" is invalid: ${joined}`, {
    name,
    group,
    kind,
    causes,
  });
}

export function tooManyRequests(retryAfterSeconds?: number): ApiError {
  const headers: Record<string, string> = {};
  const details: StatusDetails = {};
  if (retryAfterSeconds !== undefined) {
    headers["Retry-After"] = String(retryAfterSeconds);
    details.retryAfterSeconds = retryAfterSeconds;
  }
  return new ApiError(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later", details, headers);
}

export function serverError(code: number, retryAfterSeconds?: number): ApiError {
  const headers: Record<string, string> = {};
  const details: StatusDetails = {};
  if (retryAfterSeconds !== undefined) {
    headers["Retry-After"] = String(retryAfterSeconds);
    details.retryAfterSeconds = retryAfterSeconds;
  }
  const reason = code === 503 ? "ServiceUnavailable" : code === 504 ? "Timeout" : "InternalError";
  const message =
    code === 503
      ? "the server is currently unable to handle the request"
      : code === 504
        ? "the server was unable to return a response in the time allotted, but may still be processing the request"
        : "an error on the server (\"\") has prevented the request from succeeding";
  return new ApiError(code, reason, message, details, headers);
}

export function expired(message: string): ApiError {
  return new ApiError(410, "Expired", message);
}

export function successStatus(name: string, group: string, kind: string, uid: string): Obj {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name, group, kind, uid },
  };
}
