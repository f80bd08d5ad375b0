import { createFactory } from "hono/factory";
import type { Db } from "../../db/client.ts";

/** Bindings come from `wrangler types` (worker/worker-configuration.d.ts); Variables are ours. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Db;
  };
};

export const factory = createFactory<AppEnv>();
