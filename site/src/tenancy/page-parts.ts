// What the tenant pages' scripts build into their markup: action buttons, table rows (for
// components/DataTable.astro), times, and a value shown once with its copy button.
import { $, show } from "../lib/dom.ts";

export function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "never";
}

/** A button that runs an action, for lists built in the page. */
export function button(label: string, onClick: () => void, accessibleName?: string): HTMLButtonElement {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = label;
  if (accessibleName) element.setAttribute("aria-label", accessibleName);
  element.addEventListener("click", onClick);
  return element;
}

/** A table row of text cells, then any elements (buttons, selects) in a last cell. */
export function row(cells: string[], actions: HTMLElement[] = []): HTMLTableRowElement {
  const tr = document.createElement("tr");
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  const td = document.createElement("td");
  td.append(...actions);
  tr.append(td);
  return tr;
}

/**
 * A value shown once (a token's secret, an invitation link) in its hidden `box`
 * (components/tenancy/OneTimeValue.astro): wires the box's copy button, which says what happened
 * (the text stays selectable for browsers without clipboard access); the function it returns puts a
 * value in the box's input, reveals it and selects the value.
 */
export function oneTimeValue(box: string, label: string): (value: string) => void {
  const input = $<HTMLInputElement>(`${box} input`);
  $(`${box} button`).addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      show($("#status"), `${label} copied to the clipboard.`);
    } catch {
      show($("#status"), `Select the ${label.toLowerCase()} and copy it.`);
    }
  });
  return (value) => {
    input.value = value;
    $(box).hidden = false;
    input.select();
  };
}
