/**
 * kubectl logs against Job pods.
 *
 * Upstream truth:
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go — a selector implies tailLines 10
 *   (selectorTail), --prefix writes "[pod/<pod>/<container>] ", -f streams until the
 *   container's log ends, at most --max-log-requests (5) streams when following a selector.
 * - K: staging/src/k8s.io/kubectl/pkg/polymorphichelpers/logsforobject.go — `logs job/J`
 *   finds a pod through the Job's spec.selector.
 * - K: pkg/kubelet/kuberuntime/logs + staging/src/k8s.io/cri-client logs — --tail=N keeps the
 *   last N lines; --timestamps prefixes each line with an RFC 3339 (nanosecond) time.
 * - K: pkg/kubelet/kubelet_pods.go — validateContainerLogStatus: `container "c" in pod "p"
 *   is waiting to start: <reason>` (400) for a container that has not started.
 */
import { describe, expect, it } from "vitest";
import { useCluster } from "../../cluster/index";
import { missingClients, skipWithoutClient } from "../kubectl-clients";
import { VERSIONS, jobManifest, kubectlOk, listPods, manifestInput, uniqueName, waitFor, waitForJobFinished } from "./helpers";

// Each block needs the kubectl of its minor: the dispatcher picks it from /version; a
// stock kubectl runs one client for every server, so the other minors are skipped.
const missing = await missingClients(VERSIONS);

describe.each(VERSIONS)("kubectl logs with kubectl 1.%i", (minor) => {
  if (skipWithoutClient(missing, minor)) return;
  const cluster = useCluster({ minorVersion: minor, timeScale: 0.01 });

  // K: staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go (selectorTail, addPrefixIfNeeded).
  it("kubectl logs -l job-name=X --prefix: last 10 lines of each pod, prefixed [pod/P/C]", async () => {
    const name = uniqueName("logs");
    const log = Array.from({ length: 15 }, (_, i) => `line ${i + 1} of $POD_NAME`).join("\n");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { completions: 2, parallelism: 2, runTime: "5s", log })));
    await waitForJobFinished(cluster(), name, 30_000);
    const pods = await listPods(cluster(), `job-name=${name}`);
    expect(pods).toHaveLength(2);
    const out = await kubectlOk(cluster(), ["logs", "-l", `job-name=${name}`, "--prefix"]);
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(20);
    for (const pod of pods) {
      const p = pod.metadata.name;
      const mine = lines.filter((l) => l.startsWith(`[pod/${p}/main] `));
      expect(mine).toEqual(Array.from({ length: 10 }, (_, i) => `[pod/${p}/main] line ${i + 6} of ${p}`));
    }
  }, 45_000);

  // K: staging/src/k8s.io/kubectl/pkg/polymorphichelpers/logsforobject.go.
  it("kubectl logs job/X prints the log of the job's pod", async () => {
    const name = uniqueName("logjob");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { log: "alpha\nbeta\ngamma" })));
    await waitForJobFinished(cluster(), name, 30_000);
    const out = await kubectlOk(cluster(), ["logs", `job/${name}`]);
    expect(out).toBe("alpha\nbeta\ngamma\n");
  }, 45_000);

  // K: staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go DefaultConsumeRequest (until EOF).
  it("kubectl logs -f on a running pod ends when the pod ends", async () => {
    const name = uniqueName("follow");
    await kubectlOk(
      cluster(),
      ["create", "-f", "-"],
      manifestInput(jobManifest(name, { runTime: "300s", log: "first\nsecond\nthird" })),
    );
    const pod = await waitFor(
      "the pod to be Running",
      async () => (await listPods(cluster(), `job-name=${name}`)).find((p) => p.status?.phase === "Running"),
      15_000,
    );
    const r = await cluster().kubectl(["logs", "-f", pod.metadata.name], { timeoutMs: 30_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe("first\nsecond\nthird\n");
    // The stream ends because the container ended, so the pod is finished (or about to be).
    const finished = await waitFor(
      "the followed pod to be Succeeded",
      async () => (await listPods(cluster(), `job-name=${name}`)).find((p) => p.metadata.name === pod.metadata.name && p.status?.phase === "Succeeded"),
      5_000,
    );
    expect(finished.status?.phase).toBe("Succeeded");
  }, 45_000);

  // K: pkg/kubelet/kubelet_pods.go validateContainerLogStatus.
  it("kubectl logs of a container that has not started: waiting to start", async () => {
    const name = uniqueName("pending");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { coldStart: "1h" })));
    const pod = await waitFor("the job's pod", async () => (await listPods(cluster(), `job-name=${name}`))[0], 10_000);
    expect(pod.status?.phase ?? "Pending").toBe("Pending");
    const r = await cluster().kubectl(["logs", pod.metadata.name]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`container "main" in pod "${pod.metadata.name}" is waiting to start`);
  }, 30_000);

  // K: staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go RunLogs (MaxFollowConcurrency).
  it("kubectl logs -f -l: refuses more streams than --max-log-requests; with enough, follows every pod to its end", async () => {
    const name = uniqueName("followall");
    await kubectlOk(
      cluster(),
      ["create", "-f", "-"],
      manifestInput(jobManifest(name, { completions: 6, parallelism: 6, runTime: "400s", log: "start $POD_NAME\nend $POD_NAME" })),
    );
    const pods = await waitFor(
      "6 running pods",
      async () => {
        const all = await listPods(cluster(), `job-name=${name}`);
        return all.length === 6 && all.every((p) => p.status?.phase === "Running") ? all : false;
      },
      15_000,
    );
    const refused = await cluster().kubectl(["logs", "-f", "-l", `job-name=${name}`]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("you are attempting to follow 6 log streams, but maximum allowed concurrency is 5");

    const r = await cluster().kubectl(["logs", "-f", "-l", `job-name=${name}`, "--prefix", "--max-log-requests=6"], { timeoutMs: 30_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n").sort();
    const expected = pods.flatMap((p) => [`[pod/${p.metadata.name}/main] start ${p.metadata.name}`, `[pod/${p.metadata.name}/main] end ${p.metadata.name}`]).sort();
    expect(lines).toEqual(expected);
  }, 45_000);

  // K: pkg/kubelet/kuberuntime/logs/logs.go (tail, timestamps).
  it("kubectl logs --tail=2 and --timestamps", async () => {
    const name = uniqueName("tail");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { runTime: "5s", log: "one\ntwo\nthree\nfour" })));
    await waitForJobFinished(cluster(), name, 30_000);
    const pod = (await listPods(cluster(), `job-name=${name}`))[0]?.metadata.name ?? "";
    expect(await kubectlOk(cluster(), ["logs", pod, "--tail=2"])).toBe("three\nfour\n");
    const stamped = (await kubectlOk(cluster(), ["logs", pod, "--timestamps"])).trimEnd().split("\n");
    expect(stamped).toHaveLength(4);
    const words = ["one", "two", "three", "four"];
    stamped.forEach((line, i) => {
      expect(line).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z ${words[i]}$`));
    });
  }, 45_000);
});
