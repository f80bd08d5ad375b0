import { factory } from "../env.ts";

/**
 * A fresh id per request, returned in X-Request-Id and in every problem body. Incoming ids are
 * ignored: a client-chosen id could be used to forge or pollute log lines.
 */
export const requestId = factory.createMiddleware(async (c, next) => {
  const id = crypto.randomUUID();
  c.set("requestId", id);
  await next();
  c.header("X-Request-Id", id);
});
