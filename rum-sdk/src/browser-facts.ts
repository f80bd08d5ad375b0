// The browser facts the SDK reports once per batch (resource attributes). Coarse on purpose:
// no canvas, fonts, plugins or anything else used for fingerprinting.
import type { Attributes } from "@opentelemetry/api";
import { ATTR } from "./attributes.ts";

type UserAgentData = { platform?: string; mobile?: boolean };
type NetworkInformation = { effectiveType?: string };

export function browserFacts(sessionId: string): Attributes {
  const nav = navigator as Navigator & { userAgentData?: UserAgentData; connection?: NetworkInformation };
  const facts: Attributes = {
    [ATTR.sessionId]: sessionId,
    [ATTR.userAgent]: nav.userAgent,
    [ATTR.language]: nav.language,
    [ATTR.platform]: nav.userAgentData?.platform ?? nav.platform,
    [ATTR.mobile]: nav.userAgentData?.mobile ?? /Mobi/.test(nav.userAgent),
    [ATTR.screenWidth]: screen.width,
    [ATTR.screenHeight]: screen.height,
    [ATTR.viewportWidth]: innerWidth,
    [ATTR.viewportHeight]: innerHeight,
    [ATTR.pixelRatio]: devicePixelRatio,
  };
  if (nav.connection?.effectiveType) facts[ATTR.networkClass] = nav.connection.effectiveType;
  return facts;
}
