// Numbers as the dashboard shows them: three significant digits, k/M/G past ten thousand. Its own
// module so pages without charts (the services overview) need not load the chart library.
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${+(value / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${+(value / 1e3).toPrecision(3)}k`;
  if (abs === 0) return "0";
  return String(+value.toPrecision(3));
}
