import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAll } from "js-yaml";
import { spawn, spawnSync } from "node:child_process";
import { jobx, ROOT } from "./run";

type Job = { metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> } };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "jobx-cli-"));
}

/** An input error: exit 2, nothing on stdout, one message naming the fix. */
function expectInputError(run: ReturnType<typeof jobx>, ...fragments: string[]): void {
  expect(run.status, run.stderr).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr).toMatch(/^jobx: error: /);
  for (const f of fragments) expect(run.stderr).toContain(f);
}

describe("jobx expand", () => {
  it("expands the built-in job template over --items into labelled Job manifests", () => {
    const run = jobx(["expand", "job", "--items", "apple,banana,cherry"]);
    expect(run.status, run.stderr).toBe(0);
    const jobs = loadAll(run.stdout) as Job[];
    expect(jobs.map((j) => j.metadata.name)).toEqual(["process-item-apple", "process-item-banana", "process-item-cherry"]);
    const group = jobs[0]?.metadata.labels["jobx.dev/group"];
    expect(group).toMatch(/^job-[0-9a-f]{6}$/);
    expect(jobs.map((j) => j.metadata.labels["jobx.dev/item"])).toEqual(["0", "1", "2"]);
    expect(run.stderr).toBe(`jobx: expanded 3 rows into 3 Jobs (group ${group})\n`);
  });

  it("names the same inputs the same group, and changed inputs a new one", () => {
    const group = (items: string) => (loadAll(jobx(["expand", "--items", items, "-q"]).stdout) as Job[])[0]?.metadata.labels["jobx.dev/group"];
    expect(group("a,b")).toBe(group("a,b"));
    expect(group("a,b")).not.toBe(group("a,c"));
    const run = jobx(["expand", "job", "--items", "a", "--group", "nightly", "-q"]);
    expect((loadAll(run.stdout) as Job[])[0]?.metadata.labels["jobx.dev/group"]).toBe("nightly");
  });

  it("prints a v1 List with -o json", () => {
    const run = jobx(["expand", "job", "--param", "item=a,b", "-o", "json", "-q"]);
    expect(run.status, run.stderr).toBe(0);
    const list = JSON.parse(run.stdout) as { apiVersion: string; kind: string; items: Job[] };
    expect(list.apiVersion).toBe("v1");
    expect(list.kind).toBe("List");
    expect(list.items.map((j) => j.metadata.name)).toEqual(["process-item-a", "process-item-b"]);
  });

  it("streams rows of two Jobs past the 16 MiB it holds back with every document in order, as YAML and as JSON", () => {
    // Each row is written whole before expand waits for the pipe: every document still comes once, in order.
    const dir = tempDir();
    const template = join(dir, "two.yaml.njk");
    const job = (prefix: string) =>
      `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${prefix}-{{ id }}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: c\n          image: busybox\n          command: ["echo", "{{ id }} ${"x".repeat(200)}"]\n`;
    writeFileSync(template, `${job("a")}---\n${job("b")}`);
    const rows = 15_000;
    writeFileSync(join(dir, "rows.csv"), `id\n${Array.from({ length: rows }, (_, i) => `r${i}`).join("\n")}\n`);
    const expected = Array.from({ length: rows }, (_, i) => [`a-r${i}`, `b-r${i}`]).flat();
    try {
      const yaml = jobx(["expand", template, "--params", join(dir, "rows.csv"), "-q"]);
      expect(yaml.status, yaml.stderr).toBe(0);
      expect(yaml.stdout.length).toBeGreaterThan(16 * 1024 * 1024);
      expect([...yaml.stdout.matchAll(/^ {2}name: (.+)$/gm)].map((m) => m[1])).toEqual(expected);
      const json = jobx(["expand", template, "--params", join(dir, "rows.csv"), "-q", "-o", "json"]);
      expect(json.status, json.stderr).toBe(0);
      expect((JSON.parse(json.stdout) as { items: Job[] }).items.map((j) => j.metadata.name)).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("combines a CSV file, a matrix and a constant, in the documented order", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "rows.csv"), "input\ns3://a\ns3://b\n");
    const run = jobx(["expand", "batch-work", "--params", join(dir, "rows.csv"), "--param", "cpu=1,2", "--set", "image=busybox:1.36", "-o", "json", "-q"]);
    expect(run.status, run.stderr).toBe(0);
    const params = (JSON.parse(run.stdout) as { items: Job[] }).items.map((j) => JSON.parse(j.metadata.annotations["jobx.dev/params"] ?? ""));
    expect(params).toEqual([
      { input: "s3://a", cpu: "1", image: "busybox:1.36" },
      { input: "s3://a", cpu: "2", image: "busybox:1.36" },
      { input: "s3://b", cpu: "1", image: "busybox:1.36" },
      { input: "s3://b", cpu: "2", image: "busybox:1.36" },
    ]);
    rmSync(dir, { recursive: true });
  });

  it("reads parameters from stdin with --params -", () => {
    const run = jobx(["expand", "job", "--params", "-", "-q"], { input: '{"item":"x"}\n{"item":"y"}\n' });
    expect(run.status, run.stderr).toBe(0);
    expect((loadAll(run.stdout) as Job[]).map((j) => j.metadata.name)).toEqual(["process-item-x", "process-item-y"]);
  });

  it("writes one file per Job with --out-dir and prints the paths", () => {
    const dir = tempDir();
    const out = join(dir, "jobs");
    const run = jobx(["expand", "job", "--items", "apple,banana", "--out-dir", out, "-q"]);
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["process-item-apple.yaml", "process-item-banana.yaml"]);
    expect(run.stdout.trim().split("\n").map((p) => p.split("/").pop())).toEqual(["process-item-apple.yaml", "process-item-banana.yaml"]);
    expect((loadAll(readFileSync(join(out, "process-item-apple.yaml"), "utf8")) as Job[])[0]?.metadata.name).toBe("process-item-apple");
    rmSync(dir, { recursive: true });
  });

  it("leaves --out-dir as it was when a row fails", () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const template = join(dir, "unquoted.yaml.njk");
    writeFileSync(template, readFileSync(join(ROOT, "templates/job.yaml.njk"), "utf8").replace("{{ item | quote }}", "{{ item }}"));
    const run = jobx(["expand", template, "--items", "ok,a: b", "--out-dir", out]);
    expectInputError(run, "row 1");
    expect(readdirSync(out)).toEqual([]);
    rmSync(dir, { recursive: true });
  });

  it("--out-dir never mixes groups: a folder with files is refused; --force removes the YAML ones and says which", () => {
    const dir = tempDir();
    expect(jobx(["expand", "job", "--items", "a,b", "--out-dir", dir, "-q"]).status).toBe(0);
    const again = jobx(["expand", "job", "--items", "c", "--out-dir", dir]);
    expectInputError(again, "already holds 2 files");
    expect(readdirSync(dir).sort()).toEqual(["process-item-a.yaml", "process-item-b.yaml"]);
    const forced = jobx(["expand", "job", "--items", "c", "--out-dir", dir, "--force"]);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(`--force: removed ${dir}/process-item-a.yaml`);
    expect(readdirSync(dir)).toEqual(["process-item-c.yaml"]);
    writeFileSync(join(dir, "notes.txt"), "mine");
    expectInputError(jobx(["expand", "job", "--items", "d", "--out-dir", dir, "--force"]), "not YAML manifests");
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
    rmSync(dir, { recursive: true });
  });

  it("Ctrl-C while --out-dir is written leaves the folder as it was: no staging folder, exit 130", async () => {
    const dir = tempDir();
    const rows = join(dir, "rows.csv");
    writeFileSync(rows, `item\n${Array.from({ length: 200_000 }, (_, i) => `i${i}`).join("\n")}\n`);
    const out = join(dir, "out");
    const child = spawn(process.execPath, [join(ROOT, "bin/jobx.js"), "expand", "job", "--params", rows, "--out-dir", out], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    // Once the staging folder exists, the expansion is under way.
    for (let i = 0; i < 300 && !(existsSync(out) && readdirSync(out).length > 0); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(status, stderr).toBe(130);
    expect(stderr).toContain("nothing was written there");
    expect(readdirSync(out)).toEqual([]);
    rmSync(dir, { recursive: true });
  }, 60_000);

  it("--out-dir that is a file, or cannot be written, is an input error (exit 2)", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "file"), "x");
    expectInputError(jobx(["expand", "job", "--items", "a", "--out-dir", join(dir, "file")]), "is a file, not a folder");
    // Under a file: no folder can be made there (root may write anywhere else).
    expectInputError(jobx(["expand", "job", "--items", "a", "--out-dir", join(dir, "file", "sub")]), "cannot be");
    rmSync(dir, { recursive: true });
  });

  it("lists built-in templates", () => {
    const run = jobx(["templates"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^batch-work {2}A realistic/m);
    expect(run.stdout).toMatch(/^job +One Job per item/m);
  });

  it("teaches in --help", () => {
    const run = jobx(["expand", "--help"]);
    expect(run.status).toBe(0);
    for (const f of ["--items", "--param", "--zip", "--range", "--params", "--set", "--raw", "--out-dir", "Examples:", "Exit codes:"]) expect(run.stdout).toContain(f);
  });

  it("stops quietly with 141 when its reader goes away (| head)", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [join(ROOT, "bin/jobx.js"), "expand", "job", "--range", "item=1..200000", "-q"], { env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdout.once("data", () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(status).toBe(141);
    expect(stderr).toBe("");
  });

  it("prints the version", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(jobx(["--version"]).stdout.trim()).toBe(pkg.version);
  });
});

