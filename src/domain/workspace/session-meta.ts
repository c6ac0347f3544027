/** The meta keys of a session record started for a workspace (POST /sessions {workspace}). */

/** The workspace it was started for. */
export const SESSION_WORKSPACE_META = "workspaceId";
/** It works in the client's own folder (same machine): nothing to commit. */
export const SHARED_FOLDER_META = "workspaceFolderShared";
/** The conversation a container session resumed. */
export const CONVERSATION_META = "conversationId";
