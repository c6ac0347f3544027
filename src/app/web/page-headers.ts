/**
 * Headers of every response of the browser view. The policy allows nothing from anywhere
 * but this server: no inline or foreign script, no foreign style, font, image or
 * connection, no framing, no form posting (the token field never becomes a URL).
 * Two narrow exceptions, both unable to run code or load anything: `data:` images (the
 * inline icon), and inline style *attributes*, through which xterm.js colours 24-bit
 * colour cells (agent CLIs print those). Inline <style> elements stay forbidden; see
 * page/csp-styles.ts for how xterm's own are applied anyway.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function pageHeaders(contentType: string, etag: string): Record<string, string> {
  return {
    "content-type": contentType,
    "content-security-policy": PAGE_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    // Fixed asset paths: the browser revalidates (a cheap 304) instead of keeping an old build.
    "cache-control": "no-cache",
    etag,
  };
}
