// Inlined into every page (Consent.astro): shows the banner until the visitor chooses, loads the
// RUM SDK at idle only when measuring is allowed, and withdraws at once on "Reject analytics"
// (revoking the tab's consent receipt at the server). Global Privacy Control counts as a refusal
// until the visitor explicitly accepts; the banner says so. Before a choice it writes nothing and
// requests nothing.
import {
  clearConsent,
  mayMeasure,
  readConsent,
  saveConsent,
  type ConsentChoice,
} from "../../../rum-sdk/src/consent.ts";
import { isDashboardPath } from "../../../rum-sdk/src/page-stamp.ts";
import { revokeReceipt } from "../../../rum-sdk/src/receipt.ts";
import { readSession, SESSION_KEY } from "../../../rum-sdk/src/session.ts";

type Sdk = typeof import("../../../rum-sdk/src/index.ts");

const banner = document.getElementById("consent") as HTMLElement;
const status = document.querySelector(".consent-status");
const dashboard = isDashboardPath(location.pathname);
const gpc = (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
const { rumToken: token, rumSrc: src, rumEndpoint: endpoint, rumConsent: consentEndpoint } = banner.dataset;
let sdk: Sdk | undefined;
let loading = false;

/** Storage can be switched off and then throws on access: no remembered choice, no analytics. */
function attempt<T>(action: () => T, fallback: T): T {
  try {
    return action();
  } catch {
    return fallback;
  }
}

const allowed = () => attempt(() => mayMeasure(readConsent(localStorage), dashboard, gpc), false);
const start = () => sdk?.start({ token: token!, endpoint, consentEndpoint });

function loadWhenIdle(): void {
  if (!token || !src || loading) return;
  loading = true;
  const run = () =>
    import(/* @vite-ignore */ src).then(
      (module: Sdk) => {
        sdk = module;
        // The visitor may have withdrawn while the SDK was downloading.
        if (allowed()) start();
      },
      () => (loading = false),
    );
  if ("requestIdleCallback" in window) requestIdleCallback(run);
  else setTimeout(run, 1);
}

function withdraw(): void {
  // Revoked at the server: a batch still in flight, or replayed later, is refused from now on.
  const receipt = attempt(() => readSession(sessionStorage)?.receipt, undefined);
  if (receipt && token && consentEndpoint) revokeReceipt(consentEndpoint, token, receipt);
  sdk?.stop();
  // A session from an earlier page of this tab goes too, even if the SDK never loaded here.
  attempt(() => sessionStorage.removeItem(SESSION_KEY), undefined);
}

function choose(choice: ConsentChoice): void {
  attempt(() => saveConsent(localStorage, choice, new Date()), undefined);
  banner.hidden = true;
  if (choice === "accepted") {
    if (sdk) start();
    else loadWhenIdle();
  } else withdraw();
  if (status) status.textContent = choice === "accepted" ? "Analytics on." : "Analytics off.";
}

document.addEventListener("click", (event) => {
  const target = event.target;
  const action =
    target instanceof Element ? target.closest<HTMLElement>("[data-consent]")?.dataset.consent : undefined;
  if (action === "accept" || action === "reject") choose(action === "accept" ? "accepted" : "rejected");
  if (action === "settings") {
    attempt(() => clearConsent(localStorage), undefined);
    withdraw();
    banner.hidden = false;
    banner.querySelector("button")?.focus();
  }
});

const unasked = attempt(() => readConsent(localStorage), null) === null;
if (unasked && !dashboard && banner.dataset.prompt !== "off") banner.hidden = false;
if (gpc) (banner.querySelector(".consent-gpc") as HTMLElement).hidden = false;
// On /app/* every span must carry who is looking: start only once /api/me has announced it
// (DashboardIdentity.astro); a signed-out visitor is sent to /signin and never measured here.
const begin = () => allowed() && loadWhenIdle();
if (dashboard && !document.documentElement.dataset.sightlineUserId)
  // IDENTITY_EVENT of rum-sdk/src/dashboard-identity.ts, spelled out: importing it would share a
  // module with DashboardIdentity.astro's script, and Vite would then split this inlined loader
  // into an external chunk (a request before consent). tests/unit/rum-dashboard-identity checks it.
  document.addEventListener("sightline:identity", begin, { once: true });
else begin();
