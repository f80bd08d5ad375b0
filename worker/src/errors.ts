// One error model for the whole API: routes and middleware throw HttpError; app.onError renders
// it as RFC 9457 problem+json with the request id. Anything else is a bug: logged with the request
// id, answered with a generic 500 and never a stack trace.
import type { Context } from "hono";
import { DrizzleQueryError } from "drizzle-orm/errors";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env.ts";
import type { ErrorCode, StatusOf } from "./error-codes.ts";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** An answer other than success; `cause` (never sent) is logged when the error is. */
export class HttpError<Code extends ErrorCode = ErrorCode> extends Error {
  readonly status: StatusOf<Code> & ContentfulStatusCode;
  constructor(
    status: StatusOf<Code>,
    readonly code: Code,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(`${status} ${code}${detail ? `: ${detail}` : ""}`, options);
    this.status = status as StatusOf<Code> & ContentfulStatusCode;
  }
}

export function problemResponse(c: Context<AppEnv>, error: HttpError): Response {
  const body = {
    type: `https://sightline.dev/problems/${error.code.toLowerCase().replaceAll("_", "-")}`,
    title: TITLES[error.status] ?? "Error",
    status: error.status,
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
    requestId: c.get("requestId"),
  };
  return c.body(JSON.stringify(body), error.status, {
    ...error.headers,
    "Content-Type": "application/problem+json",
  });
}

/** Hono's own exceptions (e.g. malformed JSON from the validator) keep their status under a stable code. */
const CODES_FOR_HONO_STATUS: Record<number, ErrorCode> = {
  400: "INVALID_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

export function handleError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof HttpError) {
    // A 5xx the code chose to answer (an unavailable dependency) keeps what caused it in the log.
    if (error.status >= 500 && error.cause !== undefined) {
      console.error(
        JSON.stringify({
          msg: error.message,
          requestId: c.get("requestId"),
          cause: describeError(error.cause),
        }),
      );
    }
    return problemResponse(c, error);
  }
  if (error instanceof HTTPException && CODES_FOR_HONO_STATUS[error.status]) {
    // Hono's messages name the problem, never the input ("Malformed JSON in request body").
    return problemResponse(
      c,
      new HttpError(
        error.status as StatusOf<ErrorCode>,
        CODES_FOR_HONO_STATUS[error.status],
        error.message || undefined,
      ),
    );
  }
  console.error(
    JSON.stringify({
      msg: "unhandled error",
      requestId: c.get("requestId"),
      error: describeError(error),
      // The stack's frames only: the lines before them are the message, described (and
      // scrubbed) above, and a drizzle message spans several lines.
      stack: error.stack
        ?.split("\n")
        .filter((line) => line.trimStart().startsWith("at "))
        .join("\n"),
    }),
  );
  return problemResponse(c, new HttpError(500, "INTERNAL_ERROR"));
}

/**
 * A loggable one-liner for an error and its causes, with no data in it. Drizzle wraps driver
 * errors in "Failed query: <sql> params: <values>", and Postgres messages can quote the input
 * ("invalid input syntax for type uuid: \"…\""): both may hold personal data. A database error is
 * described by its SQLSTATE and the schema names it carries; other errors keep their message.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `non-Error thrown (${typeof error})`;
  const own =
    error instanceof DrizzleQueryError
      ? "query failed"
      : (databaseErrorOf(error) ?? `${error.name}: ${error.message}`);
  return error.cause ? `${own} <- ${describeError(error.cause)}` : own;
}

function databaseErrorOf(error: Error): string | null {
  const fields = error as { code?: unknown; table?: unknown; column?: unknown; constraint?: unknown };
  if (typeof fields.code !== "string" || !/^[0-9A-Z]{5}$/.test(fields.code)) return null;
  const names = (["table", "column", "constraint"] as const)
    .filter((name) => typeof fields[name] === "string")
    .map((name) => ` ${name}=${String(fields[name])}`);
  return `database error ${fields.code}${names.join("")}`;
}
