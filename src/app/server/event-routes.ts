import { z } from "zod";
import { parseLastEventId, type EventLogPort, type StateEvent } from "../../domain/agent-state/state-event.ts";
import type { AppDeps } from "../deps.ts";
import { defineRoute, type Route } from "./route.ts";

/** How often the log is read: the writers (session hosts, job runners) are other processes. */
const POLL_MS = 200;
/** A comment line now and then, so proxies and the server's idle timeout (60 s) keep the stream open. */
const KEEPALIVE_MS = 15_000;

const EventsQuery = z.object({
  after: z.string().regex(/^\d{1,15}$/).optional().describe("Start after this event id (0: every event still kept); the Last-Event-ID header wins"),
});

const sse = (event: StateEvent) => `id: ${event.id}\nevent: ${event.subject}\ndata: ${JSON.stringify(event)}\n\n`;

/**
 * The events after `cursor`, then the new ones as they are logged, as Server-Sent Events.
 * A client that resumes from further back than the log keeps is told so first (`event: gap`),
 * rather than left to believe it saw everything.
 */
export function eventStream(log: EventLogPort, cursor: number, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let poll: ReturnType<typeof setInterval> | undefined;
  let keepalive: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    clearInterval(poll);
    clearInterval(keepalive);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop(); // the client went away
        }
      };
      const oldest = log.oldestId();
      if (oldest !== undefined && cursor < oldest - 1) send(`event: gap\ndata: ${JSON.stringify({ after: cursor, oldestKept: oldest })}\n\n`);
      // Tells the client where it stands even before the first event (and that the stream is open).
      send(`: connected at event ${log.lastId()}\nretry: 1000\n\n`);
      const drain = () => {
        for (;;) {
          const batch = log.after(cursor, 500);
          for (const event of batch) {
            send(sse(event));
            cursor = event.id;
          }
          if (batch.length < 500) return;
        }
      };
      drain();
      poll = setInterval(() => {
        try {
          drain();
        } catch {
          // A busy store: the next tick reads again, from the same cursor (nothing is skipped).
        }
      }, POLL_MS);
      keepalive = setInterval(() => send(": keepalive\n\n"), KEEPALIVE_MS);
      signal.addEventListener("abort", () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
    },
    cancel: stop,
  });
}

/** GET /events: session agent states and job states as they change (SSE, resumable with Last-Event-ID). */
export function eventRoutes(app: Pick<AppDeps, "eventLog">): Route[] {
  return [
    defineRoute({
      method: "GET",
      path: "/events",
      operationId: "streamEvents",
      summary: "Session agent-state and job-state changes as Server-Sent Events; resume with the Last-Event-ID header (or ?after=)",
      query: EventsQuery,
      responses: { 200: { description: "text/event-stream: `event: session|job`, `id: <n>`, `data: {id, subject, subjectId, name, state, previous, at, resetAt, detail}`; `event: gap` when the resume point was pruned", contentType: "text/event-stream" } },
      handle: ({ request, query }) => {
        const log = app.eventLog();
        const resumeFrom = parseLastEventId(request.headers.get("last-event-id")) ?? parseLastEventId(query.after);
        const cursor = resumeFrom ?? log.lastId();
        return new Response(eventStream(log, cursor, request.signal), {
          headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
        });
      },
    }),
  ];
}
