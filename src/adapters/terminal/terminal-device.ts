import { closeSync, constants, fstatSync, openSync, writeSync } from "node:fs";
import type { TerminalIdentity } from "../../domain/host-protocol.ts";
import type { TerminalDevicePort } from "../../domain/ports.ts";

/**
 * The session host's side of a person's terminal (Hello.terminal): opened by name, checked to
 * be the very device the client named and the user's own, never made our controlling terminal.
 * Non-blocking, a descriptor of our own: a full terminal makes a write short (the host relays
 * the rest through the client), never the host server (all sessions) wait.
 */
export function createTerminalDevices(): TerminalDevicePort {
  return {
    open: (identity) => {
      let fd: number;
      try {
        fd = openSync(identity.path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
      } catch {
        return undefined;
      }
      if (!sameDevice(fd, identity)) {
        closeSync(fd);
        return undefined;
      }
      let closed = false;
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      const close = () => {
        if (closed) return;
        closed = true;
        void reader?.cancel().catch(() => {});
        closeSync(fd);
      };
      return {
        write: (data) => {
          if (closed) return 0;
          try {
            return writeSync(fd, data);
          } catch {
            // EAGAIN: full. Anything else (EIO: hung up): the client relays, or is gone soon too.
            return 0;
          }
        },
        read: (handlers) => {
          // Closed already (the client went first): its descriptor number may be another file's by now.
          if (closed) return;
          const current = (reader = Bun.file(fd).stream().getReader());
          void (async () => {
            try {
              for (;;) {
                const { done, value } = await current.read();
                if (done || closed) break;
                handlers.input(value);
              }
            } catch {
              // Hung up, or cancelled by close.
            }
            if (!closed) handlers.end();
          })();
        },
        close,
      };
    },
  };
}

function sameDevice(fd: number, identity: TerminalIdentity): boolean {
  const st = fstatSync(fd);
  return st.isCharacterDevice() && st.dev === identity.dev && st.ino === identity.ino && st.rdev === identity.rdev && st.uid === process.getuid?.();
}
