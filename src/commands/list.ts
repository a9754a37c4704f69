/** `jobx list`: the groups in a namespace (or all), with member counts and outcome. */
import { parseRecord } from "../group/record";
import { GroupTracker } from "../group/tracker";
import { listRecords, runOrFail } from "../kube/queries";
import { getPlan } from "../kube/plans";
import { parseObjects } from "../kube/results";
import type { JobLike } from "../group/member";
import { formatTable } from "../ui/table";
import { resolveTarget, type TargetOptions } from "./target";

export interface ListOptions extends TargetOptions {
  allNamespaces: boolean;
  output?: "text" | "json";
}

export async function runList(options: ListOptions): Promise<void> {
  const target = resolveTarget(options);
  const jobsPlan = getPlan(target, "jobs", { labels: "app.kubernetes.io/managed-by=jobx" }, "list jobx Jobs");
  if (options.allNamespaces) jobsPlan.args.push("--all-namespaces");
  const [records, jobs] = await Promise.all([listRecords(target, options.allNamespaces), runOrFail(jobsPlan).then((o) => parseObjects(o) as unknown as JobLike[])]);
  const rows = records.flatMap((cm) => {
    const record = parseRecord(cm as Parameters<typeof parseRecord>[0]);
    if (!record) return [];
    const ns = cm.metadata.namespace ?? "";
    const tracker = new GroupTracker(record);
    tracker.applyList(jobs.filter((j) => j.metadata.labels?.["jobx.dev/group"] === record.group && ((j.metadata as { namespace?: string }).namespace ?? "") === ns));
    const c = tracker.counts();
    const open = c.running + c.pending + c.suspended;
    const outcome = open > 0 ? "running" : c.failed > 0 ? "failed" : c.missing + c.vanished > 0 ? "incomplete" : "succeeded";
    return [{ namespace: ns, group: record.group, jobs: c.total, succeeded: c.succeeded, failed: c.failed, running: c.running + c.pending, outcome, appliedAt: record.appliedAt, template: record.template }];
  });
  if (options.output === "json") {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stderr.write(`No jobx groups found${options.allNamespaces ? "" : " in this namespace (try -A)"}.\n`);
    return;
  }
  const table = [
    [...(options.allNamespaces ? ["NAMESPACE"] : []), "GROUP", "JOBS", "SUCCEEDED", "FAILED", "RUNNING", "OUTCOME", "APPLIED", "TEMPLATE"],
    ...rows.map((r) => [...(options.allNamespaces ? [r.namespace] : []), r.group, String(r.jobs), String(r.succeeded), String(r.failed), String(r.running), r.outcome, r.appliedAt, r.template]),
  ];
  process.stdout.write(`${formatTable(table)}\n`);
}
