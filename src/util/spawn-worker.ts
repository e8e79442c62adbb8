import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a module next to the caller.
 *
 * Built code runs `.js` entry files directly. Under vitest or tsx the sources are `.ts`, which
 * Node 20 cannot load in a worker (`--import tsx` in `execArgv` is not applied to a worker's main
 * module), so the worker is started on a tiny bootstrap that registers tsx and then imports it.
 *
 * A worker that will itself import a user's `.ts` module (a custom actor written in TypeScript)
 * gets the same bootstrap with `loadTypeScript`, which needs tsx installed where the user runs.
 *
 * @param entry URL of the worker module, usually `new URL('./x-worker.js', import.meta.url)`;
 *   a `.js` URL whose file exists only as `.ts` (running from sources) is mapped to the `.ts` file.
 */
export function spawnWorker(
  entry: URL,
  options: WorkerOptions = {},
  { loadTypeScript = false }: { loadTypeScript?: boolean } = {},
): Worker {
  if (!isSourceTree(entry) && !loadTypeScript) return new Worker(entry, options);
  const tsEntry = isSourceTree(entry) ? new URL(entry.href.replace(/\.js$/, '.ts')) : entry;
  const bootstrap =
    `import('tsx/esm/api').then(({ register }) => { register(); ` +
    `return import(${JSON.stringify(tsEntry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** True when the caller itself runs from `.ts` sources (vitest, tsx), not from `dist/`. */
function isSourceTree(entry: URL): boolean {
  return entry.pathname.endsWith('.ts') || import.meta.url.endsWith('.ts');
}
