// One's own sessions: list, end one, or end all others ("sign out everywhere"). An ended session
// fails on its very next request (every request re-reads it).
import { Hono } from "hono";
import { recordAuditEvent } from "../auth/audit.ts";
import { deleteUserSession, deleteUserSessions, listUserSessions } from "../auth/sessions.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { csrf } from "../middleware/csrf.ts";
import { clearSessionCookie, requireUser } from "../middleware/session.ts";
import { limitAccountApi } from "../middleware/rate-limit.ts";

export const sessionRoutes = new Hono<AppEnv>()
  .use("*", limitAccountApi, csrf, requireUser)
  .get("/", async (c) => {
    const rows = await listUserSessions(c.var.db, c.var.user.id, new Date());
    return c.json(rows.map((row) => ({ ...row, current: row.id === c.var.session.id })));
  })
  .delete("/", async (c) => {
    const ended = await deleteUserSessions(c.var.db, c.var.user.id, c.var.session.id);
    await recordAuditEvent(c.var.db, {
      action: "auth.sessions_revoked",
      actorUserId: c.var.user.id,
      requestId: c.var.requestId,
      details: { count: ended },
    });
    return c.body(null, 204);
  })
  .delete("/:id", async (c) => {
    const id = c.req.param("id");
    const ended = /^[0-9a-f-]{36}$/i.test(id) && (await deleteUserSession(c.var.db, c.var.user.id, id));
    if (!ended) throw new HttpError(404, "NOT_FOUND", "No such session");
    await recordAuditEvent(c.var.db, {
      action: "auth.session_revoked",
      actorUserId: c.var.user.id,
      requestId: c.var.requestId,
      details: { sessionId: id },
    });
    if (id === c.var.session.id) clearSessionCookie(c);
    return c.body(null, 204);
  });
