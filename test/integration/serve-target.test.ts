/**
 * Targets through `remote serve` (issue 9): `target` in POST /sessions. Bad input first (no
 * engine needed: every refusal happens before anything starts), then a docker session made
 * through the API with the real podman: attached over the WebSocket, its screen seen,
 * stopped, its container gone; and `remote smoke --target docker` against the same server.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FrameType, type Frame } from "../../src/domain/host-protocol.ts";
import { cli, tempHome } from "../support/cli.ts";
import { TEST_IMAGE, engineMissingReason, podmanOut, prepareEngine, removeContainersOf, withEngine } from "../support/container-engine.ts";
import { outputOf, startServe, wsClient, type ServeProcess } from "../support/serve.ts";

/** The snapshot a client starts from, then the output after it. */
const screenOf = (frames: readonly Frame[]) => new TextDecoder().decode(frames.find((f) => f.type === FrameType.snapshot)?.data ?? new Uint8Array()) + outputOf(frames);

type ErrorJson = { code: string; message: string; hint?: string };

const callOf = (serve: ServeProcess) => async (path: string, init: RequestInit = {}) => {
  const r = await serve.api(path, init);
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : {}) as ErrorJson & Record<string, unknown> };
};

describe("POST /sessions refuses target fields it cannot honour (no engine needed)", () => {
  const home = tempHome("remote-serve-target-");
  let serve: ServeProcess;
  let call: ReturnType<typeof callOf>;
  beforeAll(async () => {
    serve = await startServe(home);
    call = callOf(serve);
  });
  afterAll(async () => {
    await serve.stop();
    home[Symbol.dispose]();
  });
  const create = (body: Record<string, unknown>) => call("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", ...body }) });

  test("an unknown target: 400 listing the known ones", async () => {
    const r = await create({ target: "mars" });
    expect(r).toMatchObject({ status: 400, body: { code: "INVALID_BODY" } });
    for (const known of ["local", "docker", "kubernetes"]) expect(r.body.message).toContain(known);
  });

  test("kubernetes: fields it cannot honour and a bad namespace are 400 before kubectl is asked, nothing started", async () => {
    expect(await create({ target: "kubernetes", env: { REMOTE_JOB_ID: "j1" } })).toMatchObject({ status: 400, body: { code: "FIELD_NEEDS_TARGET" } });
    expect(await create({ target: "kubernetes", namespace: "Not_A_Namespace" })).toMatchObject({ status: 400, body: { code: "INVALID_FLAG" } });
    expect(await create({ target: "docker", namespace: "team" })).toMatchObject({ status: 400, body: { code: "FIELD_NEEDS_TARGET" } });
    expect((await call("/sessions")).body.sessions).toEqual([]);
  });

  test("image, cpu, memory with target local (given or by default): 400 naming them, with the fix", async () => {
    for (const body of [{ image: TEST_IMAGE }, { target: "local", cpu: "1", memory: "512Mi" }]) {
      const r = await create(body);
      expect(r).toMatchObject({ status: 400, body: { code: "FIELD_NEEDS_TARGET" } });
      for (const field of Object.keys(body).filter((k) => k !== "target")) expect(r.body.message).toContain(field);
      expect(r.body.hint).toContain('"target": "docker"');
    }
  });

  test("env with target docker: 400 (a container gets no job env); a bad credential path: 400 before anything starts", async () => {
    const r = await create({ target: "docker", env: { REMOTE_JOB_ID: "j1" } });
    expect(r).toMatchObject({ status: 400, body: { code: "FIELD_NEEDS_TARGET" } });
    expect(r.body.message).toContain("env");
    expect((await create({ target: "docker", credentials: { "../.ssh/id_rsa": "e30=" } })).body.code).toBe("INVALID_CREDENTIAL_PATH");
    expect((await call("/sessions")).body.sessions).toEqual([]);
  });

  test("malformed cpu, memory, empty image: 400 before any engine is asked", async () => {
    expect(await create({ target: "docker", cpu: "lots" })).toMatchObject({ status: 400, body: { code: "INVALID_FLAG" } });
    expect(await create({ target: "docker", memory: "12 parsecs" })).toMatchObject({ status: 400, body: { code: "INVALID_FLAG" } });
    expect(await create({ target: "docker", image: "  " })).toMatchObject({ status: 400, body: { code: "INVALID_BODY" } });
    expect((await call("/sessions")).body.sessions).toEqual([]);
  });

  test("the OpenAPI document lists the targets and the container fields", async () => {
    const doc = JSON.stringify((await call("/openapi.json")).body);
    expect(doc).toContain('"enum":["local","docker","kubernetes"]');
    for (const field of ['"image"', '"cpu"', '"memory"', '"context"', '"namespace"', '"targetState"']) expect(doc).toContain(field);
  });
});