describe("jobx expand: bad input gets one clear message, exit 2 and nothing on stdout", () => {
  const dir = tempDir();
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it.each([
    ["a missing template file", () => ["expand", "./nope.yaml.njk"], ["nope.yaml.njk", "no such file"]],
    ["an unknown built-in", () => ["expand", "jbo"], ["no template file or built-in template called 'jbo'", "Built-in templates: batch-work, job"]],
    ["a missing parameter file", () => ["expand", "--params", "missing.csv"], ["--params missing.csv", "no such file"]],
    ["a variable the rows lack", () => ["expand", "job"], ["builtin:job:5:31: {{ (\"process-item-\" ~ item) | quote }} is undefined in the template (rendered once, no parameters) ('item' is undefined)"]],
    ["an empty parameter file", () => ["expand", "--params", file("empty.csv", "")], ["empty.csv"]],
    ["a ragged CSV", () => ["expand", "--params", file("ragged.csv", "item,x\na,1\nb\n")], ["ragged.csv"]],
    ["duplicate CSV headers", () => ["expand", "--params", file("dup.csv", "item,item\na,b\n")], ["dup.csv", "item"]],
    ["--zip lists of different lengths", () => ["expand", "--param", "item=a,b", "--param", "y=1", "--zip"], ["item", "y"]],
    ["a bad range", () => ["expand", "--range", "n=1..x"], ["--range"]],
    ["a template syntax error", () => ["expand", file("bad.njk", "a: {{ x\n")], ["bad.njk:1:4: template syntax error: unexpected end of template: the tag opened here is never closed with }}"]],
    ["a non-Job document", () => ["expand", file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\n")], ["is ConfigMap (v1), not a Job"]],
    ["an invalid group name", () => ["expand", "--items", "a", "--group", "My_Group"], ["--group", "Try --group my-group"]],
    ["a name collision", () => ["expand", file("same.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: same}\nspec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: x, args: [\"{{ item }}\"]}]}}}\n"), "--items", "a,b"], ["named same, like row 0"]],
    ["a value that breaks the YAML", () => ["expand", file("raw.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: {{ item }}}]}}}\n"), "--items", "x\ny: z"], ["row 0", "{{ item | tojson }}"]],
    ["a reserved key", () => ["expand", "--set", "index=3", "--items", "a"], ["index"]],
    ["--raw with -o json", () => ["expand", "--raw", "-o", "json"], ["--raw"]],
  ] as const)("%s", (_name, args, fragments) => {
    expectInputError(jobx([...args()]), ...fragments);
  });

  it("an unknown option", () => {
    const run = jobx(["expand", "--itmes", "a"]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("unknown option '--itmes'");
  });
});

describe("jobx expand: a bad parameter file is stopped by a structural limit, exit 2 and nothing on stdout", () => {
  const dir = tempDir();
  const file = (name: string, content: string | Buffer) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  // Ten aliases of the level below at each of nine levels: a billion values written out.
  const bomb = ["- item: x", "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i <= 9; i++) bomb.push(`  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
  const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;

  it.each([
    ["a YAML alias bomb", () => file("bomb.yaml", bomb.join("\n")), ["bomb.yaml line 9", "an alias bomb, not parameters"]],
    ["a JSON value nested thousands deep", () => file("deep.json", `[{"item": "a", "v": ${deep}}]`), ["deep.json line 1", "values nest more than 100 levels deep"]],
    ["an NDJSON value nested thousands deep", () => file("deep.ndjson", `{"item": "a", "v": ${deep}}\n`), ["deep.ndjson line 1", "values nest more than 100 levels deep"]],
    ["a YAML value nested thousands deep", () => file("deep.yaml", `- item: a\n  v: ${deep}\n`), ["deep.yaml line 2", "values nest more than 100 levels deep"]],
    ["a UTF-16 file", () => file("utf16.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("item\napple\n", "utf16le")])), ["utf16.csv: the file is UTF-16 (little-endian) text", "iconv -f UTF-16 -t UTF-8"]],
    ["bytes that are not UTF-8", () => file("latin1.csv", Buffer.from("item\ncr\u00e8me\n", "latin1")), ["latin1.csv line 2: the byte 0xE8 at byte offset 7 is not UTF-8", "iconv -f WINDOWS-1252"]],
  ] as const)("%s", (_name, path, fragments) => {
    expectInputError(jobx(["expand", "job", "--params", path()]), ...fragments);
  });

  it("bytes that are not UTF-8 on stdin", () => {
    const result = spawnSync(process.execPath, [join(ROOT, "bin/jobx.js"), "expand", "job", "--params", "-"], { input: Buffer.from("item\ncr\u00e8me\n", "latin1"), encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expectInputError({ status: result.status, stdout: result.stdout, stderr: result.stderr }, "stdin line 2: the byte 0xE8 at byte offset 7 is not UTF-8");
  });

  it("a template file that is not UTF-8", () => {
    const template = file("t16.yaml.njk", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("kind: Job\n", "utf16le")]));
    expectInputError(jobx(["expand", template, "--items", "a"]), "t16.yaml.njk: the file is UTF-16 (little-endian) text");
  });
});
