// Module hooks used while running from the TypeScript sources (see mandate.js): `mandate`, the package's
// own name, resolves to agent/index.ts instead of the bundle in dist/, which may be stale or absent.
const source = new URL('../agent/index.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'mandate') return { url: source, shortCircuit: true };
  return nextResolve(specifier, context);
}
