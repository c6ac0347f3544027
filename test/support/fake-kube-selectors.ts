/**
 * Label and field selectors as the API server reads them from `?labelSelector=` and
 * `?fieldSelector=`: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`,
 * joined by commas (labels); `path=v` / `path!=v` on metadata.name, metadata.namespace and
 * status.phase (fields).
 */
type Labels = Readonly<Record<string, string>>;
type Test = (labels: Labels) => boolean;

/** Splits on commas outside parentheses. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      out.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  out.push(selector.slice(start));
  return out.map((t) => t.trim()).filter((t) => t !== "");
}

function parseTerm(term: string): Test {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, key, op, list] = set as unknown as [string, string, string, string];
    const values = new Set(list.split(",").map((v) => v.trim()));
    return op === "in" ? (l) => l[key] !== undefined && values.has(l[key]) : (l) => l[key] === undefined || !values.has(l[key]);
  }
  const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (cmp) {
    const [, key, op, value] = cmp as unknown as [string, string, string, string];
    return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if (term.startsWith("!")) return (l) => l[term.slice(1)] === undefined;
  return (l) => l[term] !== undefined;
}

export function labelMatcher(selector: string | null): Test {
  const tests = terms(selector ?? "").map(parseTerm);
  return (labels) => tests.every((t) => t(labels));
}

/** Field selectors flatten the few fields they support into a label-like map. */
export function fieldMatcher(selector: string | null): (object: { metadata: { name: string; namespace?: string }; status?: { phase?: string } }) => boolean {
  const test = labelMatcher(selector);
  return (o) => test({ "metadata.name": o.metadata.name, "metadata.namespace": o.metadata.namespace ?? "", ...(o.status?.phase ? { "status.phase": o.status.phase } : {}) });
}
