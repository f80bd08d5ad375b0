// The version of what a visitor agrees to when they accept Sightline's analytics. Bump it when
// what the SDK collects changes: older choices then count as no choice (the banner asks again) and,
// once the site tenant's policy is raised to it (ensureSiteTenant), older receipts stop working.
// Its own file, free of DOM types, because the Worker reads it too.
export const CONSENT_VERSION = 1;
