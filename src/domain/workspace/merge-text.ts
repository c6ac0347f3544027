import { diff3Merge } from "node-diff3";

/**
 * A line-based 3-way merge of one text file (node-diff3, the Khanna-Kunal-Pierce diff3).
 * Returns data: a clean text, or a text with git-style conflict markers and how many
 * regions conflicted. Lines keep their own "\n" so a missing final newline survives.
 */
export type TextMerge = { readonly conflict: false; readonly text: string } | { readonly conflict: true; readonly text: string; readonly regions: number };

export const MARKER_LOCAL = "<<<<<<< local";
export const MARKER_SPLIT = "=======";
export const MARKER_REMOTE = ">>>>>>> remote";

const linesOf = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

/** A conflict side must end with "\n" or the marker that follows would glue onto its last line. */
const closed = (lines: readonly string[]): string[] => {
  const last = lines.at(-1);
  return last === undefined || last.endsWith("\n") ? [...lines] : [...lines.slice(0, -1), `${last}\n`];
};

export const mergeText = (base: string, local: string, remote: string): TextMerge => {
  const regions = diff3Merge(linesOf(local), linesOf(base), linesOf(remote), { excludeFalseConflicts: true });
  let conflicts = 0;
  const out: string[] = [];
  for (const region of regions) {
    if (region.ok) out.push(...region.ok);
    else if (region.conflict) {
      conflicts += 1;
      out.push(`${MARKER_LOCAL}\n`, ...closed(region.conflict.a), `${MARKER_SPLIT}\n`, ...closed(region.conflict.b), `${MARKER_REMOTE}\n`);
    }
  }
  const text = out.join("");
  return conflicts === 0 ? { conflict: false, text } : { conflict: true, text, regions: conflicts };
};
