// Request validation: every route declares its JSON body, query and path parameters as valibot
// schemas (Standard Schema) checked by Hono's validator middleware, so the handler gets typed,
// checked input and the OpenAPI document (scripts/openapi.ts) is generated from the same schemas.
// Objects are strict: a field the route does not accept is refused (400, naming it), never
// silently ignored, so `{"role":"owner"}` sent where it does not belong fails loudly.
import { sValidator } from "@hono/standard-validator";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import { isPlausibleEmail } from "./auth/users.ts";
import type { AppEnv } from "./env.ts";
import { HttpError } from "./errors.ts";

export const MAX_JSON_BYTES = 64 * 1024;

export type RequestTarget = "json" | "query" | "param";

/** Where the OpenAPI generator finds a validator's schema (a property of the middleware). */
// Typed `symbol`, not `unique symbol`: a route module exporting a validator must be able to name
// its type in the declarations the site is typechecked against (npm run types:api).
export const REQUEST_SCHEMA: symbol = Symbol.for("sightline.request-schema");
export type RequestSchemaMark = { target: RequestTarget; schema: v.GenericSchema };

/** The schema a route's handler validates, if it is one of these validators. */
export function requestSchemaOf(handler: unknown): RequestSchemaMark | undefined {
  return (handler as Record<symbol, RequestSchemaMark | undefined>)[REQUEST_SCHEMA];
}

/** "origins[2]", "response.id": the failing field as a client names it. */
function fieldOf(issue: StandardSchemaV1.Issue, target: RequestTarget): string {
  let field = "";
  for (const segment of issue.path ?? []) {
    const key = typeof segment === "object" ? segment.key : segment;
    field += typeof key === "number" ? `[${key}]` : field ? `.${String(key)}` : String(key);
  }
  return field || (target === "json" ? "body" : target);
}

function describeIssue(issue: StandardSchemaV1.Issue, target: RequestTarget): string {
  // valibot reports an unknown key of a strict object as "expected never".
  const unknown = (issue as { expected?: unknown }).expected === "never";
  return `${fieldOf(issue, target)}: ${unknown ? "unknown field" : issue.message}`;
}

function validate<Target extends RequestTarget, Schema extends v.GenericSchema>(
  target: Target,
  schema: Schema,
) {
  const middleware = sValidator(target, schema, (result) => {
    if (!result.success) throw new HttpError(400, "INVALID_REQUEST", describeIssue(result.error[0], target));
  });
  const mark: RequestSchemaMark = { target, schema };
  return Object.assign(middleware, { [REQUEST_SCHEMA]: mark });
}

const limitJson = bodyLimit({
  maxSize: MAX_JSON_BYTES,
  onError: () => {
    throw new HttpError(413, "PAYLOAD_TOO_LARGE", `The body exceeds ${MAX_JSON_BYTES} bytes`);
  },
});

/**
 * 415 unless the body is declared JSON (a text/plain "simple request" is how cross-site forms
 * smuggle JSON), then the byte limit: a declared Content-Length above it is refused unread, a
 * streamed body is abandoned as soon as it passes it.
 */
const jsonOnly: MiddlewareHandler<AppEnv> = async (c: Context<AppEnv>, next) => {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  }
  return limitJson(c, next);
};

/** A JSON object body: spread into the route (`...jsonBody(schema)`). */
export function jsonBody<Schema extends v.GenericSchema>(schema: Schema) {
  return [jsonOnly, validate("json", schema)] as const;
}

export const query = <Schema extends v.GenericSchema>(schema: Schema) => validate("query", schema);
export const params = <Schema extends v.GenericSchema>(schema: Schema) => validate("param", schema);

// Field schemas shared by several routes. Messages say what is expected: they follow the field name.

/** A trimmed, non-empty string of at most `max` characters. */
export const text = (max: number) =>
  v.pipe(
    v.string(`expected a non-empty string of at most ${max} characters`),
    v.trim(),
    v.nonEmpty(`expected a non-empty string of at most ${max} characters`),
    v.maxLength(max, `expected a non-empty string of at most ${max} characters`),
  );

/** An email address in a request body, normalised. */
export const emailAddress = v.pipe(
  text(254),
  v.toLowerCase(),
  v.check(isPlausibleEmail, "not an email address"),
);

export const uuid = (message = "expected a UUID") =>
  v.pipe(v.string(message), v.uuid(message), v.toLowerCase());

/** A query parameter holding a positive integer. */
export const positiveIntegerText = v.pipe(
  v.string(),
  v.regex(/^[1-9][0-9]{0,15}$/, "expected a positive integer"),
  v.transform(Number),
);

/** A WebAuthn response ({response}): its inside is checked by the ceremony (@simplewebauthn). */
export function webauthnResponse<Response>() {
  return v.strictObject({
    response: v.custom<Response>(
      (value) => typeof value === "object" && value !== null && !Array.isArray(value),
      "expected an object",
    ),
  });
}
