// The committed OpenAPI document (site/public/openapi.json, written by scripts/openapi.ts) is a
// valid OpenAPI 3.1 document, names the same routes as docs/api.md's route table, and gives every
// operation its success answer (with its JSON body's schema) and problem+json errors. That it is
// what the routes generate today is tests/worker/openapi.test.ts (it needs the app, which runs in
// workerd); that the routes answer what it declares, tests/worker/openapi-responses.test.ts.
import { Validator } from "@seriousme/openapi-schema-validator";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
type Operation = { summary?: string; responses: Record<string, { content?: Record<string, unknown> }> };
const document = JSON.parse(readFileSync(resolve(ROOT, "site/public/openapi.json"), "utf8")) as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
};

const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    route: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`,
    operation,
  })),
);

describe("OpenAPI document", () => {
  it("openapi: is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("openapi: names exactly the routes of docs/api.md's route table", () => {
    const table = readFileSync(resolve(ROOT, "docs/api.md"), "utf8")
      .split("\n")
      .flatMap((line) => /^\| `([A-Z]+ \/[^`]+)`\s*\|/.exec(line)?.[1] ?? []);
    expect(table.length).toBeGreaterThan(50);
    // Some routes have a row of their own in a section's table too (Consent).
    expect([...new Set(table)].sort()).toEqual(operations.map(({ route }) => route).sort());
  });

  it("openapi: every success answer with a body declares its JSON schema", () => {
    // Bodiless: 204s, and the email routes' 202 (queued, nothing to say).
    const bodiless = operations
      .filter(({ operation }) =>
        Object.entries(operation.responses).some(([status, response]) => status < "300" && !response.content),
      )
      .map(({ route, operation }) => `${route} ${Object.keys(operation.responses)[0]}`);
    expect(bodiless.filter((answer) => !answer.endsWith(" 204"))).toEqual([
      "POST /api/auth/email/resend 202",
      "POST /api/auth/email/change 202",
    ]);
    for (const { route, operation } of operations) {
      const [status, response] = Object.entries(operation.responses).find(([code]) => code < "300")!;
      if (!response.content) continue;
      expect(Object.keys(response.content), `${route} ${status}`).toEqual(["application/json"]);
      const { schema } = response.content["application/json"] as { schema: Record<string, unknown> };
      // A schema that says something: a type, or a reference to a component.
      expect(schema.type ?? schema.$ref, `${route} ${status}`).toBeDefined();
    }
  });

  it("openapi: every operation has a summary, one success answer and problem+json errors", () => {
    for (const { route, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      expect(operation.summary, route).toMatch(/\S/);
      expect(
        statuses.filter((status) => status < "300"),
        route,
      ).toHaveLength(1);
      expect(statuses, route).toContain("500");
      for (const status of statuses.filter((status) => status >= "400")) {
        expect(Object.keys(operation.responses[status].content ?? {}), `${route} ${status}`).toEqual([
          "application/problem+json",
        ]);
      }
    }
  });
});
