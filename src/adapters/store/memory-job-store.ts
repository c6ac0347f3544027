import { nextToClaim, type AdmissionState } from "../../domain/jobs/admission.ts";
import { claimRun } from "../../domain/jobs/claim.ts";
import { createJob, isFinal, type JobRecord, type JobState } from "../../domain/jobs/job.ts";
import { RemoteError } from "../../domain/errors.ts";
import type { JobStorePort } from "../../domain/ports.ts";

/** The in-memory job store: the test fake. Same rules as SQLite (one process, so every call is atomic). */
export function createMemoryJobStore(): JobStorePort {
  const rows = new Map<string, JobRecord>();
  const throttles: { at: string; jobId: string }[] = [];
  let seq = 0;
  let admission: AdmissionState | undefined;
  const sorted = () => [...rows.values()].sort((a, b) => a.seq - b.seq);
  const write = (before: JobRecord, next: JobRecord) => {
    if (next.id !== before.id || next.seq !== before.seq) {
      throw new RemoteError("INVALID_JOB", `Cannot update job '${before.id}': a change may not alter its id or seq`, "This is a bug in the caller.", "internal");
    }
    rows.set(next.id, next);
    if (before.state !== "throttled" && next.state === "throttled") throttles.push({ at: next.throttle?.lastAt ?? next.throttle?.firstAt ?? new Date(0).toISOString(), jobId: next.id });
    return next;
  };
  return {
    insert: (fields, now) => {
      if (rows.has(fields.id)) throw new Error(`UNIQUE constraint failed: jobs.id (${fields.id})`);
      const job = createJob({ ...fields, seq: ++seq }, now);
      rows.set(job.id, job);
      return job;
    },
    get: (id) => rows.get(id),
    list: (filter) => sorted().filter((j) => filter?.states === undefined || filter.states.includes(j.state)),
    mutate: (id, change) => {
      const current = rows.get(id);
      if (current === undefined) return undefined;
      const next = change(current);
      return next === undefined ? current : write(current, next);
    },
    claimNext: ({ cap, now, token, onlyId }) => {
      const head = nextToClaim(sorted().filter((j) => j.state === "pending" || j.state === "running" || j.state === "throttled"), cap, onlyId);
      if (head === undefined) return undefined;
      return write(head, claimRun(head, "start", token, typeof now === "function" ? now() : now));
    },
    removeEnded: (id) => {
      const job = rows.get(id);
      return job !== undefined && isFinal(job.state) && rows.delete(id);
    },
    throttleTimes: (since) => throttles.filter((t) => t.at > since.toISOString()).map((t) => new Date(t.at)).sort((a, b) => a.getTime() - b.getTime()),
    counts: () => {
      const counts: Record<JobState, number> = { pending: 0, running: 0, throttled: 0, done: 0, failed: 0 };
      for (const j of rows.values()) counts[j.state]++;
      return counts;
    },
    admission: () => admission,
    saveAdmission: (state) => {
      admission = state;
    },
    close: () => {},
  };
}
