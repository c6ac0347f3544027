import type { KubeObject } from "../../domain/kube/objects.ts";

/**
 * Rendered objects as `kubectl apply -f -` reads them: multi-document YAML (Bun's YAML
 * stringifier), or with --json one `v1/List` holding them all.
 */
export function manifestsText(objects: readonly KubeObject[], json: boolean): string {
  if (json) return `${JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }, null, 2)}\n`;
  return objects.map((o) => `---\n${Bun.YAML.stringify(o, null, 2).trimEnd()}\n`).join("");
}
