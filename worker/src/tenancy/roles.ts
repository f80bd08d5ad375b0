// owner > admin > member. Rank comparisons live here so that no route compares role strings.
import type { Role } from "../../../db/schema/index.ts";

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && Object.hasOwn(RANK, value);
}

export function hasRoleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}
