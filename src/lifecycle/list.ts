/** The groups of a namespace (or of all), each with its counts and its state by the one rule. */
import { jobStanding } from "../group/ownership";
import { parseRecord, recordFromJobs, recordPartCount, type GroupRecord } from "../group/record";
import { GroupTracker } from "../group/tracker";
import type { GroupPhase } from "../group/outcome";
import { listJobs, listRecords, recordParts } from "../kube/queries";
import { LABEL, MANAGED_BY } from "../manifest/labels";
import type { EventLike, JobLike } from "../group/member";
import { namespaceEvents, refreshTracker } from "./snapshot";
import type { Session } from "./session";

export interface GroupRow {
  namespace: string;
  group: string;
  jobs: number;
  succeeded: number;
  failed: number;
  running: number;
  suspended: number;
  missing: number;
  state: GroupPhase;
  appliedAt: string;
  appliedBy: string;
  template: string;
}

export async function listGroups(session: Session, options: { allNamespaces: boolean }): Promise<GroupRow[]> {
  const { cluster } = session;
  const [records, jobs] = await Promise.all([
    listRecords(cluster, options.allNamespaces),
    listJobs(cluster, { labels: `${LABEL.managedBy}=${MANAGED_BY}`, allNamespaces: options.allNamespaces, purpose: "list jobx Jobs" }),
  ]);
  const rows: GroupRow[] = [];
  // Events are read once per namespace, and only for groups with members gone from the cluster.
  const events = new Map<string, Promise<EventLike[]>>();
  const eventsOf = (ns: string) => {
    if (!events.has(ns)) events.set(ns, namespaceEvents(cluster, options.allNamespaces ? ns : undefined));
    return events.get(ns) as Promise<EventLike[]>;
  };
  // Groups without a record (manifests from `jobx expand` applied by hand): their Jobs carry the labels and no owner.
  const recorded = new Set(records.map((cm) => `${cm.metadata.namespace ?? ""}/${cm.metadata.labels?.[LABEL.group] ?? ""}`));
  const unrecorded = new Map<string, { namespace: string; record: GroupRecord }>();
  for (const [key, members] of groupBy(jobs, (j) => `${j.metadata.namespace ?? ""}/${j.metadata.labels?.[LABEL.group] ?? ""}`)) {
    const group = members[0]?.metadata.labels?.[LABEL.group];
    if (recorded.has(key) || !group) continue;
    const own = members.filter((j) => jobStanding(j, group, undefined).kind === "unowned");
    if (own.length > 0) unrecorded.set(key, { namespace: members[0]?.metadata.namespace ?? "", record: recordFromJobs(group, own) });
  }
  // Large records keep their members in parts: read them all at once, only when some record has any.
  const parts = records.some((cm) => recordPartCount(cm as { data?: Record<string, string> }) > 0) ? await recordParts(cluster, "", options.allNamespaces) : [];
  const partsOf = (cm: (typeof records)[number]) => parts.filter((p) => p.metadata.namespace === cm.metadata.namespace && p.metadata.labels?.[LABEL.group] === cm.metadata.labels?.[LABEL.group]);
  const all = [
    ...records.flatMap((cm) => {
      const record = parseRecord(cm as Parameters<typeof parseRecord>[0], undefined, partsOf(cm) as Parameters<typeof parseRecord>[2]);
      return record ? [{ namespace: cm.metadata.namespace ?? "", record }] : [];
    }),
    ...unrecorded.values(),
  ];
  for (const { namespace: ns, record } of all) {
    const tracker = new GroupTracker(record);
    const members = jobs.filter((j: JobLike & { metadata: { namespace?: string } }) => j.metadata.labels?.[LABEL.group] === record.group && (j.metadata.namespace ?? "") === ns);
    // The same refresh as status and wait: members gone by TTL take their outcome from the events.
    await refreshTracker(cluster, tracker, members, () => eventsOf(ns));
    const c = tracker.counts();
    rows.push({
      namespace: ns,
      group: record.group,
      jobs: c.total,
      succeeded: c.succeeded,
      failed: c.failed,
      running: c.running + c.pending,
      suspended: c.suspended,
      missing: c.missing + c.vanished,
      state: tracker.outcome().phase,
      appliedAt: record.appliedAt,
      appliedBy: record.appliedBy,
      template: record.template,
    });
  }
  return rows;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
