import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { looksLikeText, type Tree, type TreeEntry } from "../../src/domain/workspace/merge-tree.ts";

/** Every path under `root` ("/"-separated) with its lstat, links not followed. A missing root is an empty tree. */
const walk = (root: string, prefix = ""): [string, string][] =>
  !existsSync(join(root, prefix))
    ? []
    : readdirSync(join(root, prefix)).flatMap((name) => {
        const path = prefix === "" ? name : `${prefix}/${name}`;
        const full = join(root, path);
        return lstatSync(full).isDirectory() ? [[path, full] as [string, string], ...walk(root, path)] : [[path, full] as [string, string]];
      });

/** The merge's view of a real directory (what the workspace manifest gives in the product). */
export const scanTree = (root: string): Tree =>
  Object.fromEntries(
    walk(root).map(([path, full]): [string, TreeEntry] => {
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) return [path, { type: "link", target: readlinkSync(full) }];
      if (stat.isDirectory()) return [path, { type: "dir" }];
      const bytes = readFileSync(full);
      return [path, { type: "file", sha256: createHash("sha256").update(bytes).digest("hex"), mode: stat.mode & 0o777 }];
    }),
  );

/** A readable picture of a directory for comparing with a golden one: path -> content. */
export const treePicture = (root: string): Record<string, string> =>
  Object.fromEntries(
    walk(root).map(([path, full]) => {
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) return [path, `-> ${readlinkSync(full)}`];
      if (stat.isDirectory()) return [path, "<dir>"];
      const bytes = readFileSync(full);
      return [path, looksLikeText(bytes) ? bytes.toString("utf8") : `<binary ${bytes.toString("hex")}>`];
    }),
  );
