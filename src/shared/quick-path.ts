/**
 * Path joins the quick commands make without loading node:path (~0.5 ms of their start-up): on an
 * absolute path that is already normal (what the config hands out) a join is a `/` and a dirname
 * a cut at the last `/`. Anything else goes to node:path, loaded then, so results never differ.
 */
const nodePath = () => require("node:path") as typeof import("node:path");

/** `/a/b`: absolute, no empty, `.` or `..` part, no trailing slash (or `/` itself). */
const NORMAL_ABSOLUTE = /^\/(?:(?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*)?$/;
/** One plain name: no slash, not `.` or `..`, not empty. */
const PLAIN_NAME = /^(?!\.\.?$)[^/]+$/;

export const isNormalAbsolute = (path: string): boolean => NORMAL_ABSOLUTE.test(path);

/** path.resolve(path): the path itself when it is already normal and absolute. */
export const resolvePath = (path: string): string => (isNormalAbsolute(path) ? path : nodePath().resolve(path));

/** path.join(dir, name) for one name in a directory. */
export const childPath = (dir: string, name: string): string => (isNormalAbsolute(dir) && PLAIN_NAME.test(name) ? `${dir === "/" ? "" : dir}/${name}` : nodePath().join(dir, name));

/** path.dirname(path). */
export const parentPath = (path: string): string => {
  if (!isNormalAbsolute(path) || path === "/") return nodePath().dirname(path);
  const cut = path.lastIndexOf("/");
  return cut === 0 ? "/" : path.slice(0, cut);
};
