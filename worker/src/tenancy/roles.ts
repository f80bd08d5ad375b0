// owner > admin > member. Rank comparisons live here so that no route compares role strings.
import * as v from "valibot";
import { ROLES, type Role } from "../../../db/schema/index.ts";

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

/** A role in a request body. */
export const role = v.picklist(ROLES, "expected owner, admin or member");

export function hasRoleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}
