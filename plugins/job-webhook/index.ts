/**
 * Example plugin: POSTs a JSON body {event, job} to a URL when a delegated job ends
 * (job:done by default). Enable it in $REMOTE_HOME/config.toml:
 *   plugins = ["/path/to/plugins/job-webhook/index.ts"]
 *   [plugin.job-webhook]
 *   url = "https://example.com/hooks/remote"
 *   events = ["job:done", "job:fail"]      # default ["job:done"]
 *   timeout_ms = 5000                      # default 5000
 * The job runner awaits the POST before it exits, so a short timeout keeps runners short.
 * It imports nothing from remote so it loads the same from source and from the binary.
 */
type Job = { id: string; state: string; profile: string; exitCode?: number };
type Hooks = { hook: (name: string, handler: (event: { job: Job }) => Promise<void>) => unknown };

export default {
  name: "job-webhook",
  setup(hooks: Hooks, context: { options: Record<string, unknown> }) {
    const url = context.options.url;
    if (typeof url !== "string" || !/^https?:\/\//.test(url)) throw new Error("[plugin.job-webhook] needs url = \"http(s)://...\" in config.toml");
    const events = Array.isArray(context.options.events) ? context.options.events.filter((e): e is string => typeof e === "string") : ["job:done"];
    const timeout = typeof context.options.timeout_ms === "number" ? context.options.timeout_ms : 5000;
    for (const event of events) {
      hooks.hook(event, async ({ job }) => {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ event, job }),
          signal: AbortSignal.timeout(timeout),
        });
        if (!response.ok) throw new Error(`POST ${new URL(url).origin} answered ${response.status}`);
      });
    }
  },
};
