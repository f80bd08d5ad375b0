// Time-series charts of the dashboard pages, drawn by uPlot (docs/query.md, "Charts": a maintained
// canvas library of ~21 KiB brotli with a live legend, fast with many points; imported only by the
// telemetry pages' scripts, so no other page loads it). Several series share one chart with a
// legend showing the hovered values; a null is a gap, never bridged; the x axis spans the whole
// range asked for, so eight points in ten seconds are not a dot on a day.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatNumber } from "./number-format.ts";

/** `shown` replaces the plotted values in the legend (stacked bars plot running totals). */
export type ChartSeries = {
  label: string;
  values: (number | null)[];
  colour?: string;
  shown?: (number | null)[];
};
export type ChartSpec = {
  title: string;
  unit: string;
  /** Step start times, ms. */
  times: number[];
  series: ChartSeries[];
  from: number;
  to: number;
  bars?: boolean;
};

const COLOURS = ["#1f5fbf", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d"];

const withUnit = (value: number | null, unit: string) =>
  value === null || value === undefined ? "–" : `${formatNumber(value)}${unit ? ` ${unit}` : ""}`;

/** Draws the chart into `target` (replacing what was there); keeps its width on resize. */
export function timeChart(target: HTMLElement, spec: ChartSpec): uPlot {
  target.replaceChildren();
  const options: uPlot.Options = {
    title: spec.title,
    width: Math.max(target.clientWidth, 320),
    height: 220,
    scales: { x: { time: true, range: () => [spec.from / 1000, spec.to / 1000] } },
    series: [
      {
        label: "Time",
        value: (_, seconds) => (seconds === null ? "–" : new Date(seconds * 1000).toLocaleString()),
      },
      ...spec.series.map((series, i) => {
        const colour = series.colour ?? COLOURS[i % COLOURS.length];
        return {
          label: series.label,
          stroke: colour,
          fill: spec.bars ? colour : undefined,
          width: spec.bars ? 0 : 2,
          spanGaps: false,
          points: { show: !spec.bars, size: 5 },
          paths: spec.bars ? uPlot.paths.bars!({ size: [0.8, 40] }) : undefined,
          value: (_: uPlot, value: number | null, _series: number, index: number | null) =>
            withUnit(series.shown && index !== null ? series.shown[index] : value, spec.unit),
        };
      }),
    ],
    // Tick labels carry numbers only; the unit names the y axis (and follows each legend value).
    axes: [
      { space: 90 },
      { label: spec.unit || undefined, size: 60, values: (_, splits) => splits.map(formatNumber) },
    ],
    legend: { live: true },
  };
  const data = [
    spec.times.map((ms) => ms / 1000),
    ...spec.series.map((series) => series.values),
  ] as uPlot.AlignedData;
  const chart = new uPlot(options, data, target);
  new ResizeObserver(() => chart.setSize({ width: Math.max(target.clientWidth, 320), height: 220 })).observe(
    target,
  );
  return chart;
}
