/**
 * The API server's part for Jobs: defaulting, generated selector and labels, validation,
 * immutability, apply/create semantics, server dry run and strict field validation.
 *
 * Upstream truth:
 * - K: pkg/apis/batch/v1/defaults.go — completions/parallelism 1 when both unset,
 *   backoffLimit 6, completionMode NonIndexed, suspend false.
 * - K: pkg/registry/batch/job/strategy.go — generateSelector: template labels
 *   controller-uid, batch.kubernetes.io/controller-uid, job-name, batch.kubernetes.io/job-name;
 *   selector matchLabels {batch.kubernetes.io/controller-uid: UID}; generation 1.
 * - K: pkg/apis/batch/validation/validation.go — restartPolicy NotSupported (OnFailure, Never),
 *   the job-name label value must be a valid label value (63 characters at most), template
 *   and completionMode immutable ("field is immutable").
 * - K: staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go — "must be no more
 *   than 63 characters".
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go — 422 printed as
 *   `The Job "x" is invalid: ...`; other errors as `Error from server (Reason): ...`.
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go — "unchanged" when the patch is empty.
 * - K: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager + strict decoding:
 *   `strict decoding error: unknown field "spec.x"` under fieldValidation=Strict (kubectl's
 *   default --validate=strict).
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/create/create.go — "(server dry run)" suffix.
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go — server-side apply prints
 *   "serverside-applied"; K: .../cmd/patch/patch.go — "patched", "patched (no change)".
 * - K: pkg/registry/batch/job/strategy.go — PrepareForUpdate bumps generation on spec changes;
 *   parallelism mutable, completions immutable for NonIndexed jobs.
 * - K: staging/src/k8s.io/apimachinery/pkg/labels/selector.go — equality and set-based
 *   selectors (in, notin, !key, key); K: pkg/registry/batch/job/strategy.go
 *   JobToSelectableFields — field selectors metadata.name, metadata.namespace, status.successful.
 * - validation.go validateJob — an Indexed job's `<name>-<completions-1>` must be a DNS label:
 *   `will not able to create pod with invalid DNS label: <name>-<n>`.
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go — client-side apply stores
 *   kubectl.kubernetes.io/last-applied-configuration and prints "configured" on a change.
 * - K: staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go —
 *   `Apply failed with 1 conflict: conflict with "<manager>" ...: .spec.parallelism`;
 *   --force-conflicts takes the field over.
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/create/create_job.go — container named after the
 *   job, restartPolicy Never; sent through the typed (protobuf) client.
 * - K: staging/src/k8s.io/apiserver/pkg/storage/cacher + etcd3 store — limit/continue paging
 *   (kubectl get --chunk-size).
 * - K: staging/src/k8s.io/apiserver/pkg/storage/names/generate.go — generateName + 5 chars.
 * - K: plugin/pkg/admission/namespace/lifecycle/admission.go — creates in a missing namespace
 *   are NotFound `namespaces "x" not found`.
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go — "No resources found" when a
 *   selector matches nothing (exit 0); NotFound for a named object.
 */
import { describe, expect, it } from "vitest";
import { useCluster } from "../../cluster/index";
import { missingClients, skipWithoutClient } from "../kubectl-clients";
import { VERSIONS, getJob, jobManifest, kubectlOk, listJobs, manifestInput, mustGetJob, uniqueName, type Job, type List } from "./helpers";

// Each block needs the kubectl of its minor: the dispatcher picks it from /version; a
// stock kubectl runs one client for every server, so the other minors are skipped.
const missing = await missingClients(VERSIONS);

