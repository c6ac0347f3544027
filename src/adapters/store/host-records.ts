import { FrameType, type RecordsReply } from "../../domain/host-protocol.ts";
import type { HostConnectorPort } from "../../domain/ports.ts";
import type { SessionRecord } from "../../domain/session.ts";
import { pathExists } from "../../shared/quick-fs.ts";

/** What the running host server answered: its records, and whether it took the waiting hook events first (see RecordsReply). */
export type HostRecords = { readonly records: readonly SessionRecord[]; readonly hookEventsTaken: boolean };

/**
 * Every session record, as the running host server reads them from its open store; undefined
 * when no server answers (none runs: nothing is hosted here), it fails, or it is slower than
 * `timeoutMs` (the caller then opens the store itself, as it would have anyway).
 */
export async function fetchHostRecords(connector: HostConnectorPort, controlSocket: string, timeoutMs: number): Promise<HostRecords | undefined> {
  let answered!: (reply: RecordsReply | undefined) => void;
  const reply = new Promise<RecordsReply | undefined>((resolve) => (answered = resolve));
  // Looked for first: no server is the common case when nothing runs, and a refused connect costs a stack trace.
  if (!pathExists(controlSocket)) return undefined;
  let conn;
  try {
    conn = await connector.connect(controlSocket, (frame) => {
      if (frame.type === FrameType.reply) answered(frame.reply as RecordsReply);
    });
  } catch {
    return undefined;
  }
  void conn.closed.then(() => answered(undefined));
  const timer = setTimeout(() => answered(undefined), timeoutMs);
  conn.send({ type: FrameType.request, request: { op: "records" } });
  try {
    const got = await reply;
    return got && "records" in got && Array.isArray(got.records) ? { records: got.records, hookEventsTaken: got.hookEventsTaken === true } : undefined;
  } finally {
    clearTimeout(timer);
    conn.close();
  }
}
