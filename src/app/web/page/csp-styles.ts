/// <reference lib="dom" />
/**
 * xterm.js sizes its rows and themes its scrollbar through <style> elements it creates at
 * run time. The page's Content-Security-Policy allows no inline <style> (style-src 'self'),
 * so the browser ignores them; their text is mirrored here into constructed style sheets,
 * which a CSP does not govern. The policy stays strict and the terminal still lays out.
 */
export function mirrorInlineStyles(doc: Document): () => void {
  const mirrored = new Map<HTMLStyleElement, { sheet: CSSStyleSheet; text: string }>();
  const sync = () => {
    const present = new Set(Array.from(doc.querySelectorAll("style")));
    let changed = false;
    for (const element of present) {
      const text = element.textContent ?? "";
      const known = mirrored.get(element);
      if (known && known.text === text) continue;
      const sheet = known?.sheet ?? new CSSStyleSheet();
      sheet.replaceSync(text);
      mirrored.set(element, { sheet, text });
      changed = true;
    }
    for (const element of [...mirrored.keys()]) {
      if (!present.has(element)) {
        mirrored.delete(element);
        changed = true;
      }
    }
    if (changed) doc.adoptedStyleSheets = [...[...mirrored.values()].map((m) => m.sheet)];
  };
  const observer = new MutationObserver((records) => {
    // Terminal rows change on every frame; only style elements (or their text) matter here.
    if (records.some((r) => r.target.nodeName === "STYLE" || r.target.parentNode?.nodeName === "STYLE" || [...Array.from(r.addedNodes), ...Array.from(r.removedNodes)].some((n) => n.nodeName === "STYLE"))) sync();
  });
  observer.observe(doc, { subtree: true, childList: true, characterData: true });
  sync();
  return () => observer.disconnect();
}
