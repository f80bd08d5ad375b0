// The OpenAPI 3.1 document, generated from the app itself: every mounted route, its request
// schemas (the very validators the route runs, found by their REQUEST_SCHEMA mark), its success
// answer with its JSON body's schema (responses.ts) and every error it can answer, as
// problem+json. hono-openapi does the generation (schema conversion through
// @valibot/to-json-schema); it runs at build time (scripts/openapi.ts) and in the tests, never in
// the Worker, whose bundle it would grow by ~75 KiB brotli.
import { describeRoute, generateSpecs, resolver, validator } from "hono-openapi";
import { Hono, type MiddlewareHandler } from "hono";
import type { RouterRoute } from "hono/types";
import { findTargetHandler } from "hono/utils/handler";
import { ERROR_CODES, type ErrorCode } from "../error-codes.ts";
import { requireApiToken, refuseApiTokens } from "../middleware/api-token.ts";
import { csrf, refuseCrossSite } from "../middleware/csrf.ts";
import { requireFreshAuth, requireUser } from "../middleware/session.ts";
import { requestSchemaOf, type RequestSchemaMark } from "../request-schema.ts";
import { OPERATIONS } from "./operations.ts";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** The errors of the middleware a route runs before its handler. */
const MIDDLEWARE_ERRORS = new Map<unknown, readonly ErrorCode[]>([
  [requireUser, ["SESSION_REQUIRED"]],
  [requireFreshAuth, ["SESSION_REQUIRED", "REAUTH_REQUIRED"]],
  [csrf, ["CSRF_REJECTED"]],
  [refuseCrossSite, ["CSRF_REJECTED"]],
  [refuseApiTokens, ["TOKEN_NOT_ALLOWED"]],
  [requireApiToken, ["TOKEN_IN_QUERY", "TOKEN_REQUIRED", "TOKEN_INVALID", "TOKEN_NOT_ALLOWED"]],
]);

const SCHEMA_ERRORS: Record<RequestSchemaMark["target"], readonly ErrorCode[]> = {
  json: ["INVALID_REQUEST", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"],
  query: ["INVALID_REQUEST"],
  param: ["INVALID_REQUEST"],
};

/** Not rate limited (tests/worker/rate-limit-coverage.test.ts says why). */
const UNLIMITED = new Set(["GET /api/health"]);

const PROBLEM = {
  type: "object" as const,
  description: "RFC 9457 problem details; `code` is one of the API's stable error codes.",
  required: ["type", "title", "status", "code", "requestId"],
  properties: {
    type: { type: "string" as const, format: "uri" },
    title: { type: "string" as const },
    status: { type: "integer" as const },
    code: { type: "string" as const, enum: Object.keys(ERROR_CODES) },
    detail: { type: "string" as const },
    requestId: { type: "string" as const },
  },
};

/** "/v1/:signal{traces|logs|metrics}" → "/v1/:signal": the route as the table names it. */
const routePath = (path: string) => path.replace(/\{[^}]*\}/g, "");

/** ":tid" is served by a route mounted at "/*", "/api/auth/*" or exactly at its own path. */
function covers(mount: string, path: string): boolean {
  if (!mount.endsWith("*")) return mount === path;
  const prefix = mount.slice(0, -1).replace(/\/$/, "");
  return path === prefix || path.startsWith(`${prefix}/`);
}

type Answer = [ErrorCode, number];

function errorsOf(key: string, path: string, handlers: unknown[], marks: RequestSchemaMark[]): Answer[] {
  const codes = new Set<ErrorCode>();
  const answers: Answer[] = [];
  for (const error of OPERATIONS[key].errors ?? []) {
    if (Array.isArray(error)) answers.push(error);
    else codes.add(error);
  }
  for (const handler of handlers) for (const code of MIDDLEWARE_ERRORS.get(handler) ?? []) codes.add(code);
  for (const mark of marks) for (const code of SCHEMA_ERRORS[mark.target]) codes.add(code);
  if (path.includes("/:tid"))
    ["TENANT_NOT_FOUND", "ROLE_REQUIRED"].forEach((code) => codes.add(code as ErrorCode));
  if (!UNLIMITED.has(key))
    ["RATE_LIMITED", "RATE_LIMITER_UNAVAILABLE"].forEach((code) => codes.add(code as ErrorCode));
  codes.add("INTERNAL_ERROR");
  return [...answers, ...[...codes].map((code): Answer => [code, ERROR_CODES[code][0]])];
}

/** Error responses, one per status, each listing its codes. */
function errorResponses(answers: Answer[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const [code, status] of answers) byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, list]) => [
        String(status),
        {
          description: list.map((code) => `\`${code}\``).join(", "),
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      ]),
  );
}

export async function openApiDocument(app: { routes: RouterRoute[] }) {
  const docs = new Hono();
  const seen = new Set<string>();
  for (const route of app.routes) {
    const path = routePath(route.path);
    const key = `${route.method} ${path}`;
    if (!METHODS.includes(route.method) || path.startsWith("/api/bench") || seen.has(key)) continue;
    seen.add(key);
    const operation = OPERATIONS[key];
    if (!operation) throw new Error(`${key} is mounted but not in worker/src/openapi/operations.ts`);
    const handlers = app.routes
      .filter(
        (other) =>
          (other.method === route.method && other.path === route.path) ||
          (other.method === "ALL" && covers(other.path, path)),
      )
      .map((other) => findTargetHandler(other.handler));
    const marks = handlers.flatMap((handler) => requestSchemaOf(handler) ?? []);
    const [okStatus, okDescription, okBody] = operation.ok;
    const parameters = [...path.matchAll(/:(\w+)/g)].map(([, name]) => ({
      name,
      in: "path" as const,
      required: true,
      schema: { type: "string" as const },
    }));
    const validators = marks.map((mark) => validator(mark.target, mark.schema) as MiddlewareHandler);
    docs.on(
      route.method,
      path,
      describeRoute({
        summary: operation.summary,
        tags: [
          path.split("/")[2] === "tenants" ? "tenants" : path.split("/")[path.startsWith("/v1") ? 1 : 2],
        ],
        ...(parameters.length > 0 ? { parameters } : {}),
        responses: {
          [String(okStatus)]: {
            description: okDescription,
            ...(okBody ? { content: { "application/json": { schema: resolver(okBody) } } } : {}),
          },
          ...errorResponses(errorsOf(key, path, handlers, marks)),
        },
      }),
      ...validators,
      (c) => c.body(null, 204),
    );
  }
  const missing = Object.keys(OPERATIONS).filter((key) => !seen.has(key));
  if (missing.length > 0) throw new Error(`operations.ts describes unmounted routes: ${missing.join(", ")}`);
  return generateSpecs(docs, {
    documentation: {
      info: {
        title: "Sightline API",
        version: "1.0.0",
        description:
          "Privacy-first observability: one Cloudflare Worker, one Neon Postgres. Errors are " +
          "application/problem+json; docs/api.md describes the routes.",
      },
      components: { schemas: { Problem: PROBLEM } },
    },
    excludeMethods: [],
    excludeStaticFile: false,
    defaultValidationErrorResponse: false,
  });
}
