/**
 * How an interactive job hands its task to the agent CLI's TUI as the first prompt,
 * always as ONE argv element (appended after the profile's own args).
 */
export function interactiveTaskArgs(profile: string, task: string): string[] {
  switch (profile) {
    case "shell":
      return ["-c", task];
    // gemini: a bare positional runs one-shot; -i keeps the TUI open after the prompt.
    case "gemini":
      return ["-i", task];
    // opencode: its positional is a project directory.
    case "opencode":
      return ["--prompt", task];
    default:
      return [task];
  }
}
