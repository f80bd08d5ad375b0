// Sightline's RUM exporter, re-exported from plain JavaScript: it is browser code (it sets
// `credentials`, which the Workers RequestInit type lacks), so the Worker project must not
// type-check it. rum-exporter.d.ts declares what the tests use.
export { RumExporter } from "../../../rum-sdk/src/exporter.ts";
