/**
 * Debian's chromium for the browser view's tests and its screenshot script: the flags this
 * machine needs (no background networking: its connections are refused here), a 390 px
 * wide touch viewport (a phone held upright), and the page's terminal read as text.
 */
import type { Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
} as const;

/** The page's scroll width beyond the viewport, and every visible element whose box sticks out of it (should be []). */
export function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width) out.push(`document scrollWidth ${document.documentElement.scrollWidth} > ${width}`);
    for (const element of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      // Inside xterm: its hidden measuring and accessibility elements sit off-screen on purpose.
      if (element.closest(".xterm")) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right > width + 0.5 || box.left < -0.5) out.push(`${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}.${element.className} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
    }
    return out;
  });
}

export type RemoteView = { screenText: () => string; attachedSessionId: () => string | undefined };

/** The page's terminal buffer as text (window.remoteView, which main.ts exposes). */
export const screenText = (page: Page) => page.evaluate(() => (window as unknown as { remoteView: RemoteView }).remoteView.screenText());

/** Resolves once the page's terminal shows `pattern`; else fails with what it shows. */
export async function waitForScreen(page: Page, pattern: RegExp): Promise<void> {
  try {
    await page.waitForFunction((source) => new RegExp(source, "m").test((window as unknown as { remoteView: RemoteView }).remoteView.screenText()), pattern.source, { timeout: 20_000 });
  } catch (error) {
    throw new Error(`the terminal never showed ${pattern}; it shows:\n${await screenText(page)}\nstatus: ${await page.locator("#status").textContent()}`, { cause: error });
  }
}
