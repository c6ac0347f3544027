/**
 * Session events fire on every target with the target in the payload (issue 9 item 9): a
 * probe plugin configured in REMOTE_HOME records what it hears. Local sessions: their host
 * tells it. A Pod (real kubectl, fake API, process Pods) and a docker container (real
 * podman): the CLI that starts and stops them tells this machine's plugins; the host in the
 * Pod tells plugins configured in the Pod's own REMOTE_HOME, attach and detach included.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONTAINER_BINARY } from "../../src/domain/target.ts";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";
import { TEST_IMAGE, engineMissingReason, prepareEngine, removeContainersOf, withEngine } from "../support/container-engine.ts";
import { startFakeKubeApi } from "../support/fake-kube-api.ts";
import { processRuntime } from "../support/fake-kube-pods.ts";
import { eventually } from "../support/wait.ts";

type Heard = { where: string; event: string; id: string; target: string };

const PROBE = `import { appendFileSync } from "node:fs";
export default {
  name: "probe",
  setup(hooks, context) {
    for (const event of ["session:start", "session:attach", "session:detach", "session:exit"]) {
      hooks.hook(event, (e) => appendFileSync(context.options.file, JSON.stringify({ where: context.options.where, event, id: e.session.id, target: e.target }) + "\\n"));
    }
  },
};
`;

/** Writes the probe plugin into `remoteHome`'s config; returns the file it appends to. */
function installProbe(remoteHome: string, file: string, where: string): void {
  mkdirSync(remoteHome, { recursive: true, mode: 0o700 });
  const plugin = join(remoteHome, "probe.ts");
  writeFileSync(plugin, PROBE);
  const config = join(remoteHome, "config.toml");
  const before = existsSync(config) ? readFileSync(config, "utf8") : "";
  writeFileSync(config, `plugins = ["${plugin}"]\n${before}\n[plugin.probe]\nfile = "${file}"\nwhere = "${where}"\n`);
}

const heard = (file: string, id: string): Heard[] =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Heard)
        .filter((h) => h.id === id)
    : [];
const succeeded = (r: { code: number; stderr: string }) => expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });

test("local: session:start and session:exit say target local", async () => {
  using home = tempHome();
  const file = join(home.dir, "events.jsonl");
  installProbe(home.env.REMOTE_HOME as string, file, "cli");
  const r = await cli(home.env, ["run", "shell", "--detach", "--name", "here", "--", "--norc", "--noprofile", "-i"]);
  succeeded(r);
  const id = r.stdout.trim();
  succeeded(await cli(home.env, ["stop", "here"]));
  await eventually(() => heard(file, id).some((h) => h.event === "session:exit"), "session:exit");
  expect(heard(file, id)).toEqual([
    { where: "cli", event: "session:start", id, target: "local" },
    { where: "cli", event: "session:exit", id, target: "local" },
  ]);
}, 30_000);

describe.if(Bun.which("kubectl") !== null)("kubernetes", () => {
  const api = startFakeKubeApi({ runtime: processRuntime({ programs: { [CONTAINER_BINARY]: remoteCommand() } }) });
  afterAll(() => api.close());

  test("this machine's plugins hear start and exit, the Pod's host's plugins hear start, attach, detach, exit: all say target kubernetes", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env };
    const file = join(home.dir, "events.jsonl");
    installProbe(home.env.REMOTE_HOME as string, file, "cli");
    // The Pod's REMOTE_HOME is on its volume below HOME (process Pods share this machine's files).
    installProbe(join(home.dir, ".remote"), file, "pod");
    const r = await cli(env, ["run", "shell", "--target", "kubernetes", "--namespace", "events", "--name", "podev", "--detach", "--", "--norc", "--noprofile", "-i"], { cwd: home.dir });
    succeeded(r);
    const id = r.stdout.trim();
    const client = ptyClient(env, [...remoteCommand(), "attach", "podev"]);
    await client.waitFor((s) => /[$#] ?$/m.test(s), "the Pod shell's prompt");
    client.type("\x10\x11");
    expect(await client.proc.exited).toBe(0);
    await eventually(() => heard(file, id).some((h) => h.event === "session:detach"), "session:detach from the Pod");
    succeeded(await cli(env, ["stop", "podev"]));
    await eventually(() => heard(file, id).filter((h) => h.event === "session:exit").length === 2, "session:exit here and in the Pod");
    const all = heard(file, id);
    expect(all.every((h) => h.target === "kubernetes")).toBe(true);
    expect(all.filter((h) => h.where === "cli").map((h) => h.event)).toEqual(["session:start", "session:exit"]);
    expect(all.filter((h) => h.where === "pod").map((h) => h.event)).toEqual(["session:start", "session:attach", "session:detach", "session:exit"]);
  }, 60_000);
});

describe.skipIf(engineMissingReason !== undefined)("docker", () => {
  let conf = "";
  const made: string[] = [];
  beforeAll(async () => {
    conf = (await prepareEngine()).containersConf;
  }, 120_000);
  afterAll(() => removeContainersOf(conf, made));

  test("this machine's plugins hear start and exit with target docker", async () => {
    using home = tempHome();
    const env = withEngine(home.env, conf);
    const file = join(home.dir, "events.jsonl");
    installProbe(home.env.REMOTE_HOME as string, file, "cli");
    const r = await cli(env, ["run", "shell", "--target", "docker", "--image", TEST_IMAGE, "--name", "boxev", "--detach", "--", "--norc", "--noprofile", "-i"]);
    succeeded(r);
    const id = r.stdout.trim();
    made.push(id);
    succeeded(await cli(env, ["stop", "boxev"]));
    expect(heard(file, id)).toEqual([
      { where: "cli", event: "session:start", id, target: "docker" },
      { where: "cli", event: "session:exit", id, target: "docker" },
    ]);
  }, 60_000);
});
