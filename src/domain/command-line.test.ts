import { describe, expect, test } from "bun:test";
import { checkCommandLine, type ArgShape, type CommandLine } from "./command-line.ts";

const logs: CommandLine = {
  command: "remote logs",
  args: {
    ref: { type: "positional", required: true, description: "Session id or name" },
    follow: { type: "boolean", alias: "f" },
    lines: { type: "string", alias: "n", numeric: { kind: "integer", min: 1, max: 1000, example: "50" } },
    "max-body": { type: "string" },
    format: { type: "enum", options: ["text", "json"] },
  } satisfies Record<string, ArgShape>,
};
const run: CommandLine = {
  command: "remote run",
  args: { profile: { type: "positional", required: true }, detach: { type: "boolean" }, "-- ARGS": { type: "positional", required: false } },
};
const jobs: CommandLine = { command: "remote jobs", args: {}, subcommands: ["ls", "wait", "__internal"] };

const refused = (line: CommandLine, tokens: string[], passthrough: string[] = []) => {
  const check = checkCommandLine(line, tokens, passthrough);
  if (check.ok) throw new Error(`accepted: ${tokens.join(" ")}`);
  expect(check.error.kind).toBe("usage");
  return check.error;
};

describe("what a command declares is accepted and parsed", () => {
  const ref = { ref: "s1", _: ["s1"] };
  test.each([
    [["s1"], ref],
    [["s1", "--follow"], { ...ref, follow: true }],
    [["-f", "s1"], { ...ref, follow: true }],
    [["s1", "--no-follow"], { ...ref, follow: false }],
    [["s1", "--follow=false"], { ...ref, follow: false }],
    [["s1", "-n", "5"], { ...ref, lines: "5" }],
    [["s1", "-n5"], { ...ref, lines: "5" }],
    [["s1", "-n=5"], { ...ref, lines: "5" }],
    [["s1", "--lines", "5"], { ...ref, lines: "5" }],
    [["s1", "--lines=5", "--lines", "6"], { ...ref, lines: "6" }], // the last one wins
    [["s1", "--maxBody", "3"], { ...ref, "max-body": "3" }], // citty's camelCase spelling, read under the declared name
    [["s1", "--max-body", "-x"], { ...ref, "max-body": "-x" }], // a value flag takes the next token whatever it looks like
    [["s1", "--format", "json"], { ...ref, format: "json" }],
    [["-"], { ref: "-", _: ["-"] }], // a lone dash is an argument (stdin)
  ])("logs %p", (tokens, args) => {
    expect(checkCommandLine(logs, tokens)).toEqual({ ok: true, args });
  });

  test("defaults fill what was not given; an optional positional left out is undefined", () => {
    const serve: CommandLine = { command: "remote serve", args: { host: { type: "string", default: "127.0.0.1" }, dir: { type: "positional", required: false } } };
    expect(checkCommandLine(serve, [])).toEqual({ ok: true, args: { host: "127.0.0.1", dir: undefined, _: [] } });
    expect(checkCommandLine(serve, ["--host", "::1", "d"])).toEqual({ ok: true, args: { host: "::1", dir: "d", _: ["d"] } });
  });

  test("arguments after -- only where the command passes them on", () => {
    expect(checkCommandLine(run, ["shell"], ["-c", "echo hi", "--bogus"])).toEqual({ ok: true, args: { profile: "shell", _: ["shell"] } });
    expect(refused(logs, ["s1"], ["x"]).message).toBe("Cannot use 'x' after -- with `remote logs`: it passes no arguments on");
  });

  test("a subcommand is picked by the first argument; flags after it are its own", () => {
    expect(checkCommandLine(jobs, ["wait", "--bogus", "j1"])).toEqual({ ok: true, subcommand: { name: "wait", rest: ["--bogus", "j1"] } });
    expect(checkCommandLine(jobs, ["__internal"])).toEqual({ ok: true, subcommand: { name: "__internal", rest: [] } });
  });
});

describe("anything else is a usage error naming it", () => {
  test("an unknown flag, with the closest known one and the command's own help", () => {
    const error = refused(logs, ["s1", "--folow"]);
    expect(error.code).toBe("UNKNOWN_FLAG");
    expect(error.message).toBe("Cannot use '--folow' with `remote logs`: it is not one of its flags");
    expect(error.hint).toBe("Did you mean --follow? Run `remote logs --help` for its usage.");
    expect(refused(logs, ["s1", "--target=k8s"]).message).toContain("'--target'"); // the value is not echoed as part of the name
    expect(refused(logs, ["s1", "-x"]).message).toContain("'-x'");
    expect(refused(logs, ["s1", "-fn"]).message).toContain("'-fn'"); // grouped short flags are not a thing here
    expect(refused(logs, ["s1", "--no-lines"]).message).toContain("'--no-lines'"); // only switches negate
    expect(refused(run, ["shell", "--target", "kubernetes"]).hint).toBe("Run `remote run --help` for its usage.");
  });

  test("a stray argument, saying what the command takes", () => {
    const error = refused(logs, ["s1", "s2"]);
    expect(error.code).toBe("UNEXPECTED_ARGUMENT");
    expect(error.message).toBe("Cannot use 's2' with `remote logs`: it takes <REF>");
    expect(refused(run, ["shell", "-c"]).code).toBe("UNKNOWN_FLAG");
    expect(refused(run, ["shell", "bash"]).hint).toBe("Arguments for the program go after `--`: `remote run ... -- bash`. Run `remote run --help` for its usage.");
    expect(refused({ command: "remote ls", args: {} }, ["x"]).message).toBe("Cannot use 'x' with `remote ls`: it takes no arguments");
  });

  test("a missing argument points at that subcommand's own help", () => {
    const error = refused({ command: "remote jobs wait", args: { ref: { type: "positional", required: true, description: "Job id" } } }, []);
    expect(error.code).toBe("MISSING_ARGUMENT");
    expect(error.message).toBe("Cannot run `remote jobs wait`: missing <REF> (Job id)");
    expect(error.hint).toBe("Run `remote jobs wait --help` for its usage.");
    expect(refused({ command: "remote account add", args: { profile: { type: "string", required: true } } }, []).message).toBe("Cannot run `remote account add`: missing --profile");
  });

  test("a flag without its value, a bad switch value, a value outside an enum or a numeric range", () => {
    expect(refused(logs, ["s1", "--lines"]).code).toBe("MISSING_VALUE");
    expect(refused(logs, ["s1", "--follow=yes"]).message).toBe("Cannot use --follow 'yes': it is a switch (true or false)");
    expect(refused(logs, ["s1", "--format", "xml"]).message).toBe("Cannot use --format 'xml': expected one of text, json");
    for (const value of ["abc", "0", "-3"]) {
      const error = refused(logs, ["s1", "-n", value]);
      expect(error.code).toBe("INVALID_FLAG");
      expect(error.message).toBe(`Cannot use --lines '${value}': expected a whole number from 1 to 1000`);
    }
  });

  test("an unknown or missing subcommand lists the visible ones", () => {
    const error = refused(jobs, ["wiat"]);
    expect(error.code).toBe("UNKNOWN_COMMAND");
    expect(error.message).toBe("Cannot run `remote jobs wiat`: `remote jobs` has no command 'wiat'");
    expect(error.hint).toBe("Did you mean `remote jobs wait`? Commands: ls, wait. Run `remote jobs --help` for its usage.");
    expect(refused(jobs, []).message).toBe("Cannot run `remote jobs`: it needs a command (ls, wait)");
    expect(refused(jobs, ["--bogus", "ls"]).code).toBe("UNKNOWN_FLAG");
  });
});
