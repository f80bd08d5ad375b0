// The telemetry reads' query parameters as schemas (request-schema.ts): checked by Hono's
// validator before the handler runs, typed for it, and the OpenAPI document's parameters. Each
// field is checked on its own first; the range, the step and the required route are checked
// against each other after (a pipe), so an unknown parameter is reported before them.
// Eagerly loaded with the router: no query module (those load on first use) is imported here.
import * as v from "valibot";
import type { IssuePathItem } from "valibot";
import { decodeCursor } from "../query/cursor.ts";
import { parseStep, parseTimeRange, type TimeRange } from "../query/time-range.ts";
import type { StatusName } from "../query/traces.ts";
import { params, query } from "../request-schema.ts";

const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
const MAX_ATTRIBUTE_FILTERS = 10;
/** Routes are at most 12 segments of 64 characters (rum-sdk/src/route-template.ts); with slack. */
const MAX_ROUTE_CHARS = 1000;
const ROUTE = `expected a route starting with / (at most ${MAX_ROUTE_CHARS} characters)`;
const ATTRIBUTE = "expected key:value with a non-empty key, at most 1024 characters";
const STATUSES = ["unset", "ok", "error"] as const satisfies readonly StatusName[];

/** The issue of one field, found by a check across fields. */
function issueAt(input: Record<string, unknown>, key: string, message: string) {
  const at: IssuePathItem = { type: "object", origin: "value", input, key, value: input[key] };
  return { message, path: [at] as [IssuePathItem] };
}

/** A text filter; empty (a form's blank field) means no filter. */
const filter = v.pipe(
  v.optional(v.string()),
  v.transform((text) => text || undefined),
);

const limit = (fallback: number, max: number) => {
  const message = `expected an integer from 1 to ${max}`;
  return v.pipe(
    // The default as the text it stands for: a query string holds text.
    v.optional(v.string(message), String(fallback)),
    v.transform(Number),
    v.integer(message),
    v.minValue(1, message),
    v.maxValue(max, message),
  );
};

/** A cursor from a previous page whose id has the shape `id` (any, by default). */
const cursorOf = (id = /^/) =>
  v.optional(
    v.pipe(
      v.string(),
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        const decoded = decodeCursor(dataset.value);
        if (decoded && id.test(decoded.id)) return decoded;
        addIssue({ message: "expected a cursor from a previous page" });
        return NEVER;
      }),
    ),
  );
/** A traces page ends at a root span, whose id the query decodes to bytes: anything else is forged. */
const HEX_SPAN_ID = /^[0-9a-f]{16}$/;

const duration = v.pipe(
  v.optional(v.string()),
  v.transform((text) => (text ? Number(text) : undefined)),
  v.check((ms) => ms === undefined || ms >= 0, "expected a number ≥ 0"),
);

const traceId = v.optional(v.pipe(v.string(), v.regex(HEX_TRACE_ID, "expected 32 hex characters")));

/** attr=key:value, repeatable (AND): split at the first colon; the value may hold more. */
const attributes = v.pipe(
  v.optional(v.union([v.string(), v.array(v.string())], ATTRIBUTE)),
  v.transform((given) => [given ?? []].flat()),
  v.maxLength(MAX_ATTRIBUTE_FILTERS, `expected at most ${MAX_ATTRIBUTE_FILTERS} filters`),
  v.check((given) => given.every((text) => text.indexOf(":") >= 1 && text.length <= 1024), ATTRIBUTE),
  v.transform((given) =>
    given.map((text): [string, string] => [
      text.slice(0, text.indexOf(":")),
      text.slice(text.indexOf(":") + 1),
    ]),
  ),
);

/** `route`: a route as the RUM views name it (`/blog/:id`). */
const route = v.pipe(
  filter,
  v.check((text) => text === undefined || (text.startsWith("/") && text.length <= MAX_ROUTE_CHARS), ROUTE),
);

const RANGE_FIELDS = { from: v.optional(v.string()), to: v.optional(v.string()) };

/** The range `from`–`to` of a query, or null once the field that refuses it is reported. */
function rangeIn(
  value: { from?: string; to?: string },
  addIssue: (issue: ReturnType<typeof issueAt>) => void,
): TimeRange | null {
  const range = parseTimeRange(value);
  if (range.ok) return range.value;
  addIssue(issueAt(value, range.field, `expected ${range.expected}`));
  return null;
}

/** `from` and `to` (ISO-8601; default: the 24 hours before now) beside `entries`, as {from, to}. */
function ranged<const Entries extends v.ObjectEntries>(entries: Entries) {
  return v.pipe(
    v.strictObject({ ...entries, ...RANGE_FIELDS }),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const range = rangeIn(dataset.value, addIssue);
      // The range's times replace the texts they were parsed from.
      return range ? { ...dataset.value, ...range } : NEVER;
    }),
  );
}

/** A range and `step`, the bucket size in seconds (default: about 100 buckets). */
function stepped<const Entries extends v.ObjectEntries>(entries: Entries) {
  return v.pipe(
    ranged({ ...entries, step: v.optional(v.string()) }),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const step = parseStep(dataset.value.step, dataset.value);
      if (step.ok) return { ...dataset.value, step: step.value };
      addIssue(issueAt(dataset.value, step.field, `expected ${step.expected}`));
      return NEVER;
    }),
  );
}

const LOG_FILTERS = {
  service: filter,
  severity: v.optional(
    v.pipe(
      v.string(),
      v.transform(Number),
      v.integer("expected a severity number from 1 to 24"),
      v.minValue(1, "expected a severity number from 1 to 24"),
      v.maxValue(24, "expected a severity number from 1 to 24"),
    ),
  ),
  traceId,
  q: v.pipe(
    filter,
    v.check((text) => text === undefined || text.length <= 200, "expected at most 200 characters"),
  ),
};

export const tracesQuery = query(
  ranged({
    service: filter,
    name: filter,
    status: v.optional(v.picklist(STATUSES, "expected unset, ok or error")),
    minDurationMs: duration,
    maxDurationMs: duration,
    attr: attributes,
    limit: limit(50, 500),
    cursor: cursorOf(HEX_SPAN_ID),
  }),
);
export const rangeQuery = query(ranged({}));
export const logsQuery = query(ranged({ ...LOG_FILTERS, limit: limit(100, 1000), cursor: cursorOf() }));
export const severityQuery = query(stepped(LOG_FILTERS));
export const metricQuery = query(stepped({ service: filter }));
export const vitalsQuery = query(stepped({ route }));
export const pagesQuery = query(stepped({}));
export const attributionQuery = query(ranged({ route }));
export const sessionsQuery = query(
  v.pipe(
    ranged({ route, limit: limit(20, 100) }),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const { route, ...rest } = dataset.value;
      if (route !== undefined) return { ...rest, route };
      addIssue(issueAt(dataset.value, "route", ROUTE));
      return NEVER;
    }),
  ),
);
/**
 * One trace: with `from` and/or `to` (as every range), only its spans that start in that range, so
 * Postgres plans and reads those days' partitions rather than every day the tenant keeps (the
 * dashboard asks a day either side of where it saw the trace); neither: all its spans.
 */
export const traceQuery = query(
  v.pipe(
    v.strictObject(RANGE_FIELDS),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      if (dataset.value.from === undefined && dataset.value.to === undefined) return {};
      const range = rangeIn(dataset.value, addIssue);
      return range ? { range } : NEVER;
    }),
  ),
);

export const traceParams = params(
  v.object({
    traceId: v.pipe(v.string(), v.toLowerCase(), v.regex(HEX_TRACE_ID, "expected 32 hex characters")),
  }),
);
