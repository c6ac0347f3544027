import type { DesktopNotifierPort } from "../../domain/ports.ts";

export type DesktopNotifierOptions = {
  /** Where to look for the notifier (its PATH) and what the notifier runs with (DBUS_SESSION_BUS_ADDRESS, DISPLAY). */
  readonly env: Readonly<Record<string, string>>;
  /** @default process.platform */
  readonly platform?: NodeJS.Platform;
  /** A notifier that hangs (no D-Bus answering) is given up on after this long. @default 5000 */
  readonly timeoutMs?: number;
};

/**
 * The system's desktop notifier, or undefined where there is none (a server, a container):
 * osascript on macOS, notify-send (libnotify) elsewhere. Title and body go as argv elements,
 * never inside a script or shell string: osascript reads them as `argv` of an `on run` handler.
 */
export function createDesktopNotifier(options: DesktopNotifierOptions): DesktopNotifierPort | undefined {
  const platform = options.platform ?? process.platform;
  const program = platform === "darwin" ? "osascript" : "notify-send";
  const path = Bun.which(program, { PATH: options.env.PATH ?? "" });
  if (path === null) return undefined;
  const argv = (title: string, body: string, urgent: boolean): string[] =>
    platform === "darwin"
      ? [path, "-e", "on run argv", "-e", "display notification (item 2 of argv) with title (item 1 of argv)", "-e", "end run", title, body]
      : [path, "--app-name=remote", ...(urgent ? ["--urgency=critical"] : []), title, body];
  return {
    program,
    notify: async (title, body, urgent) => {
      const child = Bun.spawn(argv(title, body, urgent), { env: { ...options.env }, stdin: "ignore", stdout: "ignore", stderr: "pipe", timeout: options.timeoutMs ?? 5000 });
      const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
      if (code !== 0) throw new Error(`${program} exited ${code}${child.signalCode ? ` (${child.signalCode})` : ""}: ${stderr.trim().slice(0, 200) || "no message"}`);
    },
  };
}
