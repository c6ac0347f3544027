/**
 * A loopback fake of Anthropic's Messages API (SPEC §9), enough for the real Claude Code
 * TUI: POST /v1/messages answered with SSE. The reply is chosen by the person's last
 * prompt: "use a tool" asks for a Bash tool call (Claude Code then asks permission),
 * "rate limit" answers 429 (Claude Code prints its real rate-limit message), else text.
 * `bun test/peers/fake-anthropic.ts` serves one by hand and prints its port.
 */
type Block = { type: string; text?: string; content?: unknown };
type Message = { role: string; content: string | Block[] };

const sse = (events: [string, unknown][]) => events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join("");

const lastUserText = (messages: Message[]): string => {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Message;
    if (m.role !== "user") continue;
    const blocks = typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content;
    // Claude Code wraps context in <system-reminder> blocks: the prompt is the last plain text.
    const text = blocks.filter((b) => b.type === "text").map((b) => b.text ?? "").join("\n");
    const plain = text.split(/<\/system-reminder>/).at(-1)?.trim() ?? "";
    if (plain !== "") return plain;
    if (blocks.some((b) => b.type === "tool_result")) return "(tool result)";
  }
  return "";
};

function reply(model: string, blocks: Array<{ type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: unknown }>, stop: string) {
  const events: [string, unknown][] = [["message_start", { type: "message_start", message: { id: "msg_fake", type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } }]];
  blocks.forEach((block, index) => {
    if (block.type === "text") {
      events.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } }]);
      events.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: block.text } }]);
    } else {
      events.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } }]);
      events.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } }]);
    }
    events.push(["content_block_stop", { type: "content_block_stop", index }]);
  });
  events.push(["message_delta", { type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 5 } }]);
  events.push(["message_stop", { type: "message_stop" }]);
  return new Response(sse(events), { headers: { "content-type": "text/event-stream" } });
}

export function startFakeAnthropic() {
  const prompts: string[] = [];
  let toolCalls = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const url = new URL(request.url);
      if (request.method !== "POST" || !url.pathname.startsWith("/v1/messages")) return Response.json({}, { status: 404 });
      if (url.pathname.endsWith("/count_tokens")) return Response.json({ input_tokens: 10 });
      const body = (await request.json()) as { model: string; messages: Message[]; stream?: boolean; tools?: unknown[] };
      const prompt = lastUserText(body.messages);
      // Side requests (titles, topic checks) come without tools: answer them plainly.
      if (!Array.isArray(body.tools) || body.tools.length === 0) return reply(body.model, [{ type: "text", text: "ok" }], "end_turn");
      prompts.push(prompt);
      if (/rate limit/i.test(prompt)) {
        return Response.json({ type: "error", error: { type: "rate_limit_error", message: "This request would exceed the rate limit for your organization of 50 requests per minute." } }, { status: 429, headers: { "retry-after": "0" } });
      }
      if (/use a tool/i.test(prompt)) return reply(body.model, [{ type: "tool_use", id: `toolu_fake${++toolCalls}`, name: "Bash", input: { command: "touch made-by-tool", description: "Create a file" } }], "tool_use");
      return reply(body.model, [{ type: "text", text: prompt === "(tool result)" ? "The tool ran." : `Answer to: ${prompt}` }], "end_turn");
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, prompts, stop: () => server.stop(true) };
}

if (import.meta.main) {
  const fake = startFakeAnthropic();
  console.log(fake.url);
}
