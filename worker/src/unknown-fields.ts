// No mass assignment: a body with a field the route does not accept is refused (400, naming the
// field), never silently ignored, so `{"role":"owner"}` sent where it does not belong fails loudly.
import { HttpError } from "./errors.ts";
import type { JsonObject } from "./request-body.ts";

export function rejectUnknownFields(body: JsonObject, allowed: readonly string[]): void {
  const unknown = Object.keys(body).find((field) => !allowed.includes(field));
  if (unknown !== undefined) throw new HttpError(400, "INVALID_REQUEST", `${unknown}: unknown field`);
}
