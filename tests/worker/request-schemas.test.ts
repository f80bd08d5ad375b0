// Every route's declared schemas, exercised through the real app: found on the mounted routes (the
// validators carry their schema, as the OpenAPI generator reads them), so a new route cannot skip
// this. A JSON route answers a non-JSON Content-Type with 415 and a body it does not accept with
// 400 INVALID_REQUEST naming the field; a query schema refuses an unknown parameter.
// /v1/consent needs a frontend token from an allowed origin first: consent-receipts.test.ts.
import { findTargetHandler } from "hono/utils/handler";
import { describe, expect, it } from "vitest";
import { families } from "../../worker/src/index.ts";
import { requestSchemaOf, type RequestSchemaMark } from "../../worker/src/request-schema.ts";
import { call, ORIGIN, problemOf } from "./helpers.ts";
import { SESSION_COOKIE } from "./support/accounts.ts";
import { as, tenantWithRoles } from "./support/tenancy.ts";

const app = await families.all();

/** Actions whose request has no body: the session, the path or nothing says it all. */
const BODYLESS = [
  "POST /api/auth/email/resend",
  "POST /api/auth/logout",
  "POST /api/auth/passkeys/options",
  "POST /api/auth/reauth/passkey/options",
  "POST /api/auth/recovery-codes",
  "POST /api/auth/totp/setup",
  "POST /api/bench/limiter", // BENCH=1 only
  "POST /api/bench/limiter/object",
  "POST /api/invitations/:token/accept",
].sort();

type Declared = { method: string; path: string; mark: RequestSchemaMark };

function declaredSchemas(): Declared[] {
  return app.routes.flatMap((route) => {
    const mark = requestSchemaOf(findTargetHandler(route.handler));
    return mark ? [{ method: route.method, path: route.path, mark }] : [];
  });
}

const ofTarget = (target: RequestSchemaMark["target"]) =>
  declaredSchemas().filter((route) => route.mark.target === target && !route.path.startsWith("/v1/"));

/** The route's path with its parameters filled in: the tenant, and unknown ids of the right shape elsewhere. */
const concrete = (path: string, tenantId: string) =>
  path
    .replace(":tid", tenantId)
    .replace(/:([A-Za-z]+)/g, (_, name) =>
      name === "traceId" ? crypto.randomUUID().replaceAll("-", "") : crypto.randomUUID(),
    );

describe("request schemas", () => {
  it("every POST, PUT and PATCH route declares its body, or is one of the body-less actions", () => {
    const withBody = new Set(ofTarget("json").map((route) => `${route.method} ${route.path}`));
    const undeclared = app.routes
      .filter((route) => ["POST", "PUT", "PATCH"].includes(route.method) && !route.path.startsWith("/v1/"))
      .map((route) => `${route.method} ${route.path}`)
      .filter((route) => !withBody.has(route));
    expect([...new Set(undeclared)].sort()).toEqual(BODYLESS);
  });

  it("schemas: a JSON route answers a non-JSON Content-Type with 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    const { id, users } = await tenantWithRoles();
    for (const route of ofTarget("json")) {
      const response = await call(concrete(route.path, id), {
        method: route.method,
        headers: {
          Origin: ORIGIN,
          "Content-Type": "text/plain",
          Cookie: `${SESSION_COOKIE}=${users.owner.cookie}`,
        },
        body: "{}",
      });
      const label = `${route.method} ${route.path}`;
      expect(response.status, label).toBe(415);
      expect((await problemOf(response)).code, label).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
  });

  it("schemas: a JSON route refuses a body it does not accept with 400 INVALID_REQUEST naming the field", async () => {
    const { id, users } = await tenantWithRoles();
    for (const route of ofTarget("json")) {
      const response = await as(users.owner, concrete(route.path, id), {
        method: route.method,
        json: { unexpected: true },
      });
      const label = `${route.method} ${route.path}`;
      expect(response.status, label).toBe(400);
      const problem = await problemOf(response);
      expect(problem.code, label).toBe("INVALID_REQUEST");
      // A missing required field, else the unknown one.
      expect(problem.detail, label).toMatch(
        /^(unexpected: unknown field|[a-zA-Z]+: expected|[a-zA-Z]+: Invalid)/,
      );
    }
  });

  it("schemas: malformed JSON is 400 INVALID_REQUEST, never 500", async () => {
    const { id, users } = await tenantWithRoles();
    const response = await call(`/api/tenants/${id}`, {
      method: "PATCH",
      headers: {
        Origin: ORIGIN,
        "Content-Type": "application/json",
        Cookie: `${SESSION_COOKIE}=${users.owner.cookie}`,
      },
      body: '{"name": ',
    });
    expect(response.status).toBe(400);
    expect(await problemOf(response)).toMatchObject({
      code: "INVALID_REQUEST",
      detail: "Malformed JSON in request body",
    });
  });

  it("schemas: a query route refuses an unknown parameter with 400 INVALID_REQUEST naming it", async () => {
    const { id, users } = await tenantWithRoles();
    for (const route of ofTarget("query")) {
      const response = await as(users.owner, `${concrete(route.path, id)}?unexpected=1`, {
        method: route.method,
      });
      const label = `${route.method} ${route.path}`;
      expect(response.status, label).toBe(400);
      expect(await problemOf(response), label).toMatchObject({
        code: "INVALID_REQUEST",
        detail: "unexpected: unknown field",
      });
    }
  });

  it("schemas: an unknown field next to valid ones is refused, not ignored (no mass assignment)", async () => {
    const { id, users } = await tenantWithRoles();
    const response = await as(users.owner, `/api/tenants/${id}`, {
      method: "PATCH",
      json: { name: "Renamed", plan: "pro" },
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).detail).toBe("plan: unknown field");
  });

  it("schemas: a nested field is named with its path", async () => {
    const { id, users } = await tenantWithRoles();
    const response = await as(users.owner, `/api/tenants/${id}/origins`, {
      method: "PUT",
      json: { origins: ["https://ok.example", "ftp://nope.example"] },
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).detail).toMatch(/^origins\[1\]: expected https:/);
  });
});
