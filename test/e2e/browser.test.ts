/**
 * The browser view at `/`, driven in Debian's chromium (never a downloaded browser):
 * token prompt, session list, a shell attached over the WebSocket, a typed command and
 * its output; from source, then a control-plane crash and restart during which typed
 * keys wait in the page and arrive exactly once; and from the compiled binary, whose
 * page and assets are embedded in it.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { compileArgs } from "../../scripts/compile-args.ts";
import { repoRoot, tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { screenText as view, waitForScreen, type RemoteView } from "../support/phone-browser.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const skipReason = hasChromium ? "" : ` (skipped: no ${CHROMIUM}; apt-get install -y chromium)`;
/** Set it to a .png path to keep a screenshot of the attached page (outside the repo). */
const screenshotPath = process.env.REMOTE_BROWSER_SCREENSHOT;


let context: BrowserContext;
const scratch = mkdtempSync(join(tmpdir(), "remote-browser-"));
const binary = join(scratch, "remote");

beforeAll(async () => {
  if (!hasChromium) return;
  // Built exactly as `npm run build` builds dist/remote (scripts/build.ts), into a temp dir.
  const build = Bun.spawn([process.execPath, ...compileArgs(join(repoRoot, "src/main.ts"), binary)], {
    cwd: repoRoot,
    stdout: "ignore",
    stderr: "pipe",
  });
  if ((await build.exited) !== 0) throw new Error(`build failed: ${await new Response(build.stderr).text()}`);
  context = await chromium.launchPersistentContext(join(scratch, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1100, height: 640 },
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** What the page did that it must not: errors, refused scripts, a token in a URL. */
function watch(page: Page) {
  const seen = { pageErrors: [] as string[], scriptViolations: [] as string[], requestUrls: [] as string[], sessionStatuses: [] as number[] };
  page.on("pageerror", (error) => seen.pageErrors.push(error.message));
  page.on("console", (message) => {
    // Refused inline <style> elements are expected (page/csp-styles.ts applies them anyway); a refused script is not.
    if (/Content Security Policy/.test(message.text()) && /script/i.test(message.text())) seen.scriptViolations.push(message.text());
  });
  page.on("request", (request) => seen.requestUrls.push(request.url()));
  page.on("response", (response) => {
    if (new URL(response.url()).pathname === "/sessions") seen.sessionStatuses.push(response.status());
  });
  return seen;
}

/** Opens the page, meets the 401 prompt, enters the token, attaches to the session, runs a command. */
async function attachAndEcho(serve: ServeProcess, sessionId: string, sessionName: string) {
  const page = await context.newPage();
  const seen = watch(page);
  const loaded = await page.goto(`${serve.url}/`);
  expect(loaded?.status()).toBe(200);
  const csp = loaded?.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/(script|style)-src [^;]*unsafe/);

  // Without a token the page's first call is refused, and that is a prompt, not a crash.
  const gate = page.locator("#token-gate");
  await gate.waitFor({ state: "visible" });
  expect(await page.locator("#token-message").textContent()).toContain("401");
  expect(seen.sessionStatuses).toEqual([401]);

  await page.locator("#token-input").fill(serve.token);
  await page.locator("#token-input").press("Enter");
  await gate.waitFor({ state: "hidden" });
  const row = page.locator(`#session-list button[data-session-id="${sessionId}"]`);
  expect(await row.locator(".session-name").textContent()).toBe(sessionName);
  expect(seen.sessionStatuses.slice(0, 2)).toEqual([401, 200]);

  await row.click();
  await page.locator("#status", { hasText: `Attached to ${sessionName}` }).waitFor();
  expect(await page.evaluate(() => (window as unknown as { remoteView: RemoteView }).remoteView.attachedSessionId())).toBe(sessionId);
  // The server counts the page as an attached client.
  await row.locator(".session-meta", { hasText: "1 client" }).waitFor();
  // xterm.js lays its rows out through <style> elements the CSP refuses; the page re-applies them.
  expect(await page.locator(".xterm-rows").evaluate((rows) => getComputedStyle(rows).whiteSpace)).toBe("pre");

  await page.locator("#terminal").click();
  await page.keyboard.type("echo browser-$((6*7))");
  await page.keyboard.press("Enter");
  await waitForScreen(page, /^browser-42\s*$/m);
  return { page, seen };
}

function expectNothingLeaked(page: Page, seen: ReturnType<typeof watch>, serve: ServeProcess) {
  // The token went only into headers and the WebSocket subprotocol: never into a URL.
  expect(page.url()).not.toContain(serve.token);
  expect(seen.requestUrls.filter((u) => u.includes(serve.token))).toEqual([]);
  // Nothing was fetched from anywhere but the server (the icon is inline).
  expect(seen.requestUrls.filter((u) => !(u.startsWith(`${serve.url}/`) || u.startsWith("data:")))).toEqual([]);
  expect(seen.pageErrors).toEqual([]);
  expect(seen.scriptViolations).toEqual([]);
}

async function startShell(serve: ServeProcess, name: string): Promise<string> {
  const created = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", displayName: name, startupArgs: ["--norc", "--noprofile", "-i"] }) });
  expect(created.status).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

test.skipIf(!hasChromium)(
  `from source: token prompt, attach, a typed command's output, and keys typed during a control-plane restart arrive exactly once${skipReason}`,
  async () => {
    using home = tempHome("remote-browser-");
    let serve = await startServe(home);
    try {
      const id = await startShell(serve, "web-shell");
      const { page, seen } = await attachAndEcho(serve, id, "web-shell");
      if (screenshotPath) await page.screenshot({ path: screenshotPath });

      // kill -9 of the control plane, back on the same port: keys typed while it is away
      // wait in the page, and after the reconnect arrive once.
      const port = new URL(serve.url).port;
      await serve.kill();
      await page.locator("#status", { hasText: "reconnecting" }).waitFor();
      await page.keyboard.type("echo again-$((5*5))");
      await page.keyboard.press("Enter");
      serve = await startServe(home, ["--port", port]);
      await page.locator("#status", { hasText: "Reconnected to web-shell" }).waitFor({ timeout: 20_000 });
      await waitForScreen(page, /^again-25\s*$/m);
      // The session's own screen (the host's, not the page's) has the command and its output once each.
      const logs = (await (await serve.api(`/sessions/${id}/logs?lines=200`)).json()) as { text: string };
      expect(logs.text.match(/^again-25\s*$/gm)?.length).toBe(1);
      expect(logs.text.match(/echo again-\$\(\(5\*5\)\)/g)?.length).toBe(1);
      expect((await view(page)).match(/^again-25\s*$/gm)?.length).toBe(1);

      // A shell started from the page, then back to the first session: this tab's clientId
      // already had inputs applied there, and its new keys must not be taken for repeats.
      await page.locator("#new-profile").selectOption("shell");
      await page.locator("#new-session").click();
      await page.waitForFunction((first) => {
        const attached = (window as unknown as { remoteView: RemoteView }).remoteView.attachedSessionId();
        return attached !== undefined && attached !== first && /Attached to/.test(document.getElementById("status")?.textContent ?? "");
      }, id);
      await page.keyboard.type("echo second-$((3*3))");
      await page.keyboard.press("Enter");
      await waitForScreen(page, /^second-9\s*$/m);
      await page.locator(`#session-list button[data-session-id="${id}"]`).click();
      await page.locator("#status", { hasText: "Attached to web-shell" }).waitFor();
      await waitForScreen(page, /^again-25\s*$/m); // the first session's screen is back
      await page.keyboard.type("echo back-$((2*4))");
      await page.keyboard.press("Enter");
      await waitForScreen(page, /^back-8\s*$/m);

      expectNothingLeaked(page, seen, serve);
      await page.close();
    } finally {
      await serve.stop();
    }
  },
  90_000,
);

test.skipIf(!hasChromium)(
  `from the compiled binary: the page and its assets are embedded, and it attaches${skipReason}`,
  async () => {
    using home = tempHome("remote-browser-bin-");
    const serve = await startServe(home, [], [binary]);
    try {
      const id = await startShell(serve, "bin-shell");
      const { page, seen } = await attachAndEcho(serve, id, "bin-shell");
      expectNothingLeaked(page, seen, serve);
      await page.close();
    } finally {
      await serve.stop();
    }
  },
  60_000,
);
