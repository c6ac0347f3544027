/**
 * A loopback fake of the Gemini API (SPEC §9), enough for the real Gemini CLI TUI:
 * `:streamGenerateContent?alt=sse` answered with SSE, other calls with plain JSON. The
 * reply is chosen by the person's last prompt: "use a tool" asks for a shell command
 * (Gemini CLI then asks for confirmation), else text.
 * `bun test/peers/fake-gemini.ts` serves one by hand and prints its port.
 */
type Part = { text?: string; functionCall?: unknown; functionResponse?: unknown };
type Content = { role: string; parts: Part[] };

const lastUserText = (contents: Content[]): string => {
  const last = [...contents].reverse().find((c) => c.role === "user");
  if (last === undefined) return "";
  if (last.parts.some((p) => p.functionResponse !== undefined)) return "(tool result)";
  return last.parts.map((p) => p.text ?? "").join("").trim();
};

const usage = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };
const chunk = (parts: Part[]) => `data: ${JSON.stringify({ candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }], usageMetadata: usage })}\n\n`;

export function startFakeGemini() {
  const prompts: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const url = new URL(request.url);
      if (url.pathname.endsWith(":countTokens")) return Response.json({ totalTokens: 10 });
      if (request.method !== "POST") return Response.json({}, { status: 404 });
      const body = (await request.json()) as { contents?: Content[]; tools?: unknown[] };
      const prompt = lastUserText(body.contents ?? []);
      if (!url.pathname.endsWith(":streamGenerateContent")) {
        // Side calls (routing, next-speaker checks) get a small JSON answer.
        return Response.json({ candidates: [{ content: { role: "model", parts: [{ text: JSON.stringify({ next_speaker: "user", reasoning: "done", model_choice: "flash" }) }] }, finishReason: "STOP", index: 0 }], usageMetadata: usage });
      }
      prompts.push(prompt);
      const parts: Part[] = /use a tool/i.test(prompt)
        ? [{ functionCall: { name: "run_shell_command", args: { command: "touch made-by-tool", description: "Create a file" } } }]
        : [{ text: prompt === "(tool result)" ? "The tool ran." : `Answer to: ${prompt}` }];
      return new Response(chunk(parts), { headers: { "content-type": "text/event-stream" } });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, prompts, stop: () => server.stop(true) };
}

if (import.meta.main) console.log(startFakeGemini().url);
