import { describe, expect, test } from "bun:test";
import { opencodeCopy } from "./opencode-copy.ts";

const exported = {
  info: { id: "ses_1", title: "about ses_1" },
  messages: [
    { info: { id: "msg_1", sessionID: "ses_1", role: "user" }, parts: [{ id: "prt_1", sessionID: "ses_1", messageID: "msg_1", type: "text", text: "msg_1 in a text" }] },
    { info: { id: "msg_12", sessionID: "ses_1", role: "assistant", parentID: "msg_1" }, parts: [{ id: "prt_12", sessionID: "ses_1", messageID: "msg_12", type: "text", text: "ok" }] },
  ],
};

describe("opencodeCopy", () => {
  test("a new session id and fresh message and part ids (references included), prefixes and order kept, texts untouched", () => {
    const copy = opencodeCopy(JSON.stringify(exported), "ses_1", "abcdef12-3456-7890-abcd-ef1234567890");
    expect(copy.id).toBe("ses_abcdef1234567890abcdef1234567890");
    expect(JSON.parse(copy.json)).toEqual({
      info: { id: copy.id, title: "about ses_1" },
      messages: [
        { info: { id: "msg_1abcdef12", sessionID: copy.id, role: "user" }, parts: [{ id: "prt_1abcdef12", sessionID: copy.id, messageID: "msg_1abcdef12", type: "text", text: "msg_1 in a text" }] },
        { info: { id: "msg_12abcdef12", sessionID: copy.id, role: "assistant", parentID: "msg_1abcdef12" }, parts: [{ id: "prt_12abcdef12", sessionID: copy.id, messageID: "msg_12abcdef12", type: "text", text: "ok" }] },
      ],
    });
  });
});
