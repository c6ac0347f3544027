import type { Method, Route } from "./route.ts";

export type RouteMatch = { readonly route: Route; readonly params: Readonly<Record<string, string>> };
/** A route for the path and method; or the methods the path allows (405); or nothing (404). */
export type Lookup = { readonly kind: "found"; readonly match: RouteMatch } | { readonly kind: "method"; readonly allowed: readonly Method[] } | { readonly kind: "none" };

type Compiled = { readonly route: Route; readonly segments: readonly string[] };

const split = (path: string) => path.split("/").filter((s) => s !== "");

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    if (want.startsWith(":") && want.endsWith("*")) {
      if (i !== pattern.length - 1 || actual.length <= i) return undefined;
      params[want.slice(1, -1)] = actual.slice(i).join("/");
      return params;
    }
    const got = actual[i];
    if (got === undefined) return undefined;
    if (want.startsWith(":")) params[want.slice(1)] = got;
    else if (want !== got) return undefined;
  }
  return actual.length === pattern.length ? params : undefined;
}

/** Segment matcher over the route table; path segments arrive percent-decoded. */
export function createRouter(routes: readonly Route[]): (method: string, pathname: string) => Lookup {
  const compiled: Compiled[] = routes.map((route) => ({ route, segments: split(route.path) }));
  return (method, pathname) => {
    let actual: string[];
    try {
      actual = split(pathname).map(decodeURIComponent);
    } catch {
      return { kind: "none" };
    }
    const allowed: Method[] = [];
    for (const c of compiled) {
      const params = matchSegments(c.segments, actual);
      if (params === undefined) continue;
      if (c.route.method === method) return { kind: "found", match: { route: c.route, params } };
      allowed.push(c.route.method);
    }
    return allowed.length > 0 ? { kind: "method", allowed } : { kind: "none" };
  };
}
