// Worker secrets generated per test run (never committed, never reused). Each feature that adds a
// secret to .dev.vars.example adds its generator here and in scripts/dev-secrets.ts.
export function testSecrets(): Record<string, string> {
  return {};
}
