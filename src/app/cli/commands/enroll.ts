import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";

// Placeholder replaced by the enroll work in progress.
export default (_ctx: CliContext) => defineCommand({ meta: { name: "enroll" }, run: () => {} });
