/**
 * `apply --dry-run=client`: what would be submitted, and nothing sent. As kubectl's own
 * client dry run, the objects are printed (the record first, then every Job, as YAML);
 * `--show-plan` prints the kubectl commands jobx would run instead.
 */
import { recordConfigMaps, type GroupRecord } from "../group/record";
import { applyPlan, createPlan, deleteExactPlan, getPlan, objectPath, showPlan } from "../kube/plans";
import { groupSelector } from "../manifest/labels";
import { dumpDocument } from "../manifest/yaml";
import { shortHash } from "../text/hash";
import { counted } from "../text/plural";
import { VERSION } from "../version";
import type { Expansion } from "./expansion";
import { note, type Session } from "./session";
import { desiredObjects, type SubmitOptions } from "./submit";

export async function clientDryRun(session: Session, expansion: Expansion, options: { batchSize: number; showPlan: boolean; pack?: SubmitOptions["pack"] }): Promise<void> {
  const { group } = expansion;
  const target = session.cluster.target;
  const want = desiredObjects(expansion, target.namespace, options.pack);
  const jobs = want.jobs;
  const record: GroupRecord = {
    group,
    template: expansion.source.name,
    templateHash: shortHash(expansion.source.text, 16),
    appliedAt: new Date(session.now()).toISOString(),
    appliedBy: session.user,
    jobxVersion: VERSION,
    ...(want.pack ? { pack: want.pack } : {}),
    members: want.members,
  };
  const { main: cm, parts } = recordConfigMaps(record);
  if (target.namespace) for (const o of [cm, ...parts]) (o.metadata as { namespace?: string }).namespace = target.namespace;
  const out = session.streams.stdout;
  if (!options.showPlan) {
    for (const object of [cm, ...parts, ...want.configMaps, ...jobs]) out.write(`---\n${dumpDocument(object)}`);
    const what = options.pack ? `${counted(jobs.length, "packed Job")} for ${counted(want.items, "item")}` : counted(jobs.length, "Job");
    note(session, `--dry-run=client: nothing was sent; group ${group}: its record and ${what}, each owned by the record once submitted (--show-plan prints the kubectl commands)`);
    return;
  }
  const batches = Math.ceil(jobs.length / options.batchSize);
  const lines = [
    `# jobx apply --dry-run=client --show-plan: nothing was sent. The plan for group ${group}:`,
    `# 1. check what stands in the way: the record's name and the Jobs' names`,
    showPlan(getPlan(target, "configmap", { names: [group] }, "")),
    showPlan(getPlan(target, "jobs", {}, "")),
    `# 2. write the group record (ConfigMap ${group}): created, or applied with its uid when it is the group's`,
    showPlan(createPlan(target, [cm], { purpose: "", output: "json" })),
    `# 3. create the ${jobs.length} Jobs that do not exist, each owned by the record, in ${batches} batch${batches === 1 ? "" : "es"} of up to ${options.batchSize}:`,
    showPlan(createPlan(target, jobs, { purpose: "" })),
    "#    and apply those of the group's own Jobs that changed (unchanged ones are left alone):",
    showPlan(applyPlan(target, jobs, { purpose: "" })),
    "# Jobs:",
    ...jobs.map((j) => `job.batch/${j.metadata.name}`),
    `# afterwards: jobx status ${group}   jobx wait ${group}   jobx delete ${group}`,
    `# (delete deletes the record only if it is still the same one; the garbage collector then deletes the Jobs it owns:`,
    `#  ${showPlan(deleteExactPlan(target, objectPath("configmaps", target.namespace ?? "NAMESPACE", group), "RECORD-UID", "Foreground", ""))})`,
    `# the group's Jobs and pods carry the labels ${groupSelector(group)}`,
  ];
  out.write(`${lines.join("\n")}\n`);
}
