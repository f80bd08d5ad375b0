// Migrations are append-only: once committed, a migration has run on databases we cannot re-run it
// on, so editing it changes nothing there and silently forks the schema. migrations/hashes.json
// holds the SHA-256 of every migration in the journal; this test fails when a listed file changes,
// and tells whoever adds a migration the one line to add.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const DIR = new URL("../../migrations/", import.meta.url);
const journal = JSON.parse(readFileSync(new URL("meta/_journal.json", DIR), "utf8")) as {
  entries: { tag: string }[];
};
const hashes = JSON.parse(readFileSync(new URL("hashes.json", DIR), "utf8")) as Record<string, string>;
const files = journal.entries.map((entry) => `${entry.tag}.sql`);

const sha256 = (file: string) =>
  createHash("sha256")
    .update(readFileSync(new URL(file, DIR)))
    .digest("hex");

describe("hardening: committed migrations never change", () => {
  it("hardening: every migration in the journal has its hash in migrations/hashes.json", () => {
    const missing = files.filter((file) => !(file in hashes));
    const lines = missing.map((file) => `  "${file}": "${sha256(file)}"`).join(",\n");
    expect(
      missing,
      `New migration(s): add to migrations/hashes.json (after the last entry):\n${lines}\n` +
        "Once committed, never edit the file again: write a new migration instead.",
    ).toEqual([]);
  });

  it("hardening: no committed migration file listed in the journal has changed", () => {
    const changed = files.filter((file) => file in hashes && sha256(file) !== hashes[file]);
    expect(
      changed,
      "Migrations are append-only: these files differ from the hash recorded when they were committed. " +
        "Restore them (git checkout main -- migrations/<file>) and put the change in a new migration. " +
        "(If the lead renumbered a migration at merge, move its hash entry to the new name.)",
    ).toEqual([]);
  });

  it("hardening: migrations/hashes.json lists only migrations of the journal", () => {
    expect(Object.keys(hashes).filter((file) => !files.includes(file))).toEqual([]);
  });
});
