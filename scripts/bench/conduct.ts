/**
 * Conductor benchmark: the time of one `jobs conduct` pass over a store holding 10,000
 * jobs in mixed states (mostly finished, some pending, running, throttled and due).
 * Real SQLite store, real liveness checks; the runner launcher is a stub that records
 * launches, so the number measured is the conductor's own work.
 * Usage: bun scripts/bench/conduct.ts [--jobs 10000] [--passes 5]
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createEventBus } from "../../src/app/plugins.ts";
import { conductPass, formatPass } from "../../src/app/jobs/conduct.ts";
import { createJobEvents } from "../../src/app/jobs/events.ts";
import { transition } from "../../src/domain/jobs/job.ts";
import type { SelfLauncherPort } from "../../src/domain/ports.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { benchEnv, ms } from "./harness.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const TOTAL = arg("--jobs", 10_000);
const PASSES = arg("--passes", 5);

const { dir, env } = benchEnv();
const real = createRealDeps(env);
let launches = 0;
const self = real.process.identify(process.pid);
// Launched runners "are" this process: alive, so later passes see them running.
const launcher: SelfLauncherPort = { launch: () => (launches++, self) };
const deps = { ...real, selfLauncher: launcher, cwd: dir };
const store = deps.jobStore();
const jobDir = join(dir, "jobs");
mkdirSync(jobDir, { recursive: true });

const mix = { done: Math.round(TOTAL * 0.85), failed: Math.round(TOTAL * 0.05), throttled: 20, running: 8 };
const pending = TOTAL - mix.done - mix.failed - mix.throttled - mix.running;
const t0 = performance.now();
const now = new Date();
const past = new Date(now.getTime() - 20 * 60_000); // older than the AIMD window
for (let i = 0; i < TOTAL; i++) {
  const id = `b${String(i).padStart(6, "0")}`;
  store.insert({ id, profile: "claude", task: `task ${i}`, headless: true, cwd: dir, originCwd: dir, depthBudget: 2, jobDir, maxConcurrent: 64 }, past);
}
// Move the oldest jobs through the machine so the store holds every state.
let moved = 0;
const move = (count: number, apply: (id: string) => void) => {
  for (let i = 0; i < count; i++) apply(`b${String(moved++).padStart(6, "0")}`);
};
const claim = (id: string) => store.mutate(id, (cur) => ({ ...transition(cur, { type: "start" }, past), claim: { token: `c${id}`, at: past.toISOString() }, runner: self }));
move(mix.done, (id) => {
  claim(id);
  store.mutate(id, (cur) => transition(cur, { type: "succeed", exitCode: 0 }, past));
});
move(mix.failed, (id) => {
  claim(id);
  store.mutate(id, (cur) => transition(cur, { type: "fail", reason: "exit code 1", exitCode: 1 }, past));
});
move(mix.throttled, (id) => {
  claim(id);
  // Half are due now, half in an hour.
  const retry = new Date(now.getTime() + (moved % 2 === 0 ? -1000 : 3_600_000));
  store.mutate(id, (cur) => transition(cur, { type: "throttle", signature: "claude:rate-limit", attempts: 1, nextRetryAt: retry }, past));
});
move(mix.running, (id) => claim(id));
const setupMs = performance.now() - t0;

const events = createJobEvents(deps, createEventBus(deps.log));
const times: number[] = [];
const quietDeps = { ...deps, stderr: () => {} };
for (let i = 0; i < PASSES; i++) {
  const start = performance.now();
  const report = await conductPass(quietDeps, events, { maxConcurrent: 64 });
  times.push(performance.now() - start);
  if (i === 0) console.log(`first pass: ${formatPass(report)}`);
}
store.close();
rmSync(dir, { recursive: true, force: true });

const sorted = [...times].sort((a, b) => a - b);
console.log(`store: ${TOTAL} jobs (done ${mix.done}, failed ${mix.failed}, throttled ${mix.throttled}, running ${mix.running}, pending ${pending}), built in ${ms(setupMs)}`);
console.log(`one conductor pass: first ${ms(times[0] ?? 0)}, median of ${PASSES} ${ms(sorted[Math.floor(sorted.length / 2)] ?? 0)}, max ${ms(sorted.at(-1) ?? 0)} (${launches} runners launched)`);
