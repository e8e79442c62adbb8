/**
 * The URL of a custom-actor module of this package, next to the caller: the `.js` file when the
 * package runs built (`dist/`), the `.ts` source when it runs from sources (vitest, tsx), where
 * the `.js` file does not exist. The custom-actor worker loads `.ts` modules through tsx.
 */
export function actorModule(relative: string, base: string): URL {
  const url = new URL(relative, base);
  return base.endsWith('.ts') ? new URL(url.href.replace(/\.js$/, '.ts')) : url;
}
