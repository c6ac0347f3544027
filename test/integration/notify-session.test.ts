/**
 * The notifiers end to end (issue 13 item 4): a real session of the fake claude CLI, whose
 * hooks move it to waiting and then needs-approval as the real CLI's do; config.toml turns
 * on the terminal notifier and the webhook. `remote attach` in a real PTY shows the OSC
 * 9/777 of the change, and a local HTTP server receives the ntfy-compatible POSTs.
 */
import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";
import { eventually } from "../support/wait.ts";

const fixtures = join(import.meta.dir, "..", "fixtures", "bin");
/** The fake CLIs call their hooks through jq; without it no state ever changes. */
const hasJq = Bun.which("jq") !== null;

test.skipIf(!hasJq)(`a claude session that asks for approval: OSC 9/777 on the attached terminal, and an ntfy POST${hasJq ? "" : " (skipped: no jq; apt-get install -y jq)"}`, async () => {
  using home = tempHome("remote-notify-session-");
  home.env.PATH = `${fixtures}:${home.env.PATH}`;
  const posts: { title: string | null; tags: string | null; priority: string | null; body: string }[] = [];
  using server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      posts.push({ title: request.headers.get("title"), tags: request.headers.get("tags"), priority: request.headers.get("priority"), body: await request.text() });
      return new Response("{}");
    },
  });
  const remoteHome = home.env.REMOTE_HOME as string;
  mkdirSync(remoteHome, { recursive: true });
  writeFileSync(
    join(remoteHome, "config.toml"),
    ["notify_terminal = true", `notify_webhook_url = "http://127.0.0.1:${server.port}/my-topic"`, "notify_min_interval_ms = 0", ""].join("\n"),
  );
  const run = await cli(home.env, ["run", "claude", "--detach", "--name", "asker"]);
  expect(run.code).toBe(0);
  // Its SessionStart hook: it waits for the person.
  await eventually(() => posts.some((p) => p.tags === "waiting,claude"), "the waiting POST");

  const attach = ptyClient(home.env, [...remoteCommand(), "attach", "asker"]);
  try {
    await attach.waitFor((screen) => screen.includes(">"), "the fake claude's prompt");
    expect((await cli(home.env, ["send", "asker", "/tool", "--enter"])).code).toBe(0);
    await attach.waitFor((_screen, rawOutput) => rawOutput.includes("\x1b]777;notify;"), "the OSC notification on the attached terminal");
    expect(attach.raw()).toContain("\x1b]9;asker needs your approval: claude session ");
    expect(attach.raw()).toMatch(/\x1b\]777;notify;asker needs your approval;claude session \S+ needs your approval: Claude needs your permission to use Bash\x07/);
    // The OSC is for the terminal, not the session: not in its scrollback.
    expect((await cli(home.env, ["logs", "asker"])).stdout).not.toContain("]9;");
    await eventually(() => posts.some((p) => p.tags === "needs-approval,claude"), "the needs-approval POST");
    expect(posts.find((p) => p.tags === "needs-approval,claude")).toMatchObject({ title: "asker needs your approval", priority: "4", body: expect.stringContaining("needs your approval") });
  } finally {
    attach.proc.kill("SIGKILL");
    await cli(home.env, ["stop", "asker"]);
  }
}, 60_000);
