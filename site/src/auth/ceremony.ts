// What a person is told when the browser's side of a WebAuthn ceremony fails.
/** A readable sentence for an error thrown by a WebAuthn ceremony in the browser. */
export function ceremonyMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "AbortError")
    return "The passkey request was cancelled or timed out.";
  if (name === "InvalidStateError") return "This device already has a passkey for this account.";
  if (name === "SecurityError") return "Passkeys are not available on this address.";
  return "Your browser could not use a passkey here.";
}
