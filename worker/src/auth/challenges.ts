// WebAuthn challenges: random (from @simplewebauthn's options), stored server-side, bound to the
// ceremony (and user/session) that issued them, valid 5 minutes, single-use. Consuming is one
// DELETE … RETURNING, so of two concurrent verifies of one challenge exactly one gets the row.
import { and, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { inOneRoundTrip, type Tx } from "../../../db/scope.ts";
import { webauthnChallenges } from "../../../db/schema/index.ts";
import { fromBase64url } from "../byte-encoding.ts";

export const CHALLENGE_TTL_MS = 5 * 60_000;

export type Ceremony = "signup" | "signin" | "add-passkey" | "reauth" | "restore";
export type StoredChallenge = typeof webauthnChallenges.$inferSelect;

/** Stores a new challenge; one round trip (the sweep and the insert go together). */
export async function storeChallenge(
  db: Db,
  input: {
    challenge: string;
    ceremony: Ceremony;
    now: Date;
    userId?: string;
    sessionId?: string;
    pending?: StoredChallenge["pending"];
  },
): Promise<void> {
  await inOneRoundTrip(db, (tx) =>
    Promise.all([
      // Expired challenges are swept as new ones are issued: the table stays small without a job.
      tx.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, input.now)),
      tx.insert(webauthnChallenges).values({
        challenge: input.challenge,
        ceremony: input.ceremony,
        userId: input.userId ?? null,
        sessionId: input.sessionId ?? null,
        pending: input.pending ?? null,
        expiresAt: new Date(input.now.getTime() + CHALLENGE_TTL_MS),
      }),
    ]),
  );
}

export async function consumeChallenge(
  db: Db | Tx,
  challenge: string,
  ceremony: Ceremony,
  now: Date,
): Promise<StoredChallenge | null> {
  const [row] = await db
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.challenge, challenge),
        eq(webauthnChallenges.ceremony, ceremony),
        gt(webauthnChallenges.expiresAt, now),
      ),
    )
    .returning();
  return row ?? null;
}

/** The challenge a response claims to answer (read from its clientDataJSON), or null. */
export function challengeOfResponse(response: unknown): string | null {
  const clientDataJSON = (response as { response?: { clientDataJSON?: unknown } } | null)?.response
    ?.clientDataJSON;
  if (typeof clientDataJSON !== "string" || clientDataJSON.length > 4096) return null;
  const bytes = fromBase64url(clientDataJSON);
  if (!bytes) return null;
  try {
    const { challenge } = JSON.parse(new TextDecoder().decode(bytes)) as { challenge?: unknown };
    return typeof challenge === "string" && challenge.length <= 128 ? challenge : null;
  } catch {
    return null;
  }
}
