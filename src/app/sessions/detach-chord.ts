import { DETACH_CHORD_WAIT_MS, feedDetachKeys, flushDetachKeys, initialDetachState } from "../../domain/detach-keys.ts";

/**
 * Keys as typed, with the detach chord (Ctrl+P Ctrl+Q) taken out: whoever reads the person's
 * terminal runs one (the attach client, or the session host reading it itself). A lone Ctrl+P
 * is forwarded if its Ctrl+Q does not follow soon.
 */
export function detachChord(handlers: { readonly forward: (data: Uint8Array) => void; readonly detach: () => void }) {
  let state = initialDetachState;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const forward = (data: Uint8Array) => {
    if (data.length > 0) handlers.forward(data);
  };
  return {
    feed: (data: Uint8Array) => {
      clearTimeout(timer);
      const step = feedDetachKeys(state, data);
      state = step.state;
      forward(step.forward);
      if (step.detach) return handlers.detach();
      if (state.pending) {
        timer = setTimeout(() => {
          const flushed = flushDetachKeys(state);
          state = flushed.state;
          forward(flushed.forward);
        }, DETACH_CHORD_WAIT_MS);
      }
    },
    dispose: () => clearTimeout(timer),
  };
}
