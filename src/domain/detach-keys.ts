/**
 * The detach chord Ctrl+P then Ctrl+Q, as a pure state machine over input bytes.
 * A lone Ctrl+P is held back until the next byte (or a timeout the caller runs)
 * decides it: Ctrl+Q detaches, anything else forwards the held Ctrl+P first.
 */
export const CTRL_P = 0x10;
export const CTRL_Q = 0x11;

export type DetachState = { readonly pending: boolean };
export type DetachStep = {
  readonly state: DetachState;
  /** Bytes to forward to the session now. */
  readonly forward: Uint8Array;
  readonly detach: boolean;
};

export const initialDetachState: DetachState = { pending: false };

export function feedDetachKeys(state: DetachState, input: Uint8Array): DetachStep {
  if (!state.pending && !input.includes(CTRL_P)) return { state, forward: input, detach: false };
  const out: number[] = [];
  let pending = state.pending;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] as number;
    if (pending) {
      pending = false;
      if (byte === CTRL_Q) return { state: { pending: false }, forward: Uint8Array.from(out), detach: true };
      out.push(CTRL_P);
      if (byte === CTRL_P) {
        pending = true;
        continue;
      }
      out.push(byte);
    } else if (byte === CTRL_P) {
      pending = true;
    } else {
      out.push(byte);
    }
  }
  return { state: { pending }, forward: Uint8Array.from(out), detach: false };
}

/** The held Ctrl+P timed out: forward it. */
export function flushDetachKeys(state: DetachState): DetachStep {
  return state.pending
    ? { state: { pending: false }, forward: Uint8Array.of(CTRL_P), detach: false }
    : { state, forward: new Uint8Array(0), detach: false };
}

/** How long a lone Ctrl+P waits for its Ctrl+Q before it is forwarded. */
export const DETACH_CHORD_WAIT_MS = 400;
