// A tiny inline SVG line for table rows (the services overview draws dozens: one canvas chart each
// would be heavy). Its <title> says what it shows for screen readers and on hover.
const SVG = "http://www.w3.org/2000/svg";

export function sparkline(values: number[], label: string, errors?: number[]): SVGSVGElement {
  const width = 120;
  const height = 28;
  const top = Math.max(...values, 1);
  const x = (i: number) => (values.length > 1 ? (i / (values.length - 1)) * width : width / 2);
  const y = (value: number) => height - 2 - (value / top) * (height - 4);
  const root = document.createElementNS(SVG, "svg");
  root.setAttribute("viewBox", `0 0 ${width} ${height}`);
  root.setAttribute("class", "sparkline");
  root.setAttribute("role", "img");
  const title = document.createElementNS(SVG, "title");
  title.textContent = label;
  root.append(title);
  for (const [series, className] of [
    [values, "requests"],
    [errors, "errors"],
  ] as const) {
    if (!series?.some((value) => value > 0)) continue;
    const path = document.createElementNS(SVG, "path");
    path.setAttribute(
      "d",
      series.map((value, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(value).toFixed(1)}`).join(""),
    );
    path.setAttribute("class", className);
    root.append(path);
  }
  return root;
}
