import { describe, expect, it } from "vitest";
import { selectorOf } from "../../rum-sdk/src/selector.ts";

type Node = { tagName: string; id: string; classList: string[]; parentElement: Node | null };
const node = (tagName: string, parentElement: Node | null, id = "", classList: string[] = []): Node => ({
  tagName,
  id,
  classList,
  parentElement,
});

describe("the CSS selector of an LCP element or INP target", () => {
  it("names tags, ids and at most two classes, and stops at the first id", () => {
    const html = node("HTML", null);
    const body = node("BODY", html);
    const main = node("MAIN", body, "main");
    const section = node("SECTION", main, "", ["hero", "wide", "dark"]);
    const h1 = node("H1", section);
    expect(selectorOf(h1)).toBe("main#main>section.hero.wide>h1");
  });

  it("never goes above four levels or into body and html", () => {
    let parent = node("BODY", node("HTML", null));
    for (let depth = 0; depth < 6; depth++) parent = node("DIV", parent);
    expect(selectorOf(parent)).toBe("div>div>div>div");
    expect(selectorOf(node("BODY", null))).toBeUndefined();
    expect(selectorOf(null)).toBeUndefined();
  });
});
