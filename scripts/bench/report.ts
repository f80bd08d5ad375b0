/** One printed figure of `npm run bench`: each bench section returns a list of these. */
export type BenchRow = { metric: string; value: string };
