// Every callback the SDK hands to the browser goes through here: telemetry must never throw into
// the host page.
export function guarded<A extends unknown[]>(callback: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      callback(...args);
    } catch {
      // dropped on purpose
    }
  };
}
