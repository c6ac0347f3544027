/**
 * The browser view (page/index.html, its script and styles) as bytes to serve. A compiled
 * binary carries the page already bundled: `bun build --compile` bundles HTML imports and
 * embeds the output files (`page.files`). From source, the same bundler builds it here
 * once, in memory. Either way no file is read from outside and nothing is fetched from a
 * network, and the HTML is rewritten to load its script and styles from fixed /assets/
 * paths (the bundler's file names carry a content hash that changes with every build).
 */
import type { HTMLBundle } from "bun";
import { RemoteError } from "../../domain/errors.ts";

export type PageFile = { readonly bytes: Uint8Array<ArrayBuffer>; readonly contentType: string; readonly etag: string };
export type PageBundle = { readonly html: PageFile; readonly script: PageFile; readonly styles: PageFile };

export const SCRIPT_PATH = "/assets/page.js";
export const STYLES_PATH = "/assets/page.css";

type Output = { readonly name: string; readonly kind: "html" | "js" | "css" | "other"; readonly contentType: string; readonly bytes: Uint8Array<ArrayBuffer> };

const kindOf = (name: string): Output["kind"] => (name.endsWith(".html") ? "html" : name.endsWith(".js") ? "js" : name.endsWith(".css") ? "css" : "other");
const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const etagOf = (bytes: Uint8Array) => `"${Bun.hash(bytes).toString(36)}"`;

async function embeddedOutputs(files: NonNullable<HTMLBundle["files"]>): Promise<Output[]> {
  return Promise.all(
    files.map(async (f) => ({ name: baseName(f.path), kind: kindOf(f.path), contentType: f.headers["content-type"], bytes: await Bun.file(f.path).bytes() })),
  );
}

async function bundledOutputs(entry: string): Promise<Output[]> {
  const result = await Bun.build({ entrypoints: [entry], target: "browser", minify: true, sourcemap: "none", throw: false });
  if (!result.success) {
    throw new RemoteError("PAGE_BUILD_FAILED", `Cannot bundle the browser view: ${result.logs.map((l) => l.message).join("; ")}`, "Run `npm install` (the page needs @xterm/xterm), or use the compiled binary.", "internal");
  }
  return Promise.all(result.outputs.map(async (o) => ({ name: baseName(o.path), kind: kindOf(o.path), contentType: o.type, bytes: new Uint8Array(await o.arrayBuffer()) })));
}

function only(outputs: readonly Output[], kind: Output["kind"]): Output {
  const found = outputs.filter((o) => o.kind === kind);
  if (found.length !== 1 || outputs.some((o) => o.kind === "other")) {
    throw new RemoteError(
      "PAGE_BUILD_FAILED",
      `Cannot serve the browser view: its bundle holds ${outputs.map((o) => o.name).join(", ")} (expected one .html, one .js and one .css)`,
      "Keep every asset of src/app/web/page inside the script or the style sheet.",
      "internal",
    );
  }
  return found[0] as Output;
}

/** Points the page's <script src> and <link href> at the fixed asset paths. */
function rewriteHtml(html: string, script: Output, styles: Output): string {
  const retarget = (attribute: string) => ({
    element(element: HTMLRewriterTypes.Element) {
      const value = element.getAttribute(attribute);
      if (value === null) return;
      const name = baseName(value);
      if (name === script.name) element.setAttribute(attribute, SCRIPT_PATH);
      else if (name === styles.name) element.setAttribute(attribute, STYLES_PATH);
    },
  });
  return new HTMLRewriter().on("script[src]", retarget("src")).on("link[href]", retarget("href")).transform(html);
}

async function load(page: HTMLBundle): Promise<PageBundle> {
  const outputs = page.files ? await embeddedOutputs(page.files) : await bundledOutputs(page.index);
  const html = only(outputs, "html");
  const script = only(outputs, "js");
  const styles = only(outputs, "css");
  const file = (bytes: Uint8Array<ArrayBuffer>, contentType: string): PageFile => ({ bytes, contentType, etag: etagOf(bytes) });
  return {
    html: file(new TextEncoder().encode(rewriteHtml(new TextDecoder().decode(html.bytes), script, styles)), "text/html; charset=utf-8"),
    script: file(script.bytes, "text/javascript; charset=utf-8"),
    styles: file(styles.bytes, "text/css; charset=utf-8"),
  };
}

/**
 * Loads (or bundles) the page once, on first use. A failure is kept too: it will not mend
 * itself while the server runs (a missing dependency, a broken bundle), and bundling again
 * on every request would cost each one a full build. `onFailure` hears of it once.
 */
export function pageBundleLoader(page: HTMLBundle, onFailure: (error: unknown) => void = () => {}): () => Promise<PageBundle> {
  let loading: Promise<PageBundle> | undefined;
  return () =>
    (loading ??= load(page).catch((error: unknown) => {
      onFailure(error);
      throw error;
    }));
}
