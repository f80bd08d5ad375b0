// Watches what a page does to the browser for the consent tests: every storage, cookie,
// IndexedDB and sendBeacon write (reported through a binding, so it survives navigations and needs
// no storage of its own) and every request.
import type { Browser, BrowserContext, Page } from "playwright-core";

export type Watched = { context: BrowserContext; page: Page; writes: string[]; requests: string[] };

function recordWrites() {
  const record = (what: string) =>
    (window as unknown as { __recordWrite(what: string): void }).__recordWrite(what);
  const storageName = (storage: Storage) =>
    storage === window.localStorage ? "localStorage" : "sessionStorage";
  const { setItem, removeItem, clear } = Storage.prototype;
  Storage.prototype.setItem = function (key: string, value: string) {
    record(`${storageName(this)}.setItem ${key}`);
    return setItem.call(this, key, value);
  };
  Storage.prototype.removeItem = function (key: string) {
    record(`${storageName(this)}.removeItem ${key}`);
    return removeItem.call(this, key);
  };
  Storage.prototype.clear = function () {
    record(`${storageName(this)}.clear`);
    return clear.call(this);
  };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, "cookie")!;
  Object.defineProperty(Document.prototype, "cookie", {
    get() {
      return cookie.get!.call(this);
    },
    set(value: string) {
      record(`document.cookie ${value}`);
      cookie.set!.call(this, value);
    },
  });
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (name: string, version?: number) {
    record(`indexedDB.open ${name}`);
    return open.call(this, name, version);
  };
  const sendBeacon = Navigator.prototype.sendBeacon;
  Navigator.prototype.sendBeacon = function (url: string | URL, data?: BodyInit | null) {
    record(`sendBeacon ${url}`);
    return sendBeacon.call(this, url, data);
  };
}

export async function watchedPage(browser: Browser): Promise<Watched> {
  const context = await browser.newContext();
  const writes: string[] = [];
  const requests: string[] = [];
  await context.exposeBinding("__recordWrite", (_source, what: string) => void writes.push(what));
  await context.addInitScript(recordWrites);
  context.on("request", (request) => void requests.push(new URL(request.url()).pathname));
  const page = await context.newPage();
  return { context, page, writes, requests };
}

/** What the page's origin holds right now, beyond what the init script saw being written. */
export async function storedState(page: Page) {
  const inPage = await page.evaluate(async () => ({
    localStorage: Object.keys(localStorage),
    sessionStorage: Object.keys(sessionStorage),
    documentCookie: document.cookie,
    indexedDB: (await indexedDB.databases()).map((database) => database.name),
  }));
  return { ...inPage, cookies: (await page.context().cookies()).map((cookie) => cookie.name) };
}

export async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Gives idle callbacks, batch timers and late requests a chance to happen (they must not). */
export const settle = (ms = 1_500) => new Promise((resolve) => setTimeout(resolve, ms));
