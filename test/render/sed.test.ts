/** The docs' sed-style templates: when they are read as such, and what is substituted. */
import { describe, expect, it } from "vitest";
import { expandJobs } from "../../src/manifest/expand";
import type { Row } from "../../src/params/types";
import { compileTemplate } from "../../src/render/template";
import { inputErrorOf, jobTemplate, planOf } from "../manifest/helpers";

/** Expands as jobx expand does: the template compiled knowing the rows' keys. */
function expand(text: string, rows: Row[]) {
  const plan = planOf(rows);
  const template = compileTemplate({ name: "t.yaml", text }, { parameters: plan.keys });
  return [...expandJobs({ template, plan, group: "g" })].flatMap((r) => r.jobs);
}

const render = (text: string, row: Record<string, unknown>) => compileTemplate({ name: "t.yaml", text }, { parameters: Object.keys(row) }).render(row, "row 0");

describe("a template in sed form", () => {
  it.each([
    ["$NAME in upper case for a parameter", "name: process-item-$ITEM", { item: "apple" }, "name: process-item-apple"],
    ["the name as the parameter is written", "x: $item", { item: "a" }, "x: a"],
    ["${NAME}", "x: ${ITEM}-suffix", { item: "a" }, "x: a-suffix"],
    ["several parameters, every occurrence", "a: $ITEM $ITEM\nb: $REGION", { item: "x", region: "eu" }, "a: x x\nb: eu"],
    ["other $VARS stay for the shell", 'c: ["sh", "-c", "echo $ITEM in $HOME, $JOB_COMPLETION_INDEX"]', { item: "x" }, 'c: ["sh", "-c", "echo x in $HOME, $JOB_COMPLETION_INDEX"]'],
    ["a longer name is another variable", "a: $ITEMS $ITEM_ID $ITEM", { item: "x" }, "a: $ITEMS $ITEM_ID x"],
  ])("%s", (_name, text, row, expected) => {
    const t = compileTemplate({ name: "t.yaml", text }, { parameters: Object.keys(row) });
    expect(t.sed).toBeDefined();
    expect(t.render(row, "row 0")).toBe(expected);
  });

  it.each([
    ["a template with {{ }} is Jinja2: its $ITEM is for the shell", 'value: {{ item }}\ncommand: ["sh", "-c", "echo $ITEM"]'],
    ["so is one with {% %}", "{% if true %}x: $ITEM{% endif %}"],
    ["and one with a comment {# #}", "{# note #}x: $ITEM"],
  ])("%s", (_name, text) => {
    const t = compileTemplate({ name: "t.yaml", text }, { parameters: ["item"] });
    expect(t.sed).toBeUndefined();
    expect(t.render({ item: "a" }, "row 0")).toContain("$ITEM");
  });

  it("is not in sed form when no $NAME names a given parameter", () => {
    const t = compileTemplate({ name: "t.yaml", text: "x: $HOME" }, { parameters: ["item"] });
    expect(t.sed).toBeUndefined();
    expect(render("x: $HOME", { item: "a" })).toBe("x: $HOME");
  });

  it("nor without parameters (rendered once)", () => {
    expect(compileTemplate({ name: "t.yaml", text: "x: $ITEM" }, { parameters: [] }).sed).toBeUndefined();
  });

  it("reads only the parameters it substitutes", () => {
    const t = compileTemplate({ name: "t.yaml", text: "x: $ITEM" }, { parameters: ["item", "other"] });
    expect([...t.reads.names]).toEqual(["item"]);
  });

  it("writes values as data: one that would change the YAML is refused, naming the fix", () => {
    const text = jobTemplate({ name: "process-item-$ITEM", container: '        command: ["sh", "-c", "echo Processing item $ITEM && sleep 5",]' });
    expect(expand(text, [{ item: "apple" }]).map((j) => (j.spec.template.spec as { containers: { command: string[] }[] }).containers[0]?.command)).toEqual([
      ["sh", "-c", "echo Processing item apple && sleep 5"],
    ]);
    const message = inputErrorOf(() => expand(text, [{ item: 'x", "--privileged' }]));
    expect(message).toContain("the value of 'item'");
  });
});
