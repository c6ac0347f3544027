/**
 * A copy of an opencode export under a new session id (the backup a diverged conversation
 * is kept as). opencode keys messages and parts by their own ids across sessions, so the
 * copy gets fresh ones too: sharing them, its import would leave the copy without the
 * messages both sides had, or take them from the original. Ids keep opencode's prefixes
 * (ses_, msg_, prt_) and their order (a suffix is appended).
 */
type Exported = { readonly messages?: readonly { readonly info?: { readonly id?: unknown }; readonly parts?: readonly { readonly id?: unknown }[] }[] };

/** `token`: random hex or a uuid; the new session id is `ses_<token without dashes>`. */
export function opencodeCopy(json: string, sessionId: string, token: string): { readonly id: string; readonly json: string } {
  const plain = token.replaceAll("-", "");
  const id = `ses_${plain}`;
  const suffix = plain.slice(0, 8);
  const parsed = JSON.parse(json) as Exported;
  const ids = (parsed.messages ?? []).flatMap((m) => [m.info?.id, ...(m.parts ?? []).map((p) => p.id)]).filter((v): v is string => typeof v === "string" && v.length > 0);
  // Whole JSON strings only ("msg_1" never touches "msg_12"): ids, parentID and messageID references alike.
  let copy = json.replaceAll(JSON.stringify(sessionId), JSON.stringify(id));
  for (const old of new Set(ids)) copy = copy.replaceAll(JSON.stringify(old), JSON.stringify(`${old}${suffix}`));
  return { id, json: copy };
}
