// DOM helpers of every page script.

/** The page's element for `selector`; the page's markup guarantees it exists. */
export const $ = <T extends HTMLElement = HTMLElement>(selector: string) =>
  document.querySelector<T>(selector)!;

export function show(element: HTMLElement | null, text: string): void {
  if (element) element.textContent = text;
}

/** A filter form's non-empty `fields`, trimmed, as query parameters. */
export function formParams(form: HTMLFormElement, fields: readonly string[]): URLSearchParams {
  const data = new FormData(form);
  const params = new URLSearchParams();
  for (const name of fields) {
    const value = String(data.get(name) ?? "").trim();
    if (value) params.set(name, value);
  }
  return params;
}
