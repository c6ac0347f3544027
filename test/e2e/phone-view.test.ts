/**
 * The browser view as a phone sees it (issue 13 item 5), in Debian's chromium with a
 * 390 px wide touch viewport: nothing wider than the screen, the key bar's bytes reach a
 * real session (Esc, Tab, the arrows, a sticky Ctrl, Ctrl+C), paste and copy through the
 * clipboard, and a session of another profile started from the page.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { CHROMIUM, CHROMIUM_ARGS, PHONE, horizontalOverflow, waitForScreen, type RemoteView } from "../support/phone-browser.ts";

const hasChromium = existsSync(CHROMIUM);
const skipReason = hasChromium ? "" : ` (skipped: no ${CHROMIUM}; apt-get install -y chromium)`;
/** The fake CLIs call their hooks (the agent states shown) through jq. */
const hasJq = Bun.which("jq") !== null;


let browser: Browser | undefined;

/** One browser for the file, launched again if it went away (seen once on a machine loaded 15x over). */
async function liveBrowser(): Promise<Browser> {
  if (browser?.isConnected()) return browser;
  // launch() gives the browser a fresh, empty user data dir of its own.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
  return browser;
}

afterAll(async () => {
  await browser?.close();
});

/** A served REMOTE_HOME with the fake agent CLIs on PATH, for one test; the server stops at the end. */
async function served(prefix: string, run: (serve: ServeProcess, home: ReturnType<typeof tempHome>) => Promise<void>) {
  using home = tempHome(prefix);
  home.env.PATH = `${join(import.meta.dir, "..", "fixtures", "bin")}:${home.env.PATH}`;
  const serve = await startServe(home);
  try {
    await run(serve, home);
  } finally {
    await serve.stop();
  }
}

