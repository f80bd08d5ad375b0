// Page paths → routes, so a dashboard groups `/blog/42` and `/blog/43` as `/blog/:id` and a
// per-page table is not one row per id. Shared by the SDK (which reports the route it can guess
// as url.template) and the ingest edge (which applies the tenant's own patterns first, then this
// same default, to whatever a browser claims: a route is a rollup key, so its cardinality must
// not be up to the client). DOM-free.

/** Routes are rollup keys: bounded in length and depth whatever the path. */
const MAX_SEGMENTS = 12;
const MAX_SEGMENT_CHARS = 64;

const NUMBER = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A hash or hex id: 8+ hex digits, at least one a decimal digit (so words such as "facade" stay). */
const HEX = /^(?=.*\d)[0-9a-f]{8,}$/i;
/** A token or slugged id: 16+ URL-safe characters with a digit (base64url, ULIDs, prefixed ids). */
const TOKEN = /^(?=.*\d)[\w-]{16,}$/;

function isId(segment: string): boolean {
  return NUMBER.test(segment) || UUID.test(segment) || HEX.test(segment) || TOKEN.test(segment);
}

function segmentsOf(path: string): string[] {
  return path.split(/[?#]/, 1)[0].split("/").filter(Boolean);
}

/** The default route of a path: ids, UUIDs, hashes and numbers become `:id`. */
export function defaultRoute(path: string): string {
  const segments = segmentsOf(path);
  const kept = segments
    .slice(0, MAX_SEGMENTS)
    .map((segment) => (isId(segment) ? ":id" : segment.slice(0, MAX_SEGMENT_CHARS)));
  if (segments.length > MAX_SEGMENTS) kept.push("*");
  return `/${kept.join("/")}`;
}

/**
 * A tenant's route pattern: `/`-separated literal segments, `:name` for any one segment, and an
 * optional final `*` for any rest (`/app/t/:tid/traces`, `/docs/*`).
 */
export const ROUTE_PATTERN =
  /^\/(?:(?:[\w.~-]+|:[A-Za-z_]\w*)(?:\/(?:[\w.~-]+|:[A-Za-z_]\w*))*(?:\/\*)?|\*)?$/;

function matches(pattern: string, segments: string[]): boolean {
  const parts = segmentsOf(pattern);
  const rest = parts.at(-1) === "*";
  const fixed = rest ? parts.slice(0, -1) : parts;
  if (rest ? segments.length < fixed.length : segments.length !== fixed.length) return false;
  return fixed.every((part, i) => part.startsWith(":") || part === segments[i]);
}

/** The first of the tenant's patterns that matches the path, if any. */
export function tenantRouteOf(path: string, patterns: readonly string[]): string | undefined {
  const segments = segmentsOf(path);
  return patterns.find((pattern) => matches(pattern, segments));
}

/** The route of a path: the first of the tenant's patterns that matches, else the default. */
export function routeOf(path: string, patterns: readonly string[] = []): string {
  return tenantRouteOf(path, patterns) ?? defaultRoute(path);
}
