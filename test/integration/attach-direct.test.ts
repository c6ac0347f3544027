/**
 * On this machine the session host reads and writes the attach client's terminal itself (as
 * tmux's server does; see Hello.terminal): the terminal must be the person's again the moment
 * the client is gone, however it went.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";
import { eventually } from "../support/wait.ts";
import { createRealDeps } from "../../src/wiring.ts";

/** Where a descriptor points ("" when it closed meanwhile). */
function linkOf(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}

describe("a host that reads the client's terminal", () => {
  test("lets go of it when the client is killed: the keys typed next reach the person's shell, not the session", async () => {
    using home = tempHome();
    const program = `printf 'S%sART'; exec cat >/dev/null`;
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "held", "--", "-c", program])).code).toBe(0);
    // The person's shell: attach, then (once the client is gone) its own `cat` reads the terminal.
    const person = ptyClient(home.env, ["sh", "-c", `"$@"; stty sane; printf 'B%sCK\\n' A; exec cat`, "sh", ...remoteCommand(), "attach", "held"]);
    try {
      await person.waitFor((screen) => screen.includes("SART"), "the session's screen");
      // The host holds the person's terminal while the client is attached.
      const tty = readlinkSync(`/proc/${person.proc.pid}/fd/0`);
      const store = createRealDeps(home.env).store();
      const hostPid = store.list().find((s) => s.name === "held")?.host?.pid;
      store.close();
      expect(hostPid).toBeNumber();
      const holds = () => readdirSync(`/proc/${hostPid}/fd`).some((fd) => linkOf(`/proc/${hostPid}/fd/${fd}`) === tty);
      expect(holds()).toBe(true);
      const children = readFileSync(`/proc/${person.proc.pid}/task/${person.proc.pid}/children`, "utf8").trim().split(/\s+/).map(Number);
      expect(children).toHaveLength(1);
      process.kill(children[0] as number, "SIGKILL");
      await person.waitFor((screen) => screen.includes("BACK"), "the person's shell again");
      await eventually(() => !holds(), "the host to let go of the terminal");
      person.type("zq\r");
      // Once echoed by the terminal, once printed by the shell's cat: it read them.
      await person.waitFor((screen) => screen.split("zq").length - 1 >= 2, "the shell's cat to read the keys");
    } finally {
      person.proc.kill("SIGKILL");
      await cli(home.env, ["stop", "held"]);
    }
  });
});
