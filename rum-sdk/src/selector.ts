// A short CSS selector for an element (tag, id, classes), never its text: enough to find the LCP
// element or the slow INP target in the page source, nothing a visitor typed or read.

const MAX_DEPTH = 4;
const MAX_CLASSES = 2;

type ElementLike = {
  tagName: string;
  id: string;
  classList: Iterable<string>;
  parentElement: ElementLike | null;
};

export function selectorOf(element: ElementLike | null | undefined): string | undefined {
  const parts: string[] = [];
  for (let node = element; node && parts.length < MAX_DEPTH; node = node.parentElement) {
    const tag = node.tagName.toLowerCase();
    if (tag === "html" || tag === "body") break;
    if (node.id) {
      parts.unshift(`${tag}#${node.id}`);
      break;
    }
    const classes = [...node.classList].slice(0, MAX_CLASSES).map((name) => `.${name}`);
    parts.unshift(tag + classes.join(""));
  }
  return parts.length > 0 ? parts.join(">") : undefined;
}
