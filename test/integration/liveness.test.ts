import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProcessAdapter, parseProcStartTime, parseProcState } from "../../src/adapters/process/process-adapter.ts";
import { viewState, type SessionRecord } from "../../src/domain/session.ts";

const stat = (pid: number, comm: string, start: number) => `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 ${start} 1000 100 0\n`;

test("the start time is read past a comm holding spaces and parentheses", () => {
  expect(parseProcStartTime(stat(42, "weird) (name", 777))).toBe("777");
});

test("a zombie (exited, not yet reaped) is not alive", () => {
  expect(parseProcState(stat(42, "a) (b", 1))).toBe("S");
  const proc = mkdtempSync(join(tmpdir(), "remote-proc-"));
  try {
    mkdirSync(join(proc, "4242"));
    writeFileSync(join(proc, "4242/stat"), stat(4242, "remote", 1000).replace(") S ", ") Z "));
    const adapter = createProcessAdapter({ procRoot: proc });
    const who = adapter.identify(4242);
    expect(who).toBeDefined();
    expect(adapter.isAlive(who!)).toBe(false);
  } finally {
    rmSync(proc, { recursive: true, force: true });
  }
});

test("a live process is alive; the same pid with another start time (reuse) is not", () => {
  const proc = mkdtempSync(join(tmpdir(), "remote-proc-"));
  try {
    mkdirSync(join(proc, "sys/kernel/random"), { recursive: true });
    writeFileSync(join(proc, "sys/kernel/random/boot_id"), "boot-1\n");
    mkdirSync(join(proc, "4242"));
    writeFileSync(join(proc, "4242/stat"), stat(4242, "remote", 1000));
    const adapter = createProcessAdapter({ procRoot: proc });
    const who = adapter.identify(4242);
    expect(who).toEqual({ pid: 4242, startTime: "boot-1:1000" });
    expect(adapter.isAlive(who!)).toBe(true);

    // The pid is reused by an unrelated process after ours died.
    writeFileSync(join(proc, "4242/stat"), stat(4242, "bash", 5000));
    expect(adapter.isAlive(who!)).toBe(false);
    const record = { id: "s", name: "s", source: "run", state: "running", host: who } as unknown as SessionRecord;
    expect(viewState(record, adapter.isAlive)).toBe("lost");

    rmSync(join(proc, "4242"), { recursive: true });
    expect(adapter.isAlive(who!)).toBe(false);
  } finally {
    rmSync(proc, { recursive: true, force: true });
  }
});

test("the real /proc: this process is alive, a dead child is not", async () => {
  const adapter = createProcessAdapter();
  const me = adapter.identify(process.pid);
  expect(me && adapter.isAlive(me)).toBe(true);
  const child = Bun.spawn(["true"]);
  const who = adapter.identify(child.pid);
  await child.exited;
  // Reaped: no /proc entry any more.
  expect(who === undefined || !adapter.isAlive(who)).toBe(true);
});
