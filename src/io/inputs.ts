/** Reading parameter files and stdin for the pure params stage. */
import { readFileSync } from "node:fs";
import { InputError, UsageError } from "../errors";
import type { ParamFile } from "../params/types";

let stdinText: string | undefined;
let stdinUser: string | undefined;

/** Standard input, read once; a second reader (template and params both '-') is refused. */
export function readStdinOnce(user: string): string {
  if (stdinUser !== undefined && stdinUser !== user) {
    throw new UsageError(`standard input can feed only one input, but both ${stdinUser} and ${user} ask for '-'. Save one to a file`);
  }
  stdinUser = user;
  if (stdinText === undefined) {
    if (process.stdin.isTTY) {
      throw new UsageError(`${user} reads standard input ('-'), but it is a terminal. Pipe the data in, or name a file`);
    }
    stdinText = readFileSync(0, "utf8");
  }
  return stdinText;
}

export function readParamFiles(names: string[]): ParamFile[] {
  return names.map((name) => {
    if (name === "-") return { name: "<stdin>", text: readStdinOnce("--params -") };
    try {
      return { name, text: readFileSync(name, "utf8") };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
      throw new InputError(`cannot read the parameter file: ${why}`, { where: `--params ${name}` });
    }
  });
}
