// A tenant's own RUM route patterns (GET/PUT /api/tenants/:tid/rum/routes): ordered, the first
// that matches a page path names its route (rum-sdk/src/route-template.ts); paths no pattern
// matches get the default templating. Applied at the ingest edge, before a path becomes a RUM
// event or a rollup key.
import { rumRoutePatterns } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";
import { ROUTE_PATTERN } from "../../../rum-sdk/src/route-template.ts";

export const MAX_ROUTE_PATTERNS = 50;
export const MAX_ROUTE_PATTERN_CHARS = 200;

/** The pattern when acceptable (see ROUTE_PATTERN), else null. */
export function parseRoutePattern(value: unknown): string | null {
  if (typeof value !== "string" || value.length > MAX_ROUTE_PATTERN_CHARS || !ROUTE_PATTERN.test(value))
    return null;
  return value;
}

export async function listRoutePatterns(tx: Tx): Promise<string[]> {
  const [row] = await tx.select({ patterns: rumRoutePatterns.patterns }).from(rumRoutePatterns);
  return row?.patterns ?? [];
}

/** Replaces the list; returns the previous one (for the audit event). */
export async function replaceRoutePatterns(tx: Tx, tenantId: string, patterns: string[]): Promise<string[]> {
  const previous = await listRoutePatterns(tx);
  await tx
    .insert(rumRoutePatterns)
    .values({ tenantId, patterns })
    .onConflictDoUpdate({ target: rumRoutePatterns.tenantId, set: { patterns } });
  return previous;
}
