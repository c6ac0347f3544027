import type { AccountChoice, AccountRecord } from "../../domain/jobs/accounts.ts";
import { RemoteError } from "../../domain/errors.ts";
import type { AccountStorePort } from "../../domain/ports.ts";
import { guardStore } from "./sqlite-job-store.ts";
import { openSqliteDatabase } from "./sqlite-store.ts";

const SCHEMA = "CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, data TEXT NOT NULL);";

/** Account metadata beside sessions and jobs (tokens are files of the SecretStorePort, never here). */
export function createSqliteAccountStore(options: { readonly path: string; readonly busyTimeoutMs?: number }): AccountStorePort {
  const db = openSqliteDatabase(options.path, options.busyTimeoutMs);
  db.run(SCHEMA);
  const guard = <T>(fn: () => T) => guardStore(options.path, fn);
  const selectOne = db.query<{ data: string }, [string]>("SELECT data FROM accounts WHERE id = ?");
  const selectAll = db.query<{ data: string }, []>("SELECT data FROM accounts ORDER BY id");
  const insertRow = db.query<null, [string, string]>("INSERT INTO accounts (id, data) VALUES (?, ?)");
  const updateRow = db.query<null, [string, string]>("UPDATE accounts SET data = ? WHERE id = ?");
  const deleteRow = db.query<null, [string]>("DELETE FROM accounts WHERE id = ?");
  const all = () => selectAll.all().map((r) => JSON.parse(r.data) as AccountRecord);
  const get = (id: string) => {
    const row = selectOne.get(id);
    return row ? (JSON.parse(row.data) as AccountRecord) : undefined;
  };
  const put = (account: AccountRecord) => updateRow.run(JSON.stringify(account), account.id);

  const add = db.transaction((account: AccountRecord) => {
    if (get(account.id)) throw new RemoteError("ACCOUNT_EXISTS", `Cannot add account '${account.id}': it exists`, `Remove it first with \`remote account rm ${account.id}\`, or pick another id.`, "conflict");
    insertRow.run(account.id, JSON.stringify(account));
  });
  const rotate = db.transaction((choose: (accounts: AccountRecord[]) => AccountChoice, now: Date) => {
    const choice = choose(all());
    if (choice.kind === "account") put({ ...choice.account, lastUsedAt: now.toISOString() });
    return choice;
  });
  const markExhausted = db.transaction((id: string, until: Date) => {
    const current = get(id);
    if (current === undefined) return;
    // Never shorten an exhaustion another job observed.
    if (current.exhaustedUntil !== undefined && Date.parse(current.exhaustedUntil) >= until.getTime()) return;
    put({ ...current, exhaustedUntil: until.toISOString() });
  });

  return {
    add: (account) => guard(() => add.immediate(account)),
    get: (id) => guard(() => get(id)),
    list: () => guard(all),
    remove: (id) => guard(() => deleteRow.run(id).changes > 0),
    rotate: <C extends AccountChoice>(choose: (accounts: AccountRecord[]) => C, now: Date) => guard(() => rotate.immediate(choose, now) as C),
    markExhausted: (id, until) => guard(() => markExhausted.immediate(id, until)),
  };
}
