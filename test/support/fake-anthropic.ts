/**
 * A loopback fake of Anthropic's Messages API (SPEC §9), enough for the real Claude Code,
 * headless and TUI: POST /v1/messages answered as SSE when asked to stream, else as JSON;
 * /v1/messages/count_tokens answered. The reply follows the person's last prompt: "use a
 * tool" asks for a Bash tool call (Claude Code then asks permission), "rate limit" answers
 * 429 (Claude Code prints its real rate-limit message), a tool result gets "The tool ran.",
 * else `answer to: <prompt>`. Side requests (titles, topic checks: sent without tools) get
 * "ok". Every request's messages are recorded (`requests`: a resumed conversation sends
 * all its earlier messages), and the prompts of the turns (`prompts`).
 * `bun test/support/fake-anthropic.ts` serves one by hand and prints its URL.
 */
type Block = { type?: string; text?: string; content?: unknown };
type Message = { role: string; content: string | Block[] };
type Reply = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: unknown };
export type FakeAnthropic = { readonly url: string; readonly requests: { messages: Message[] }[]; readonly prompts: string[]; readonly stop: () => void };

/** What the person typed: the text blocks, without the <system-reminder> blocks the CLI adds. */
const typed = (message: Message) =>
  (typeof message.content === "string" ? [message.content] : message.content.filter((b) => b.type === "text").map((b) => b.text ?? "")).filter((t) => t.trim() !== "" && !t.trimStart().startsWith("<"));

/** Every text the person typed in one request, in order. */
export const typedTexts = (request: { readonly messages: readonly Message[] }) => request.messages.filter((m) => m.role === "user").flatMap(typed);

/** The prompt of this turn: the last user text after Claude Code's <system-reminder> context, or "(tool result)". */
const lastUserText = (messages: readonly Message[]): string => {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Message;
    if (m.role !== "user") continue;
    const blocks = typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content;
    const text = blocks.filter((b) => b.type === "text").map((b) => b.text ?? "").join("\n");
    const plain = text.split(/<\/system-reminder>/).at(-1)?.trim() ?? "";
    if (plain !== "") return plain;
    if (blocks.some((b) => b.type === "tool_result")) return "(tool result)";
  }
  return "";
};

const sse = (events: readonly [string, unknown][]) => events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join("");

function reply(id: string, model: string, blocks: readonly Reply[], stop: string, stream: boolean): Response {
  const message = { id, type: "message", role: "assistant", model, content: [] as unknown[], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } };
  if (!stream) return Response.json({ ...message, content: blocks, stop_reason: stop });
  const events: [string, unknown][] = [["message_start", { type: "message_start", message }]];
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

export function startFakeAnthropic(): FakeAnthropic {
  const requests: { messages: Message[] }[] = [];
  const prompts: string[] = [];
  let toolCalls = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const url = new URL(request.url);
      if (request.method !== "POST" || !url.pathname.includes("/v1/messages")) return Response.json({ type: "error", error: { type: "not_found_error", message: url.pathname } }, { status: 404 });
      if (url.pathname.endsWith("/count_tokens")) return Response.json({ input_tokens: 10 });
      const body = (await request.json()) as { model?: string; messages: Message[]; stream?: boolean; tools?: unknown[] };
      requests.push({ messages: body.messages });
      const [id, model, stream] = [`msg_${requests.length}`, body.model ?? "claude-fake", body.stream === true];
      if (!Array.isArray(body.tools) || body.tools.length === 0) return reply(id, model, [{ type: "text", text: "ok" }], "end_turn", stream);
      const prompt = lastUserText(body.messages);
      prompts.push(prompt);
      if (/rate limit/i.test(prompt)) {
        return Response.json({ type: "error", error: { type: "rate_limit_error", message: "This request would exceed the rate limit for your organization of 50 requests per minute." } }, { status: 429, headers: { "retry-after": "0" } });
      }
      if (/use a tool/i.test(prompt)) return reply(id, model, [{ type: "tool_use", id: `toolu_fake${++toolCalls}`, name: "Bash", input: { command: "touch made-by-tool", description: "Create a file" } }], "tool_use", stream);
      return reply(id, model, [{ type: "text", text: prompt === "(tool result)" ? "The tool ran." : `answer to: ${prompt}` }], "end_turn", stream);
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, requests, prompts, stop: () => server.stop(true) };
}

if (import.meta.main) console.log(startFakeAnthropic().url);
