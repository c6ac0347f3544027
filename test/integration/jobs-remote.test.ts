/**
 * `remote delegate --remote URL`: the job runs as a control-plane session (metadata
 * {jobId}); its outcome is recorded by the control plane and read back by `jobs status`
 * and `jobs wait` from GET /sessions/:ref, on a client with a store of its own.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cli, tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { fakeBin, jobsHome, readArgvLog, readJsonLines, until } from "./jobs-support.ts";

const server = tempHome("remote-jobs-srv-");
let serve: ServeProcess;
const argvLog = `${server.dir}/argv.jsonl`;

beforeAll(async () => {
  serve = await startServe({ env: { ...server.env, PATH: `${fakeBin}:${server.env.PATH}`, FAKE_CLI_LOG: argvLog } });
});
afterAll(async () => {
  await serve?.stop();
  server[Symbol.dispose]();
});

describe("remote jobs", () => {
  test("a headless job runs on the control plane; status and wait read its result back from there", async () => {
    using me = jobsHome();
    const env = { ...me.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
    const task = "remote task; with $(no expansion)\nand a second line";
    const r = await cli(env, ["delegate", "claude", task, "--headless", "--remote", serve.url], { cwd: me.repo });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[a-z0-9]{8}$/);

    const wait = await cli(env, ["jobs", "wait", id]);
    expect(wait.code).toBe(0);
    const status = JSON.parse((await cli(env, ["jobs", "status", id, "--json"])).stdout);
    expect(status).toMatchObject({ id, state: "done", exitCode: 0, remoteTarget: serve.url });
    // The session is the control plane's, named after the job, and ran the headless argv.
    const session = await (await serve.api(`/sessions/${status.sessionId}`)).json();
    expect(session).toMatchObject({ name: `job-${id}-1`, profile: "claude", state: "exited", exitCode: 0 });
    expect(readArgvLog(argvLog)).toContainEqual(["claude", "-p", task]);
    const logs = await cli(env, ["jobs", "logs", id]);
    expect(logs.stdout).toContain("I read the code and made the change.");
    // Nothing ran here and no worktree was made.
    expect(readJsonLines<string[]>(me.argvLog)).toEqual([]);
    expect(me.git(["worktree", "list"]).trim().split("\n")).toHaveLength(1);
  }, 60_000);

  test("a failing remote job: wait exits with the code the control plane recorded", async () => {
    using me = jobsHome();
    const env = { ...me.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
    const id = (await cli(env, ["delegate", "shell", "exit 7", "--headless", "--remote", serve.url])).stdout.trim();
    expect((await cli(env, ["jobs", "wait", id])).code).toBe(7);
    expect(me.jobs().find((j) => j.id === id)).toMatchObject({ state: "failed", exitCode: 7, failReason: "exit code 7" });
  }, 60_000);

  test("the remote agent gets REMOTE_JOB_ID and the budget minus one, like a local one", async () => {
    using me = jobsHome();
    const env = { ...me.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token, REMOTE_DELEGATE_DEPTH: "3" };
    const id = (await cli(env, ["delegate", "shell", 'printf "job=%s depth=%s" "$REMOTE_JOB_ID" "$REMOTE_DELEGATE_DEPTH"', "--headless", "--remote", serve.url])).stdout.trim();
    expect((await cli(env, ["jobs", "wait", id])).code).toBe(0);
    expect((await cli(env, ["jobs", "logs", id])).stdout).toContain(`job=${id} depth=2`);
  }, 60_000);

  test("cancel stops the control-plane session", async () => {
    using me = jobsHome();
    const env = { ...me.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
    const id = (await cli(env, ["delegate", "shell", "sleep infinity", "--headless", "--remote", serve.url])).stdout.trim();
    const sessionId = await until(() => me.jobs().find((j) => j.id === id)?.sessionId, "the remote session");
    expect((await cli(env, ["jobs", "cancel", id])).code).toBe(0);
    const session = await (await serve.api(`/sessions/${sessionId}`)).json();
    expect(session.state).toBe("exited");
    expect(me.jobs().find((j) => j.id === id)).toMatchObject({ state: "failed", failReason: "cancelled" });
  }, 60_000);

  test("without a token the delegate fails clearly and records nothing", async () => {
    using me = jobsHome();
    const r = await cli(me.env, ["delegate", "claude", "x", "--headless", "--remote", serve.url], { cwd: me.repo });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("no token for that control plane");
    expect(r.stderr).toContain("remote config set token -");
    expect(me.jobs()).toEqual([]);
    // A wrong token: the job is recorded, fails to start, and says why.
    const wrong = await cli({ ...me.env, REMOTE_URL: serve.url, REMOTE_TOKEN: "not-the-token" }, ["delegate", "claude", "x", "--headless", "--remote", serve.url], { cwd: me.repo });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("bearer token is missing or wrong");
    expect(me.jobs()).toEqual([expect.objectContaining({ state: "failed", failReason: expect.stringContaining("could not start") })]);
  }, 30_000);
});
