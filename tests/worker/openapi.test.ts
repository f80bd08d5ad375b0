// GET /api/openapi.json answers the committed document, and that document is what the routes
// generate now: a changed schema, route or error list without `npm run build:openapi` fails here.
// (Its validity and its agreement with docs/api.md: tests/unit/openapi-document.test.ts.)
import { describe, expect, it } from "vitest";
import committed from "../../site/public/openapi.json";
import { families } from "../../worker/src/index.ts";
import { openApiDocument } from "../../worker/src/openapi/document.ts";
import { call } from "./helpers.ts";

const app = await families.all();

describe("OpenAPI document", () => {
  it("openapi: the committed document is what the routes generate (npm run build:openapi)", async () => {
    expect(JSON.parse(JSON.stringify(await openApiDocument(app)))).toEqual(committed);
  });

  it("openapi: GET /api/openapi.json answers it as JSON, rate limited per IP", async () => {
    const response = await call("/api/openapi.json", { headers: { "CF-Connecting-IP": "203.0.113.9" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.headers.get("RateLimit-Policy")).toMatch(/^"[a-z-]+";q=\d+;w=\d+/);
    expect(await response.json()).toEqual(committed);
  });
});
