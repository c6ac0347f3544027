/**
 * The job store on a real SQLite file, with several processes racing: claims are atomic
 * (never more slot holders than the cap, each job claimed once, FIFO). The port's
 * single-process rules are in test/contracts/job-store.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createSqliteJobStore } from "../../src/adapters/store/sqlite-job-store.ts";
import { tempHome } from "../support/cli.ts";

const storeModule = join(import.meta.dir, "..", "..", "src", "adapters", "store", "sqlite-job-store.ts");

const fields = (i: number) => ({
  id: `job${String(i).padStart(3, "0")}`,
  profile: "claude",
  task: `task ${i}`,
  headless: true,
  cwd: "/w",
  originCwd: "/w",
  depthBudget: 2,
  jobDir: `/w/.remote/jobs/job${i}`,
  maxConcurrent: 100,
});

describe("sqlite job store", () => {
  test("six processes racing to claim never exceed the cap, and claim each job once, oldest first", async () => {
    using home = tempHome();
    const path = join(home.dir, "remote.db");
    const store = createSqliteJobStore({ path });
    for (let i = 0; i < 40; i++) store.insert(fields(i), new Date());
    // Each process tries 10 claims under cap 5; nobody finishes anything.
    const script = `
      const { createSqliteJobStore } = await import(${JSON.stringify(storeModule)});
      const s = createSqliteJobStore({ path: ${JSON.stringify(path)} });
      const got = [];
      for (let i = 0; i < 10; i++) { const j = s.claimNext({ cap: 5, now: new Date(), token: "t" + process.pid + "-" + i }); if (j) got.push(j.id); }
      console.log(JSON.stringify(got));`;
    const procs = Array.from({ length: 6 }, () => Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "inherit" }));
    const claimed = (await Promise.all(procs.map(async (p) => JSON.parse(await new Response(p.stdout).text()) as string[]))).flat();
    expect(claimed.sort()).toEqual(["job000", "job001", "job002", "job003", "job004"]);
    expect(store.list({ states: ["running"] }).map((j) => j.id)).toEqual(["job000", "job001", "job002", "job003", "job004"]);
    expect(store.counts()).toMatchObject({ pending: 35, running: 5 });
    store.close();
  });
});
