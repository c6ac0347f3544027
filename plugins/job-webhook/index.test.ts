import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../../test/support/cli.ts";
import { jobsHome, until } from "../../test/integration/jobs-support.ts";

type Posted = { method: string; contentType: string | null; body: { event: string; job: { id: string; state: string; exitCode: number; task: string } } };

test("job-webhook posts job:done as JSON to the configured URL", async () => {
  using home = jobsHome();
  // The handler only records; the test body asserts (an expect thrown in a handler would
  // become a 500 for the plugin, not a failure of this test).
  const received: Posted[] = [];
  let arrived!: () => void;
  const got = new Promise<void>((resolve) => (arrived = resolve));
  using server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      received.push({ method: request.method, contentType: request.headers.get("content-type"), body: (await request.json()) as Posted["body"] });
      arrived();
      return new Response(null, { status: 204 });
    },
  });
  const remoteHome = home.env.REMOTE_HOME as string;
  mkdirSync(remoteHome, { recursive: true });
  writeFileSync(
    join(remoteHome, "config.toml"),
    `plugins = [${JSON.stringify(join(import.meta.dir, "index.ts"))}]\n[plugin.job-webhook]\nurl = "http://127.0.0.1:${server.port}/hook"\n`,
  );
  const r = await cli(home.env, ["delegate", "claude", "ship it", "--headless"], { cwd: home.repo });
  expect(r.code).toBe(0);
  await got;
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({
    method: "POST",
    contentType: "application/json",
    body: { event: "job:done", job: { id: r.stdout.trim(), state: "done", exitCode: 0, task: "ship it" } },
  });
});

test("a webhook that fails is logged by name and the job still ends done", async () => {
  using home = jobsHome();
  using server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("no", { status: 500 }) });
  const remoteHome = home.env.REMOTE_HOME as string;
  mkdirSync(remoteHome, { recursive: true });
  writeFileSync(join(remoteHome, "config.toml"), `plugins = [${JSON.stringify(join(import.meta.dir, "index.ts"))}]\n[plugin.job-webhook]\nurl = "http://127.0.0.1:${server.port}/"\n`);
  const id = (await cli(home.env, ["delegate", "claude", "ship it", "--headless"], { cwd: home.repo })).stdout.trim();
  expect((await cli(home.env, ["jobs", "wait", id])).code).toBe(0);
  const job = home.jobs().find((j) => j.id === id);
  expect(job?.state).toBe("done");
  const logFile = join(job?.jobDir ?? "", "runner.log");
  // The runner logs the failure after it recorded the outcome.
  const log = await until(() => {
    const text = readFileSync(logFile, "utf8");
    return text.includes("plugin 'job-webhook'") ? text : undefined;
  }, "the plugin failure in runner.log");
  expect(log).toContain("plugin 'job-webhook' failed on job:done: POST http://127.0.0.1");
});
