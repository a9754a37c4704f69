/** The labels and annotation that make a Job a member of a jobx group. */
import { decimal } from "../text/decimal";

export const LABEL = {
  managedBy: "app.kubernetes.io/managed-by",
  group: "jobx.dev/group",
  item: "jobx.dev/item",
} as const;

export const ANNOTATION = {
  /** The row's parameters as JSON, so status, logs and reports can say which item is which. */
  params: "jobx.dev/params",
  /** A hash of the Job as jobx submitted it, so a re-apply can tell an unchanged Job without sending it. */
  specHash: "jobx.dev/spec-hash",
  /** On a Job made by `jobx retry`: the Job it runs again. */
  retryOf: "jobx.dev/retry-of",
} as const;

export const MANAGED_BY = "jobx";
/** Keys under this prefix belong to jobx; templates may not set them. */
export const JOBX_PREFIX = "jobx.dev/";

/** The label selector that finds a group's Jobs and pods, and nothing else. */
export function groupSelector(group: string): string {
  return `${LABEL.managedBy}=${MANAGED_BY},${LABEL.group}=${group}`;
}

export function groupLabels(group: string, index: number): Record<string, string> {
  return { [LABEL.managedBy]: MANAGED_BY, [LABEL.group]: group, [LABEL.item]: decimal(index) };
}
