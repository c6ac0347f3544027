import { expect, test } from "bun:test";
import { closeSync, fstatSync, openSync, readlinkSync } from "node:fs";
import { deviceOf } from "../../shared/quick-fs.ts";
import { linkTarget } from "./termios.ts";

test("a descriptor's device, inode and device number, and its /proc link, read through libc are node:fs's", () => {
  for (const path of ["/dev/null", "/etc/hostname", "/proc/self/stat"]) {
    const fd = openSync(path, "r");
    try {
      const st = fstatSync(fd);
      expect(deviceOf(fd)).toEqual({ dev: st.dev, ino: st.ino, rdev: st.rdev });
      expect(linkTarget(`/proc/self/fd/${fd}`)).toBe(readlinkSync(`/proc/self/fd/${fd}`));
    } finally {
      closeSync(fd);
    }
  }
});
