// The visitor's analytics choice, the only thing the site writes before consent (localStorage
// `sightline-cookie-consent` = {version, date, choice}). A choice of an older CONSENT_VERSION counts
// as no choice, and the banner asks again.
import { CONSENT_VERSION } from "./consent-version.ts";

export { CONSENT_VERSION };
export const CONSENT_KEY = "sightline-cookie-consent";

export type ConsentChoice = "accepted" | "rejected";
export type ConsentRecord = { version: number; date: string; choice: ConsentChoice };

export function readConsent(storage: Storage): ConsentChoice | null {
  try {
    const record = JSON.parse(storage.getItem(CONSENT_KEY) ?? "null") as Partial<ConsentRecord> | null;
    if (record?.version !== CONSENT_VERSION) return null;
    return record.choice === "accepted" || record.choice === "rejected" ? record.choice : null;
  } catch {
    return null;
  }
}

export function saveConsent(storage: Storage, choice: ConsentChoice, now: Date): void {
  const record: ConsentRecord = { version: CONSENT_VERSION, date: now.toISOString(), choice };
  storage.setItem(CONSENT_KEY, JSON.stringify(record));
}

export function clearConsent(storage: Storage): void {
  storage.removeItem(CONSENT_KEY);
}

/**
 * Dashboard pages (/app/*) are measured without the banner (the terms cover them) unless the
 * visitor rejected or the browser sends Global Privacy Control; public pages only after "Accept
 * all". GPC is a refusal that only an explicit "Accept all" overrides.
 */
export function mayMeasure(choice: ConsentChoice | null, dashboard: boolean, gpc: boolean): boolean {
  return choice === "accepted" || (dashboard && choice === null && !gpc);
}
