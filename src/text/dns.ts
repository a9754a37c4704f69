/** DNS-1123 labels: what Kubernetes accepts as a name or label value of this kind, and how any text becomes one. */
import { shortHash } from "./hash";

/** RFC 1123 label, as Kubernetes' IsDNS1123Label: lower-case alphanumerics and '-', at most 63. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_LABEL = 63;

export function isDnsLabel(name: string): boolean {
  return name.length <= MAX_LABEL && DNS1123_LABEL.test(name);
}

/**
 * Any text as a fragment usable in a DNS-1123 label (and so in a Job name): lower case,
 * accents folded, every run of other characters turned into one `-`, no leading or
 * trailing `-`, at most `max` characters. Text with nothing usable left (say, only CJK)
 * becomes `x` plus a short hash of it, so it is never empty.
 */
export function toDnsLabel(text: string, max = MAX_LABEL): string {
  const limit = Math.max(1, Math.min(MAX_LABEL, max));
  let label = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!label) label = `x${shortHash(text, Math.min(8, limit - 1))}`;
  return label.slice(0, limit).replace(/-+$/, "");
}
