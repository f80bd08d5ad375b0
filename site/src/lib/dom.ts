// DOM helpers of every page script.

/** The page's element for `selector`; the page's markup guarantees it exists. */
export const $ = <T extends HTMLElement = HTMLElement>(selector: string) =>
  document.querySelector<T>(selector)!;

export function show(element: HTMLElement | null, text: string): void {
  if (element) element.textContent = text;
}
