/** `node:path` in the console's browser bundle: only keccak.ts's addon loader imports it, and never runs there. */
export function dirname(path: string): string {
  return path.replace(/\/[^/]*$/, '') || '/';
}
