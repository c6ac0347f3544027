/**
 * A fake of Anthropic's Messages API on 127.0.0.1 (SPEC §9), enough for the real Claude
 * Code to complete turns: POST /v1/messages answers `answer to: <last user text>`, as SSE
 * when asked to stream, else as JSON. Every request's messages are recorded, so a test can
 * see what the CLI sent (a resumed conversation sends all its earlier messages).
 */
type Block = { type?: string; text?: string };
type Message = { role: string; content: string | Block[] };
export type FakeAnthropic = { readonly url: string; readonly requests: { messages: Message[] }[]; readonly stop: () => void };
/** Every text the person typed in one request, in order. */
export const typedTexts = (request: { readonly messages: readonly Message[] }) => request.messages.filter((m) => m.role === "user").flatMap(typed);

/** What the person typed: the text blocks, without the <system-reminder> blocks the CLI adds. */
const typed = (message: Message) =>
  (typeof message.content === "string" ? [message.content] : message.content.filter((b) => b.type === "text").map((b) => b.text ?? "")).filter((t) => t.trim() !== "" && !t.trimStart().startsWith("<"));

const sse = (events: readonly [string, unknown][]) => events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join("");

export function startFakeAnthropic(): FakeAnthropic {
  const requests: { messages: Message[] }[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const url = new URL(request.url);
      if (request.method !== "POST" || !url.pathname.endsWith("/v1/messages")) return Response.json({ type: "error", error: { type: "not_found_error", message: url.pathname } }, { status: 404 });
      const body = (await request.json()) as { messages: Message[]; stream?: boolean; model?: string };
      requests.push({ messages: body.messages });
      const users = body.messages.filter((m) => m.role === "user").flatMap(typed);
      const text = `answer to: ${users.at(-1) ?? "nothing"}`;
      const message = { id: `msg_${requests.length}`, type: "message", role: "assistant", model: body.model ?? "claude-fake", content: [] as Block[], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } };
      if (!body.stream) return Response.json({ ...message, content: [{ type: "text", text }], stop_reason: "end_turn" });
      return new Response(
        sse([
          ["message_start", { type: "message_start", message }],
          ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
          ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }],
          ["content_block_stop", { type: "content_block_stop", index: 0 }],
          ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 1 } }],
          ["message_stop", { type: "message_stop" }],
        ]),
        { headers: { "content-type": "text/event-stream" } },
      );
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, requests, stop: () => server.stop(true) };
}
