// The baseline: the smallest Worker that answers like /api/health, without Hono or a database.
export default {
  fetch: () => Response.json({ status: "ok", db: "ok" }),
};
