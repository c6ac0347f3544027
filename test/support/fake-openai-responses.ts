/**
 * A fake of OpenAI's Responses API on 127.0.0.1 (SPEC §9), enough for the real Codex CLI
 * (config `wire_api = "responses"`): POST /v1/responses streams `answer to: <last typed
 * text>` as SSE. Every request's input is recorded, so a test sees what the CLI sent.
 */
type Part = { type?: string; text?: string };
type Item = { type?: string; role?: string; content?: string | Part[] };
export type FakeResponses = { readonly url: string; readonly requests: { input: Item[] }[]; readonly stop: () => void };

/** What the person typed: user input_text parts, without the <environment_context>-style blocks the CLI adds. */
export const typedInputs = (request: { readonly input: readonly Item[] }) =>
  request.input
    .filter((item) => item.type === "message" && item.role === "user")
    .flatMap((item) => (typeof item.content === "string" ? [item.content] : (item.content ?? []).filter((p) => p.type === "input_text").map((p) => p.text ?? "")))
    .filter((text) => text.trim() !== "" && !text.trimStart().startsWith("<") && !text.startsWith("#"));

const sse = (events: readonly Record<string, unknown>[]) => events.map((data) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`).join("");

export function startFakeResponses(): FakeResponses {
  const requests: { input: Item[] }[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const url = new URL(request.url);
      if (request.method !== "POST" || !url.pathname.endsWith("/responses")) return Response.json({ error: { message: url.pathname } }, { status: 404 });
      const body = (await request.json()) as { input: Item[] };
      requests.push({ input: body.input });
      const id = `resp_${requests.length}`;
      const text = `answer to: ${typedInputs(body).at(-1) ?? "nothing"}`;
      const usage = { input_tokens: 1, input_tokens_details: null, output_tokens: 1, output_tokens_details: null, total_tokens: 2 };
      return new Response(
        sse([
          { type: "response.created", response: { id } },
          { type: "response.output_item.done", item: { type: "message", role: "assistant", id: `msg_${requests.length}`, content: [{ type: "output_text", text }] } },
          { type: "response.completed", response: { id, usage } },
        ]),
        { headers: { "content-type": "text/event-stream" } },
      );
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, requests, stop: () => server.stop(true) };
}
