import { describe, expect, test } from "bun:test";
import { parse } from "smol-toml";
import { attachUrlFor, normalizeRemoteUrl, remoteLocation, setRemoteInConfigText } from "./remote-target.ts";
import { errorMessage } from "./errors.ts";

describe("normalizeRemoteUrl", () => {
  test("keeps scheme, host, port and path; drops the trailing slash", () => {
    expect(normalizeRemoteUrl(" http://127.0.0.1:7070/ ")).toBe("http://127.0.0.1:7070");
    expect(normalizeRemoteUrl("https://cp.example/remote/")).toBe("https://cp.example/remote");
  });

  test("refuses what is not an http(s) URL", () => {
    expect(() => normalizeRemoteUrl("localhost:7070")).toThrow(/only http/);
    expect(() => normalizeRemoteUrl("not a url")).toThrow(/not a URL/);
  });

  test("refuses credentials and queries without echoing them", () => {
    for (const bad of ["http://me:s3cret@h:1", "http://h:1/?token=s3cret"]) {
      let message = "";
      try {
        normalizeRemoteUrl(bad);
      } catch (error) {
        message = errorMessage(error);
      }
      expect(message).toContain("credentials or a query");
      expect(message).not.toContain("s3cret");
    }
  });
});

test("location and attach URL derive from the base URL", () => {
  expect(remoteLocation("http://10.0.0.5:7070")).toBe("10.0.0.5:7070");
  expect(attachUrlFor("http://h:1", "my session")).toBe("ws://h:1/sessions/my%20session/attach");
  expect(attachUrlFor("https://h/base", "abc")).toBe("wss://h/base/sessions/abc/attach");
});

describe("setRemoteInConfigText", () => {
  test("adds the key to an empty file", () => {
    expect(setRemoteInConfigText("", "http://h:1")).toBe('remote = "http://h:1"\n');
  });

  test("replaces an existing top-level key and keeps comments, keys and tables", () => {
    const before = '# mine\nretain_bytes = 65536\nremote = "http://old:1"\n\n[plugin.x]\nremote = "not this one"\n';
    const after = setRemoteInConfigText(before, "http://new:2");
    expect(after).toBe('# mine\nretain_bytes = 65536\nremote = "http://new:2"\n\n[plugin.x]\nremote = "not this one"\n');
    expect(parse(after)).toEqual({ retain_bytes: 65536, remote: "http://new:2", plugin: { x: { remote: "not this one" } } });
  });

  test("a file whose only `remote` is inside a table gets a top-level one first", () => {
    const after = setRemoteInConfigText('[plugin.x]\nremote = "inner"', "http://h:1");
    expect(parse(after)).toEqual({ remote: "http://h:1", plugin: { x: { remote: "inner" } } });
  });
});
