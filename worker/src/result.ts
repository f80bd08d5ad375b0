// The one shape of a domain outcome that can be refused without being an error: `ok: true` with
// what it produced, or `ok: false` with why (a reason the route maps to its HTTP answer). Thrown
// errors stay for what no caller handles (HttpError, bugs).
export type Result<Value extends object, Refusal extends object> =
  ({ ok: true } & Value) | ({ ok: false } & Refusal);
