// `npm run site:tenant`: creates (or refreshes) the site's own RUM tenant in a deployed database
// and prints a new frontend token to build the site with (README: Deploying). The previous site
// token stops working.
import { prepareSiteTenant } from "./site-tenant.ts";

const appUrl = process.env.APP_DATABASE_URL;
const origin = process.env.APP_ORIGIN;
if (!appUrl || !origin) {
  console.error(
    "Set APP_DATABASE_URL (the sightline_app role) and APP_ORIGIN (e.g. https://sightline.example).",
  );
  process.exit(1);
}
const site = await prepareSiteTenant({ appUrl, ownerUrl: appUrl, stop: async () => {} }, origin);
console.log(`Site tenant ${site.tenantId} allows ${site.origins.join(", ")}`);
console.log(`PUBLIC_SIGHTLINE_RUM_TOKEN=${site.frontendToken}`);
