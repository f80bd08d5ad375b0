// Small hand-rolled SVG charts for the telemetry pages: a line chart with optional
// good / needs-improvement / poor bands, and a bar chart. No library: a few hundred bytes, no
// layout work beyond one SVG per chart, fine on a slow phone.
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 600;
const HEIGHT = 160;
const PAD = { left: 64, right: 8, top: 10, bottom: 22 };

export type Point = { time: string; value: number };
export type Bands = { good: number; poor: number };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

function frame(label: string): SVGSVGElement {
  const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", class: "chart" });
  root.append(Object.assign(svg("title", {}), { textContent: label }));
  return root;
}

function scales(points: Point[], from: number, to: number, yMax: number) {
  const x = (time: string) =>
    PAD.left + ((Date.parse(time) - from) / Math.max(to - from, 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => HEIGHT - PAD.bottom - (value / yMax) * (HEIGHT - PAD.top - PAD.bottom);
  return { x, y, points };
}

function axisLabel(root: SVGSVGElement, text: string, x: number, y: number, anchor = "end") {
  root.append(
    Object.assign(svg("text", { x, y, "text-anchor": anchor, class: "axis" }), { textContent: text }),
  );
}

function timeLabels(root: SVGSVGElement, from: number, to: number) {
  const options: Intl.DateTimeFormatOptions =
    to - from > 12 * 3600_000
      ? { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }
      : { hour: "2-digit", minute: "2-digit" };
  const format = (ms: number) => new Date(ms).toLocaleString([], options);
  axisLabel(root, format(from), PAD.left, HEIGHT - 4, "start");
  axisLabel(root, format((from + to) / 2), (PAD.left + WIDTH - PAD.right) / 2, HEIGHT - 4, "middle");
  axisLabel(root, format(to), WIDTH - PAD.right, HEIGHT - 4);
}

/** A line over [from, to]; with `bands`, the background shows good / needs improvement / poor. */
export function lineChart(
  label: string,
  points: Point[],
  from: number,
  to: number,
  bands?: Bands,
  unit = "",
) {
  const root = frame(label);
  const top = Math.max(...points.map((p) => p.value), bands ? bands.poor * 1.25 : 0) || 1;
  const { x, y } = scales(points, from, to, top);
  if (bands) {
    const left = PAD.left;
    const width = WIDTH - PAD.left - PAD.right;
    for (const [low, high, name] of [
      [0, bands.good, "good"],
      [bands.good, bands.poor, "ni"],
      [bands.poor, top, "poor"],
    ] as const) {
      root.append(
        svg("rect", {
          x: left,
          y: y(high),
          width,
          height: Math.max(y(low) - y(high), 0),
          class: `band ${name}`,
        }),
      );
    }
  }
  axisLabel(root, `${formatValue(top)}${unit}`, PAD.left - 4, PAD.top + 8);
  axisLabel(root, `0${unit}`, PAD.left - 4, HEIGHT - PAD.bottom);
  timeLabels(root, from, to);
  if (points.length > 0) {
    const path = points
      .map((p, i) => `${i ? "L" : "M"}${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`)
      .join("");
    root.append(svg("path", { d: path, class: "line" }));
    for (const p of points) {
      const dot = svg("circle", {
        cx: x(p.time).toFixed(1),
        cy: y(p.value).toFixed(1),
        r: 2.5,
        class: "dot",
      });
      dot.append(
        Object.assign(svg("title", {}), {
          textContent: `${new Date(p.time).toLocaleString()}: ${formatValue(p.value)}${unit}`,
        }),
      );
      root.append(dot);
    }
  }
  return root;
}

/** Bars over time (e.g. page views per bucket). */
export function barChart(label: string, points: Point[], from: number, to: number, stepMs: number) {
  const root = frame(label);
  const top = Math.max(...points.map((p) => p.value), 1);
  const { x, y } = scales(points, from, to, top);
  const barWidth = Math.max(((WIDTH - PAD.left - PAD.right) * stepMs) / Math.max(to - from, 1) - 1, 1);
  axisLabel(root, formatValue(top), PAD.left - 4, PAD.top + 8);
  axisLabel(root, "0", PAD.left - 4, HEIGHT - PAD.bottom);
  timeLabels(root, from, to);
  for (const p of points) {
    const bar = svg("rect", {
      x: x(p.time),
      y: y(p.value),
      width: barWidth,
      height: HEIGHT - PAD.bottom - y(p.value),
      class: "bar",
    });
    bar.append(
      Object.assign(svg("title", {}), { textContent: `${new Date(p.time).toLocaleString()}: ${p.value}` }),
    );
    root.append(bar);
  }
  return root;
}

export function formatValue(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)}k`;
  if (value < 1) return value.toFixed(3).replace(/0+$/, "").replace(/\.$/, "");
  return String(Math.round(value));
}
