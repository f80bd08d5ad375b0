// An invitation opened while signed out is remembered in this tab (sessionStorage, never a cookie
// or localStorage) until the person has signed in; /app then resumes it.
const KEY = "sightline.pendingInvitation";

export function rememberInvitation(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetInvitation(): void {
  sessionStorage.removeItem(KEY);
}

export function pendingInvitation(): string | null {
  return sessionStorage.getItem(KEY);
}
