/**
 * The attach client passes bytes through unchanged and gives the person's terminal back as it
 * found it. The client runs in a real PTY whose output the test reads raw.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";

// Markers are printed with printf %s so the command line itself never contains them.
const START = "S1ART";
const END = "END";

describe("attach transparency", () => {
  test("a program that turned off its output translation prints a\\nb: the client's terminal receives exactly a\\nb", async () => {
    using home = tempHome();
    // -opost: the session's own PTY passes \n as is; -echo: the key that triggers the print is not echoed.
    const program = `stty -opost -echo; printf 'S%sART' 1; read x; printf 'a\\nb'; printf 'E%sD' N; read y`;
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "bytes", "--", "-c", program])).code).toBe(0);

    const client = ptyClient(home.env, [...remoteCommand(), "attach", "bytes"]);
    try {
      await client.waitFor((screen) => screen.includes(START), "the session's screen");
      const before = client.raw().length;
      client.type("\r");
      await client.waitFor((_s, raw) => raw.indexOf(END, before) >= 0, "the printed bytes");
      // The program's bytes reached the terminal untranslated (with OPOST on they arrive as a\r\nb).
      const written = client.raw().slice(before);
      expect(written).toContain(`a\nb${END}`);
      expect(written).not.toContain("a\r\nb");
    } finally {
      client.type("\x10\x11");
      await client.proc.exited;
      await cli(home.env, ["stop", "bytes"]);
    }
  });

  test("after detach the terminal's modes are exactly those before, the session's modes are reset, and the message is on a fresh line", async () => {
    using home = tempHome();
    const before = join(home.dir, "before.stty");
    const after = join(home.dir, "after.stty");
    // Bracketed paste, mouse reporting, application cursor keys on; a line on the last row; the cursor one row above it.
    const program = `printf '\\033[?2004h\\033[?1000h\\033[?1h\\033[24;1HLAST-%s\\033[23;1HS%sART' ROW 1; exec cat >/dev/null`;
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "modes", "--", "-c", program])).code).toBe(0);

    // The person's shell: note the modes, attach, note them again.
    const client = ptyClient(home.env, ["sh", "-c", `stty -g > '${before}'; "$@"; stty -g > '${after}'`, "sh", ...remoteCommand(), "attach", "modes"]);
    try {
      await client.waitFor((screen) => screen.includes(START) && screen.includes("LAST-ROW"), "the session's screen");
      expect(client.screen.modes).toMatchObject({ bracketedPasteMode: true, applicationCursorKeysMode: true });
      expect(client.screen.modes.mouseTrackingMode).not.toBe("none");
      client.type("\x10\x11");
      expect(await client.proc.exited).toBe(0);
    } finally {
      await cli(home.env, ["stop", "modes"]);
    }
    const modesBefore = readFileSync(before, "utf8").trim();
    expect(modesBefore).not.toBe("");
    expect(readFileSync(after, "utf8").trim()).toBe(modesBefore);
    await client.waitFor((screen) => screen.includes("[detached from modes"), "the detach message");
    expect(client.screen.modes).toMatchObject({ bracketedPasteMode: false, applicationCursorKeysMode: false, mouseTrackingMode: "none" });
    // The last row the session drew is still there, above the message, not drawn over.
    const lines = client.text().split("\n");
    const lastRow = lines.findIndex((l) => l.includes("LAST-ROW"));
    const message = lines.findIndex((l) => l.includes("[detached from modes"));
    expect(lastRow).toBeGreaterThanOrEqual(0);
    expect(message).toBeGreaterThan(lastRow);
  });
});