describe.each(VERSIONS)("API server for Jobs with kubectl 1.%i", (minor) => {
  if (skipWithoutClient(missing, minor)) return;
  const cluster = useCluster({ minorVersion: minor, timeScale: 0.01 });

  // /version picks the client (K: staging/src/k8s.io/client-go/discovery/discovery_client.go ServerVersion).
  it("the dispatcher runs the kubectl matching the server's /version", async () => {
    const out = await kubectlOk(cluster(), ["version", "-o", "json"]);
    const v = JSON.parse(out) as { clientVersion?: { minor?: string }; serverVersion?: { major?: string; minor?: string } };
    expect(v.serverVersion?.major).toBe("1");
    expect(v.serverVersion?.minor).toBe(String(minor));
    // Client builds may carry a suffix ("32+"), so compare the number.
    expect(Number.parseInt(v.clientVersion?.minor ?? "", 10)).toBe(minor);
  });

  // K: pkg/apis/batch/v1/defaults.go; K: pkg/registry/batch/job/strategy.go generateSelector.
  it("defaults, generated selector and the controller-uid / job-name labels", async () => {
    const name = uniqueName("defaults");
    const out = await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name)));
    expect(out.trim()).toBe(`job.batch/${name} created`);
    const job = await mustGetJob(cluster(), name);
    const uid = job.metadata.uid;
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(job.metadata.generation).toBe(1);
    expect(job.spec.backoffLimit).toBe(6);
    expect(job.spec.completionMode).toBe("NonIndexed");
    expect(job.spec.parallelism).toBe(1);
    expect(job.spec.completions).toBe(1);
    expect(job.spec.suspend).toBe(false);
    expect(job.spec.selector).toEqual({ matchLabels: { "batch.kubernetes.io/controller-uid": uid } });
    expect(job.spec.template.metadata?.labels).toMatchObject({
      "controller-uid": uid,
      "batch.kubernetes.io/controller-uid": uid,
      "job-name": name,
      "batch.kubernetes.io/job-name": name,
    });
  });

  // K: pkg/apis/batch/validation/validation.go (job-name label value); apimachinery IsValidLabelValue.
  it("a name longer than 63 characters is refused with 422 (the job-name label)", async () => {
    const name = `long-${"x".repeat(59)}`;
    expect(name.length).toBe(64);
    const r = await cluster().kubectl(["create", "-f", "-"], { input: manifestInput(jobManifest(name)) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`The Job "${name}" is invalid`);
    expect(r.stderr).toContain("must be no more than 63 characters");
    expect(await getJob(cluster(), name)).toBeUndefined();
  });

  // K: pkg/apis/batch/validation/validation.go validateJobSpec (NotSupported: OnFailure, Never).
  // K: pkg/apis/batch/validation/validation.go validateJobSpec (Always or empty: Required).
  it("restartPolicy Always is refused with 422", async () => {
    const name = uniqueName("always");
    const r = await cluster().kubectl(["create", "-f", "-"], { input: manifestInput(jobManifest(name, { restartPolicy: "Always" })) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`The Job "${name}" is invalid`);
    expect(r.stderr).toContain(`spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`);
    expect(await getJob(cluster(), name)).toBeUndefined();
  });

  // K: staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go; validation.go ValidateJobSpecUpdate (template immutable).
  it("kubectl apply twice: created, then unchanged; a changed pod template is immutable", async () => {
    const name = uniqueName("apply");
    const manifest = jobManifest(name, { suspend: true });
    const first = await kubectlOk(cluster(), ["apply", "-f", "-"], manifestInput(manifest));
    expect(first.trim()).toBe(`job.batch/${name} created`);
    const second = await kubectlOk(cluster(), ["apply", "-f", "-"], manifestInput(manifest));
    expect(second.trim()).toBe(`job.batch/${name} unchanged`);

    const changed = jobManifest(name, { suspend: true, image: "busybox:1.37" });
    const r = await cluster().kubectl(["apply", "-f", "-"], { input: manifestInput(changed) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`The Job "${name}" is invalid`);
    expect(r.stderr).toContain("field is immutable");
    const job = await mustGetJob(cluster(), name);
    expect(job.spec.template.spec.containers[0]?.image).toBe("busybox:1.36");
    expect(job.metadata.generation).toBe(1);
  });

  // K: staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go NewAlreadyExists.
  it("kubectl create of an existing Job: AlreadyExists", async () => {
    const name = uniqueName("exists");
    const input = manifestInput(jobManifest(name, { suspend: true }));
    await kubectlOk(cluster(), ["create", "-f", "-"], input);
    const r = await cluster().kubectl(["create", "-f", "-"], { input });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Error from server (AlreadyExists)");
    expect(r.stderr).toContain(`jobs.batch "${name}" already exists`);
  });

  // K: staging/src/k8s.io/kubectl/pkg/cmd/create/create.go; apiserver dryRun=All stores nothing.
  it("--dry-run=server answers as if created and stores nothing", async () => {
    const name = uniqueName("dryrun");
    const out = await kubectlOk(cluster(), ["create", "--dry-run=server", "-f", "-"], manifestInput(jobManifest(name)));
    expect(out.trim()).toBe(`job.batch/${name} created (server dry run)`);
    const applied = await kubectlOk(cluster(), ["apply", "--dry-run=server", "-f", "-"], manifestInput(jobManifest(name)));
    expect(applied.trim()).toBe(`job.batch/${name} created (server dry run)`);
    expect(await getJob(cluster(), name)).toBeUndefined();
    const pods = await cluster().kubectl(["get", "pods", "-l", `job-name=${name}`, "-o", "name"]);
    expect(pods.stdout.trim()).toBe("");
  });

  // K: staging/src/k8s.io/apimachinery/pkg/runtime/serializer/json strict decoding; kubectl --validate=strict.
  it("an unknown field under the default (strict) validation: error `unknown field`", async () => {
    const name = uniqueName("unknown");
    const manifest = jobManifest(name) as unknown as { spec: Record<string, unknown> };
    manifest.spec.foo = 1;
    const r = await cluster().kubectl(["create", "-f", "-"], { input: JSON.stringify(manifest) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('unknown field "spec.foo"');
    expect(await getJob(cluster(), name)).toBeUndefined();
  });

  // K: staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go ("serverside-applied").
  it("kubectl apply --server-side creates, then re-applies: serverside-applied", async () => {
    const name = uniqueName("ssa");
    const input = manifestInput(jobManifest(name, { suspend: true }));
    const first = await kubectlOk(cluster(), ["apply", "--server-side", "-f", "-"], input);
    expect(first.trim()).toBe(`job.batch/${name} serverside-applied`);
    const second = await kubectlOk(cluster(), ["apply", "--server-side", "-f", "-"], input);
    expect(second.trim()).toBe(`job.batch/${name} serverside-applied`);
    const job = await mustGetJob(cluster(), name);
    expect(job.metadata.generation).toBe(1);
    expect(job.spec.suspend).toBe(true);
  });

  // K: pkg/registry/batch/job/strategy.go PrepareForUpdate; validation.go ValidateJobSpecUpdate.
  it("patch: parallelism is mutable (generation 2), completions of a NonIndexed job is not", async () => {
    const name = uniqueName("patch");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { suspend: true, completions: 4, parallelism: 1 })));
    const out = await kubectlOk(cluster(), ["patch", "job", name, "--type", "merge", "-p", '{"spec":{"parallelism":2}}']);
    expect(out.trim()).toBe(`job.batch/${name} patched`);
    const again = await kubectlOk(cluster(), ["patch", "job", name, "--type", "merge", "-p", '{"spec":{"parallelism":2}}']);
    expect(again.trim()).toBe(`job.batch/${name} patched (no change)`);
    const job = await mustGetJob(cluster(), name);
    expect(job.spec.parallelism).toBe(2);
    expect(job.metadata.generation).toBe(2);

    const r = await cluster().kubectl(["patch", "job", name, "--type", "merge", "-p", '{"spec":{"completions":5}}']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`The Job "${name}" is invalid`);
    expect(r.stderr).toContain("spec.completions");
    expect(r.stderr).toContain("field is immutable");
    expect((await mustGetJob(cluster(), name)).spec.completions).toBe(4);
  });

  // K: staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go.
  it("delete: a missing job is NotFound (exit 1); a selector matching nothing says No resources found (exit 0)", async () => {
    const missing = uniqueName("missing");
    const r = await cluster().kubectl(["delete", "job", missing]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`Error from server (NotFound): jobs.batch "${missing}" not found`);
    const none = await cluster().kubectl(["delete", "job", "-l", "group=matches-nothing"]);
    expect(none.exitCode).toBe(0);
    expect(`${none.stdout}${none.stderr}`).toContain("No resources found");
  });

  // K: staging/src/k8s.io/apimachinery/pkg/labels/selector.go.
  it("label selectors: equality, inequality, set-based and existence on jobs", async () => {
    const group = uniqueName("sel");
    const a = uniqueName("sela");
    const b = uniqueName("selb");
    const c = uniqueName("selc");
    await kubectlOk(
      cluster(),
      ["create", "-f", "-"],
      manifestInput(
        jobManifest(a, { suspend: true, labels: { group, tier: "x" } }),
        jobManifest(b, { suspend: true, labels: { group, tier: "y" } }),
        jobManifest(c, { suspend: true, labels: { group } }),
      ),
    );
    const names = async (selector: string): Promise<string[]> => (await listJobs(cluster(), selector)).map((j) => j.metadata.name).sort();
    expect(await names(`group=${group}`)).toEqual([a, b, c].sort());
    expect(await names(`group=${group},tier=x`)).toEqual([a]);
    expect(await names(`group=${group},tier!=x`)).toEqual([b, c].sort());
    expect(await names(`group=${group},tier in (x,y)`)).toEqual([a, b].sort());
    expect(await names(`group=${group},tier notin (x)`)).toEqual([b, c].sort());
    expect(await names(`group=${group},tier`)).toEqual([a, b].sort());
    expect(await names(`group=${group},!tier`)).toEqual([c]);
  });

  // K: pkg/registry/batch/job/strategy.go SelectableFields (status.successful).
  it("field selectors on jobs: metadata.name and status.successful", async () => {
    const done = uniqueName("fsdone");
    const idle = uniqueName("fsidle");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(done, { labels: { fs: done } }), jobManifest(idle, { suspend: true, labels: { fs: done } })));
    const byName = JSON.parse(await kubectlOk(cluster(), ["get", "jobs", "--field-selector", `metadata.name=${idle}`, "-o", "json"])) as List<Job>;
    expect(byName.items.map((j) => j.metadata.name)).toEqual([idle]);
    const deadline = Date.now() + 20_000;
    let successful: string[] = [];
    while (Date.now() < deadline) {
      const list = JSON.parse(await kubectlOk(cluster(), ["get", "jobs", "-l", `fs=${done}`, "--field-selector", "status.successful=1", "-o", "json"])) as List<Job>;
      successful = list.items.map((j) => j.metadata.name);
      if (successful.length > 0) break;
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(successful).toEqual([done]);
  }, 30_000);

  // K: staging/src/k8s.io/apiserver/pkg/storage/names/generate.go.
  it("generateName: the server appends 5 characters", async () => {
    const manifest = jobManifest("", { suspend: true }) as unknown as { metadata: Record<string, unknown> };
    delete manifest.metadata.name;
    manifest.metadata.generateName = "gen-";
    const out = await kubectlOk(cluster(), ["create", "-f", "-"], JSON.stringify(manifest));
    const m = /^job\.batch\/(gen-[bcdfghjklmnpqrstvwxz2456789]{5}) created$/.exec(out.trim());
    expect(m, out).not.toBeNull();
    const job = await mustGetJob(cluster(), m?.[1] ?? "");
    expect(job.metadata.generateName).toBe("gen-");
    expect(job.spec.template.metadata?.labels?.["job-name"]).toBe(m?.[1]);
  });

  // K: plugin/pkg/admission/namespace/lifecycle/admission.go.
  it("namespaces: a create in a missing namespace is NotFound; jobs live in their namespace", async () => {
    const missing = uniqueName("nsmissing");
    const name = uniqueName("nsjob");
    const r = await cluster().kubectl(["create", "-n", missing, "-f", "-"], { input: manifestInput(jobManifest(name, { suspend: true })) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Error from server (NotFound)");
    expect(r.stderr).toContain(`namespaces "${missing}" not found`);

    const ns = uniqueName("ns");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }));
    await kubectlOk(cluster(), ["create", "-n", ns, "-f", "-"], manifestInput(jobManifest(name, { suspend: true })));
    expect(await getJob(cluster(), name), "not in the default namespace").toBeUndefined();
    const inNs = JSON.parse(await kubectlOk(cluster(), ["get", "job", name, "-n", ns, "-o", "json"])) as Job;
    expect(inNs.metadata.namespace).toBe(ns);
    const all = JSON.parse(await kubectlOk(cluster(), ["get", "jobs", "-A", "-o", "json"])) as List<Job>;
    expect(all.items.some((j) => j.metadata.name === name && j.metadata.namespace === ns)).toBe(true);
  });

  // K: pkg/apis/batch/validation/validation.go validateJob (maximumPodHostname).
  it("Indexed: <name>-<completions-1> must be a DNS label (61 characters + 10 completions fits, + 11 does not)", async () => {
    const base = `idx-${"y".repeat(57)}`;
    expect(base.length).toBe(61);
    const fits = await cluster().kubectl(["create", "-f", "-"], {
      input: manifestInput(jobManifest(base, { suspend: true, completions: 10, completionMode: "Indexed" })),
    });
    expect(fits.exitCode, fits.stderr).toBe(0);
    const name = `idz-${"y".repeat(57)}`;
    const r = await cluster().kubectl(["create", "-f", "-"], {
      input: manifestInput(jobManifest(name, { suspend: true, completions: 11, completionMode: "Indexed" })),
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`The Job "${name}" is invalid`);
    expect(r.stderr).toContain(`will not able to create pod with invalid DNS label: ${name}-10`);
  });

  // K: staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go, patcher.go.
  it("client-side apply: last-applied-configuration annotation; a changed mutable field is \"configured\"", async () => {
    const name = uniqueName("applycfg");
    await kubectlOk(cluster(), ["apply", "-f", "-"], manifestInput(jobManifest(name, { suspend: true, completions: 3, parallelism: 1 })));
    const job = await mustGetJob(cluster(), name);
    const lastApplied = job.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"];
    expect(lastApplied, "last-applied-configuration annotation").toBeDefined();
    expect((JSON.parse(lastApplied ?? "{}") as Job).spec.parallelism).toBe(1);
    const out = await kubectlOk(cluster(), ["apply", "-f", "-"], manifestInput(jobManifest(name, { suspend: true, completions: 3, parallelism: 2 })));
    expect(out.trim()).toBe(`job.batch/${name} configured`);
    const after = await mustGetJob(cluster(), name);
    expect(after.spec.parallelism).toBe(2);
    expect(after.metadata.generation).toBe(2);
  });

  // K: staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go.
  it("server-side apply over a field another manager set: conflict, then --force-conflicts takes it", async () => {
    const name = uniqueName("ssaconf");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { suspend: true, parallelism: 1 })));
    const input = manifestInput(jobManifest(name, { suspend: true, parallelism: 2 }));
    const r = await cluster().kubectl(["apply", "--server-side", "-f", "-"], { input });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Apply failed with 1 conflict");
    expect(r.stderr).toContain('conflict with "kubectl-create"');
    expect(r.stderr).toContain(".spec.parallelism");
    expect((await mustGetJob(cluster(), name)).spec.parallelism).toBe(1);
    const forced = await kubectlOk(cluster(), ["apply", "--server-side", "--force-conflicts", "-f", "-"], input);
    expect(forced.trim()).toBe(`job.batch/${name} serverside-applied`);
    expect((await mustGetJob(cluster(), name)).spec.parallelism).toBe(2);
  });

  // K: staging/src/k8s.io/kubectl/pkg/cmd/create/create_job.go.
  it("kubectl create job --image: container named after the job, restartPolicy Never", async () => {
    const name = uniqueName("imp");
    const out = await kubectlOk(cluster(), ["create", "job", name, "--image=busybox:1.36", "--", "sh", "-c", "echo hi"]);
    expect(out.trim()).toBe(`job.batch/${name} created`);
    const job = await mustGetJob(cluster(), name);
    expect(job.spec.template.spec.restartPolicy).toBe("Never");
    expect(job.spec.template.spec.containers[0]?.name).toBe(name);
    expect(job.spec.template.spec.containers[0]?.image).toBe("busybox:1.36");
    expect(job.spec.template.spec.containers[0]?.command).toEqual(["sh", "-c", "echo hi"]);
  });

  // K: staging/src/k8s.io/apiserver/pkg/storage (limit / continue).
  it("paged lists: kubectl get --chunk-size=2 returns every job", async () => {
    const group = uniqueName("page");
    const names = [1, 2, 3, 4, 5].map((i) => uniqueName(`page${i}`));
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(...names.map((n) => jobManifest(n, { suspend: true, labels: { group } }))));
    const out = await kubectlOk(cluster(), ["get", "jobs", "-l", `group=${group}`, "--chunk-size=2", "-o", "name"]);
    expect(out.trim().split("\n").sort()).toEqual(names.map((n) => `job.batch/${n}`).sort());
  });
});
