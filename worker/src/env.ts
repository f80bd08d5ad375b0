import { createFactory } from "hono/factory";
import type { Db } from "../../db/client.ts";
import type { ActiveSession, SessionUser } from "./auth/sessions.ts";

/** Bindings come from `wrangler types` (worker/worker-configuration.d.ts); Variables are ours. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Db;
    /** Set by requireUser / loadSession (worker/src/middleware/session.ts); undefined before. */
    user: SessionUser;
    session: ActiveSession;
  };
};

export const factory = createFactory<AppEnv>();
