-- Histogram and summary detail the query API needs for quantiles (docs/query.md, "Metric semantics"):
-- the exponential-histogram bucket layout and the summary quantiles, stored as sent.
ALTER TABLE "metric_points" ADD COLUMN "exponential_buckets" jsonb;--> statement-breakpoint
ALTER TABLE "metric_points" ADD COLUMN "quantiles" jsonb;