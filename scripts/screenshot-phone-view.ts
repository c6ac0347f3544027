/**
 * Takes docs/screenshots/phone-view-390.png: the browser view at 390 px (a phone held
 * upright, Debian's chromium) with three sessions of the fake claude CLI in three agent
 * states, each reached through the CLI's own hooks as in the tests: one asks for approval
 * (a tool permission prompt), one waits for the person (its turn ended), one is working
 * (a long turn). The page is attached to the one that needs approval.
 *
 *   bun scripts/screenshot-phone-view.ts [out.png]
 *
 * Needs /usr/bin/chromium (apt-get install -y chromium) and jq (the fake CLIs' hooks use it).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";
import { repoRoot, tempHome } from "../test/support/cli.ts";
import { CHROMIUM, CHROMIUM_ARGS, PHONE } from "../test/support/phone-browser.ts";
import { startServe } from "../test/support/serve.ts";
import { eventually } from "../test/support/wait.ts";

const out = process.argv[2] ?? join(repoRoot, "docs", "screenshots", "phone-view-390.png");
if (!existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}: apt-get install -y chromium`);

using home = tempHome("remote-screenshot-");
home.env.PATH = `${join(repoRoot, "test", "fixtures", "bin")}:${home.env.PATH}`;
// The fake CLIs hold every answer while this file is missing: open now, closed for the long turn.
const gate = join(home.dir, "gate");
home.env.FAKE_CLI_GATE = gate;
writeFileSync(gate, "");
const serve = await startServe(home);
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  type Listed = { id: string; name: string; agent: { state: string } | null };
  const start = async (name: string) => {
    const response = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "claude", displayName: name, cwd: home.dir, cols: 48, rows: 30 }) });
    if (response.status !== 201) throw new Error(`POST /sessions answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as Listed).id;
  };
  const send = (id: string, text: string) => serve.api(`/sessions/${id}/send`, { method: "POST", body: JSON.stringify({ text, enter: true }) });
  const stateOf = async (id: string) => ((await (await serve.api("/sessions")).json()) as { sessions: Listed[] }).sessions.find((s) => s.id === id)?.agent?.state;
  const reach = (id: string, state: string) => eventually(async () => (await stateOf(id)) === state, `session ${id} to be ${state}`, 20_000);

  const waiting = await start("docs-update");
  await reach(waiting, "waiting");
  await send(waiting, "update the README");
  await eventually(async () => (await stateOf(waiting)) === "waiting" && ((await (await serve.api(`/sessions/${waiting}/logs`)).json()) as { text: string }).text.includes("update the README"), "docs-update to answer", 20_000);
  const working = await start("test-suite");
  await reach(working, "waiting");
  rmSync(gate);
  await send(working, "/hold run the whole suite");
  await reach(working, "working");
  const approval = await start("api-refactor");
  await reach(approval, "waiting");
  await send(approval, "/tool list the files");
  await reach(approval, "needs-approval");

  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  await page.goto(`${serve.url}/`);
  await page.locator("#token-input").fill(serve.token);
  await page.locator("#token-input").press("Enter");
  const row = page.locator(`#session-list button[data-session-id="${approval}"]`);
  await row.locator('.badge[data-state="needs-approval"]').waitFor();
  await row.tap();
  await page.locator("#status", { hasText: "Attached to api-refactor" }).waitFor();
  await page.waitForFunction(() => /Allow Bash/.test((window as unknown as { remoteView: { screenText: () => string } }).remoteView.screenText()));
  // The list as it is now (client counts after the attach), and no cursor blink caught mid-way.
  await page.locator(`#session-list button[data-session-id="${approval}"] .session-meta`, { hasText: "1 client" }).waitFor();
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.error(`wrote ${out}`);
  await context.close();
} finally {
  await browser.close();
  await serve.stop();
}
