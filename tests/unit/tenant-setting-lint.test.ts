// SECURITY E.25: the tenant is only ever set with set_config(..., true) inside a transaction
// (withTenant). A plain SET, or a session-wide set_config, would outlive the transaction and leak
// the tenant to the next user of a pooled connection; the project's ESLint config refuses both.
import { ESLint } from "eslint";
/* eslint-disable no-restricted-syntax -- the strings below are the rule's own fixtures */
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: new URL("../..", import.meta.url).pathname });

async function ruleMessages(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: "worker/src/example.ts" });
  return result.messages.filter((m) => m.ruleId === "no-restricted-syntax").map((m) => m.message);
}

describe("the tenant-setting lint", () => {
  it("rls lint: refuses a plain SET of app.tenant_id", async () => {
    expect(await ruleMessages("export const q = `SET app.tenant_id = '${1}'`;\n")).toHaveLength(1);
    expect(await ruleMessages('export const q = "set local app.tenant_id = 1";\n')).toHaveLength(1);
  });

  it("rls lint: refuses a session-wide set_config(..., false)", async () => {
    expect(
      await ruleMessages("export const q = `select set_config('app.tenant_id', ${1}, false)`;\n"),
    ).toHaveLength(1);
  });

  it("rls lint: accepts the transaction-local set_config(..., true) that withTenant uses", async () => {
    expect(
      await ruleMessages("export const q = `select set_config('app.tenant_id', ${1}, true)`;\n"),
    ).toEqual([]);
  });
});