/** The page on a phone, unlocked with the token. `prepare` runs on the context before the page opens. */
async function openPhone(serve: ServeProcess, prepare: (context: BrowserContext) => Promise<void> = async () => {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await (await liveBrowser()).newContext({ ...PHONE });
  await prepare(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${serve.url}/`);
  await page.locator("#token-input").fill(serve.token);
  await page.locator("#token-input").press("Enter");
  await page.locator("#token-gate").waitFor({ state: "hidden" });
  return { context, page, errors };
}

/** Nothing sticks out of the 390 px, the page threw nothing; then the context closes. */
async function expectTidy(opened: { context: BrowserContext; page: Page; errors: string[] }) {
  expect(await horizontalOverflow(opened.page)).toEqual([]);
  expect(opened.errors).toEqual([]);
  await opened.context.close();
}

test.skipIf(!hasChromium)(
  `at 390 px on a touch screen: no horizontal overflow, and the key bar's bytes reach a real shell${skipReason}`,
  () =>
    served("remote-phone-", async (serve) => {
      const created = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", displayName: "phone-shell", startupArgs: ["--norc", "--noprofile", "-i"] }) });
      expect(created.status).toBe(201);
      const id = ((await created.json()) as { id: string }).id;
      const opened = await openPhone(serve, (context) => context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: serve.url }));
      const { page } = opened;

      // Before attaching: the list, the start form and the key bar all fit in 390 px.
      const row = page.locator(`#session-list button[data-session-id="${id}"]`);
      await row.waitFor();
      expect(await page.locator("#key-bar").isVisible()).toBe(true);
      expect(await horizontalOverflow(page)).toEqual([]);

      await row.tap();
      await page.locator("#status", { hasText: "Attached to phone-shell" }).waitFor();
      expect(await horizontalOverflow(page)).toEqual([]);
      // The terminal fits the screen: xterm sized itself to the pane, not to 80 columns.
      const cols = await page.evaluate(() => document.querySelector(".xterm-screen")?.getBoundingClientRect().right ?? 9999);
      expect(cols).toBeLessThanOrEqual(PHONE.viewport.width);

      // `cat -vT` shows every byte it reads (the tty's own echo is off, so only cat's line shows):
      // each key of the bar, then a sticky Ctrl + g (BEL).
      await page.locator("#terminal").tap();
      await page.keyboard.type("stty -echo; cat -vT");
      await page.keyboard.press("Enter");
      await waitForScreen(page, /cat -vT\s*$/m);
      for (const key of ["esc", "tab", "up", "down", "right", "left"]) await page.locator(`#key-bar [data-key="${key}"]`).tap();
      await page.locator('#key-bar [data-key="ctrl"]').tap();
      expect(await page.locator('#key-bar [data-key="ctrl"]').getAttribute("aria-pressed")).toBe("true");
      await page.keyboard.type("g");
      expect(await page.locator('#key-bar [data-key="ctrl"]').getAttribute("aria-pressed")).toBe("false");
      await page.keyboard.type("x");
      await page.keyboard.press("Enter");
      await waitForScreen(page, /^\^\[\^I\^\[\[A\^\[\[B\^\[\[C\^\[\[D\^Gx\s*$/m);
      // Ctrl+C ends cat: the shell answers again.
      await page.locator('#key-bar [data-key="ctrl-c"]').tap();
      await page.keyboard.type("stty echo; echo back-$((6*7))");
      await page.keyboard.press("Enter");
      await waitForScreen(page, /^back-42\s*$/m);
      // The keys kept the focus on the terminal (a phone's keyboard stays up).
      expect(await page.evaluate(() => document.activeElement?.classList.contains("xterm-helper-textarea"))).toBe(true);

      // Paste from the clipboard, then copy the screen back into it.
      await page.evaluate(() => navigator.clipboard.writeText("echo pasted-$((2+3))"));
      await page.locator("#paste").tap();
      await waitForScreen(page, /echo pasted-\$\(\(2\+3\)\)\s*$/m);
      await page.keyboard.press("Enter");
      await waitForScreen(page, /^pasted-5\s*$/m);
      await page.locator("#copy").tap();
      await page.locator("#status", { hasText: "Copied" }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^pasted-5$/m);

      // The host's own screen (not the page's) has what the keys sent.
      const logs = (await (await serve.api(`/sessions/${id}/logs?lines=50`)).json()) as { text: string };
      expect(logs.text).toMatch(/^\^\[\^I\^\[\[A\^\[\[B\^\[\[C\^\[\[D\^Gx\s*$/m);
      await expectTidy(opened);
    }),
  90_000,
);

test.skipIf(!hasChromium)(
  `a session of another profile is started from the page (here a fake claude CLI), attached, and pasted into through the sheet${skipReason}`,
  () =>
    served("remote-phone-profile-", async (serve) => {
      const opened = await openPhone(serve);
      const { page } = opened;
      expect(await page.locator("#new-profile option").allTextContents()).toEqual(["shell", "claude", "codex", "gemini", "opencode", "agy", "mistral"]);
      await page.locator("#new-profile").selectOption("claude");
      await page.locator("#new-session").tap();
      await page.locator("#status", { hasText: /Attached to claude-/ }).waitFor({ timeout: 20_000 });
      const sessions = (await (await serve.api("/sessions")).json()) as { sessions: { id: string; profile: string }[] };
      expect(sessions.sessions.map((s) => s.profile)).toEqual(["claude"]);
      expect(await page.evaluate(() => (window as unknown as { remoteView: RemoteView }).remoteView.attachedSessionId())).toBe(sessions.sessions[0]?.id);
      // No clipboard permission here (as on a plain-http LAN address): Paste opens a sheet to paste into by hand.
      await waitForScreen(page, /^> $/m);
      await page.locator("#paste").tap();
      await page.locator("#clip-sheet").waitFor();
      await page.locator("#clip-text").fill("hello from the sheet");
      await page.locator("#clip-send").tap();
      await page.locator("#clip-sheet").waitFor({ state: "hidden" });
      await waitForScreen(page, /^> hello from the sheet$/m);
      await page.keyboard.press("Enter");
      await waitForScreen(page, /^> hello from the sheet\s*\n.+/m);
      await expectTidy(opened);
    }),
  60_000,
);

test.skipIf(!hasChromium || !hasJq)(
  `who needs you comes first, with badges, and a Web Notification (once allowed) when a session starts to need you${skipReason}${hasJq ? "" : " (skipped: no jq; apt-get install -y jq)"}`,
  () =>
    served("remote-phone-notify-", async (serve, home) => {
      const start = async (name: string) => {
        const response = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "claude", displayName: name, cwd: home.dir }) });
        expect(response.status).toBe(201);
        return ((await response.json()) as { id: string }).id;
      };
      const first = await start("first");
      const second = await start("second");
      const eventStatuses: number[] = [];
      const opened = await openPhone(serve, async (context) => {
        // The page follows GET /events (with the token in a header), not only its 5 s poll.
        context.on("response", (response) => {
          if (new URL(response.url()).pathname === "/events") eventStatuses.push(response.status());
        });
        await context.grantPermissions(["notifications"], { origin: serve.url });
        // What the page asks the browser to show, written down (a headless browser shows nothing to look at).
        await context.addInitScript(() => {
          const shown: { title: string; body: string | undefined; tag: string | undefined }[] = [];
          (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
          const Real = window.Notification;
          const Recording = function (title: string, options?: NotificationOptions) {
            shown.push({ title, body: options?.body, tag: options?.tag });
            return new Real(title, options);
          } as unknown as typeof Notification;
          Object.defineProperty(Recording, "permission", { get: () => Real.permission });
          Recording.requestPermission = Real.requestPermission.bind(Real);
          window.Notification = Recording;
        });
      });
      const { page } = opened;
      // Both claude sessions announced themselves through their SessionStart hook: waiting.
      for (const id of [first, second]) await page.locator(`#session-list button[data-session-id="${id}"] .badge`, { hasText: /^waiting \d+s$/ }).waitFor({ timeout: 20_000 });

      await page.locator("#notify-toggle").tap();
      await page.locator('#notify-toggle[aria-pressed="true"]').waitFor();
      // The second asks for a permission (its Notification hook): it moves to the top, and the person is told.
      expect((await serve.api(`/sessions/${second}/send`, { method: "POST", body: JSON.stringify({ text: "/tool", enter: true }) })).status).toBe(204);
      await page.locator(`#session-list li:first-child button[data-session-id="${second}"] .badge[data-state="needs-approval"]`).waitFor({ timeout: 20_000 });
      await page.waitForFunction(() => (window as unknown as { shownNotifications: unknown[] }).shownNotifications.length > 0);
      const shown = await page.evaluate(() => (window as unknown as { shownNotifications: unknown[] }).shownNotifications);
      expect(shown).toEqual([{ title: "second needs your approval", body: `claude session ${second}`, tag: second }]);
      expect(await page.locator("#session-list .session-name").allTextContents()).toEqual(["second", "first"]);
      expect(eventStatuses).toContain(200);
      await expectTidy(opened);
    }),
  60_000,
);