if (engineMissingReason) console.warn(`skipping serve docker target tests: ${engineMissingReason}`);

describe.skipIf(engineMissingReason !== undefined)("remote serve on target docker (real podman, --network none)", () => {
  const home = tempHome("remote-serve-docker-");
  let conf = "";
  let serve: ServeProcess;
  let call: ReturnType<typeof callOf>;
  const made: string[] = [];
  beforeAll(async () => {
    conf = (await prepareEngine()).containersConf;
    const env = withEngine(home.env, conf);
    // The server's default target is docker: a body without `target` lands in a container.
    writeFileSync(join(env.REMOTE_HOME as string, "config.toml"), 'container_network = "none"\ncontainer_engine = "podman"\ndefault_target = "docker"\n');
    serve = await startServe({ env });
    call = callOf(serve);
  }, 180_000);
  afterAll(async () => {
    await serve?.stop();
    await removeContainersOf(conf, made);
    home[Symbol.dispose]();
  });

  test("created through the API, attached over the WebSocket, its screen seen, stopped, its container removed", async () => {
    const created = await call("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", displayName: "served", image: TEST_IMAGE, memory: "256Mi", cols: 100, rows: 30, startupArgs: ["--norc", "--noprofile", "-i"] }) });
    expect(created).toMatchObject({ status: 201, body: { name: "served", state: "running", target: "docker" } });
    const id = created.body.id as string;
    made.push(id);
    const container = created.body.container as string;
    expect(container).toBe(`remote-${id}`);
    // The memory limit reached the engine (honoured, not parsed and ignored).
    expect((await podmanOut(conf, ["inspect", "--format", "{{.HostConfig.Memory}}", container])).stdout).toBe(String(256 * 1024 * 1024));
    const listed = (await call("/sessions")).body.sessions as Array<{ id: string; target: string; container: string | null }>;
    expect(listed).toEqual([expect.objectContaining({ id, target: "docker", container })]);

    const ws = wsClient(`${serve.wsUrl}/sessions/${id}/attach`, { headers: { authorization: `Bearer ${serve.token}` } });
    await ws.opened;
    ws.hello({ clientId: "served-test", cols: 100, rows: 30 });
    // The prompt was painted before we attached: it arrives as the screen snapshot.
    await ws.waitFor((frames) => /bash-[\d.]+\$ /.test(screenOf(frames)), "the container shell's prompt", 30_000);
    ws.input(1, "echo in-box-$((6*7)) $(cat /proc/sys/kernel/hostname)\r");
    await ws.waitFor((frames) => /in-box-42 \S+/.test(outputOf(frames)), "the echo's output through the relay");
    ws.close();
    await ws.closed;

    const stopped = await call(`/sessions/${id}/stop`, { method: "POST", body: "{}" });
    expect(stopped.status).toBe(200);
    expect(["exited", "failed"]).toContain(stopped.body.state as string);
    expect((await podmanOut(conf, ["ps", "--all", "--quiet", "--filter", `label=remote.dev/session-id=${id}`])).stdout).toBe("");
  }, 120_000);

  test("`remote smoke shell --target docker`: one line, exit 0, container gone; a bad target exits 2", async () => {
    const client = tempHome("remote-serve-docker-cli-");
    try {
      const env = { ...client.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
      const r = await cli(env, ["smoke", "shell", "--target", "docker", "--remote", serve.url, "--timeout", "60"]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      expect(r.stdout).toMatch(/^smoke ok: shell session [a-z0-9]{8} on 127\.0\.0\.1:\d+ \(target docker\): terminal open after \d+ ms, stopped\n$/);
      const id = /session ([a-z0-9]{8})/.exec(r.stdout)?.[1] as string;
      made.push(id);
      expect((await podmanOut(conf, ["ps", "--all", "--quiet", "--filter", `label=remote.dev/session-id=${id}`])).stdout).toBe("");
      const bad = await cli(env, ["smoke", "shell", "--target", "dokcer", "--remote", serve.url]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("Did you mean --target docker?");
    } finally {
      client[Symbol.dispose]();
    }
  }, 120_000);
});
