// Inlined into every page (Consent.astro): shows the banner until the visitor chooses, loads the
// RUM SDK at idle only when measuring is allowed, and withdraws at once on "Reject analytics".
// Before a choice it writes nothing and requests nothing.
import {
  clearConsent,
  mayMeasure,
  readConsent,
  saveConsent,
  type ConsentChoice,
} from "../../../rum-sdk/src/consent.ts";
import { isDashboardPath } from "../../../rum-sdk/src/page-stamp.ts";
import { SESSION_KEY } from "../../../rum-sdk/src/session.ts";

type Sdk = typeof import("../../../rum-sdk/src/index.ts");

const banner = document.getElementById("consent") as HTMLElement;
const status = document.querySelector(".consent-status");
const dashboard = isDashboardPath(location.pathname);
let sdk: Sdk | undefined;
let loading = false;

const allowed = () => mayMeasure(readConsent(localStorage), dashboard);

function loadWhenIdle(): void {
  const { rumToken: token, rumSrc: src, rumEndpoint: endpoint } = banner.dataset;
  if (!token || !src || loading) return;
  loading = true;
  const run = () =>
    import(/* @vite-ignore */ src).then((module: Sdk) => {
      sdk = module;
      // The visitor may have withdrawn while the SDK was downloading.
      if (allowed()) sdk.start({ token, endpoint });
    });
  if ("requestIdleCallback" in window) requestIdleCallback(run);
  else setTimeout(run, 1);
}

function withdraw(): void {
  sdk?.stop();
  // A session from an earlier page of this tab goes too, even if the SDK never loaded here.
  sessionStorage.removeItem(SESSION_KEY);
}

function choose(choice: ConsentChoice): void {
  saveConsent(localStorage, choice, new Date());
  banner.hidden = true;
  if (choice === "accepted") {
    if (sdk) sdk.start({ token: banner.dataset.rumToken ?? "", endpoint: banner.dataset.rumEndpoint });
    else loadWhenIdle();
  } else withdraw();
  if (status) status.textContent = choice === "accepted" ? "Analytics on." : "Analytics off.";
}

document.addEventListener("click", (event) => {
  const action = (event.target as Element).closest<HTMLElement>("[data-consent]")?.dataset.consent;
  if (action === "accept" || action === "reject") choose(action === "accept" ? "accepted" : "rejected");
  if (action === "settings") {
    clearConsent(localStorage);
    withdraw();
    banner.hidden = false;
    banner.querySelector("button")?.focus();
  }
});

const choice = readConsent(localStorage);
if (choice === null && !dashboard) banner.hidden = false;
if (allowed()) loadWhenIdle();
