/// <reference lib="dom" />
/**
 * The control plane's live state changes (`GET /events`, server-sent events) as pokes:
 * each event makes the page look at the session list again at once, instead of at the
 * next poll. EventSource cannot send the token (no headers), so this reads the stream
 * with fetch. Nothing is lost by a drop: the list is fetched whole on every poke and
 * reconnect. A server without /events (an older one, 404) leaves the page to its polling.
 */
export type EventPokes = { readonly close: () => void };

const RETRY_MS = [1000, 2000, 5000, 10_000, 30_000] as const;

export function watchEvents(options: { readonly token: () => string | undefined; readonly onEvent: () => void; readonly onConnected: () => void }): EventPokes {
  let closed = false;
  let controller: AbortController | undefined;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const again = () => {
    if (closed) return;
    const wait = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)] as number;
    timer = setTimeout(connect, wait);
  };

  async function connect() {
    const token = options.token();
    if (closed || token === undefined) return again();
    controller = new AbortController();
    let response: Response;
    try {
      response = await fetch("/events", { headers: { accept: "text/event-stream", authorization: `Bearer ${token}` }, cache: "no-store", credentials: "omit", signal: controller.signal });
    } catch {
      return again();
    }
    if (response.status === 404) return; // no event stream on this server: polling it is
    if (!response.ok || !response.body) return again();
    failures = 0;
    options.onConnected();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffered += value;
        // An event ends at a blank line; a `data:` line in it means a change (comments keep the line alive).
        let end: number;
        while ((end = buffered.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end).replace(/^\r?\n\r?\n/, "");
          if (/^data:/m.test(block)) options.onEvent();
        }
      }
    } catch {
      // dropped (or closed by us): reconnect below unless closed
    }
    again();
  }

  void connect();
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
      controller?.abort();
    },
  };
}
