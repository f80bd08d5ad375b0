import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../worker/src/env.ts";
import { handleError, HttpError } from "../../worker/src/errors.ts";
import { requestId } from "../../worker/src/middleware/request-id.ts";
import { call, problemOf } from "./helpers.ts";

describe("error model", () => {
  it("answers an unknown API route with 404 problem+json and a request id", async () => {
    const response = await call("/api/no-such-thing");
    expect(response.status).toBe(404);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ status: 404, code: "NOT_FOUND", title: "Not Found" });
    expect(problem.requestId).toBe(response.headers.get("X-Request-Id"));
  });

  it("answers a known path with the wrong method with 405 and an Allow header", async () => {
    const response = await call("/api/health", { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, HEAD");
    expect(await problemOf(response)).toMatchObject({ status: 405, code: "METHOD_NOT_ALLOWED" });
  });

  it("renders a thrown HttpError with its status, code, detail and extra headers", async () => {
    const app = new Hono<AppEnv>().use(requestId).onError(handleError);
    app.get("/", () => {
      throw new HttpError(409, "EMAIL_TAKEN", "That email has an account", { "X-Extra": "1" });
    });
    const response = await app.request("/");
    expect(response.status).toBe(409);
    expect(response.headers.get("X-Extra")).toBe("1");
    expect(await problemOf(response)).toMatchObject({
      type: "https://sightline.dev/problems/email-taken",
      status: 409,
      code: "EMAIL_TAKEN",
      detail: "That email has an account",
    });
  });

  it("hides unexpected exceptions behind a generic 500 that never carries a stack trace", async () => {
    const app = new Hono<AppEnv>().use(requestId).onError(handleError);
    app.get("/", () => {
      throw new Error("secret internals at /worker/src/thing.ts:12");
    });
    const response = await app.request("/");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("secret internals");
    expect(text).not.toContain(".ts:");
    expect(JSON.parse(text)).toMatchObject({ status: 500, code: "INTERNAL_ERROR" });
  });
});
