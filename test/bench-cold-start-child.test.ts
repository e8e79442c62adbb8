import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ColdStartRequest, ColdStartResult } from '../bench/fixtures/cold-start-child.js';

/** Runs one way of the cold-start suite in a fresh process, as the suite does. */
function inFreshProcess(request: ColdStartRequest): Promise<ColdStartResult> {
  const child = fork(
    fileURLToPath(new URL('../bench/fixtures/cold-start-child.ts', import.meta.url)),
    [],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  return new Promise((resolve, reject) => {
    let answer: ColdStartResult | undefined;
    child.once('message', (m: ColdStartResult) => {
      answer = m;
    });
    child.once('exit', (code) =>
      answer ? resolve(answer) : reject(new Error(`child exited (code ${code}) without answering`)),
    );
    child.send(request);
  });
}

describe('the cold-start suite in a fresh process', () => {
  const request = { perSecond: 2000, blocks: 2, asks: 30, seed: 7 } as const;

  it('answers every ask of every block, and says how it warmed up', async () => {
    const result = await inFreshProcess({ way: 'actor.run after warmUp()', ...request });
    expect(result.blocks).toHaveLength(2);
    for (const block of result.blocks) {
      expect(block.latenciesMs).toHaveLength(30);
      for (const ms of block.latenciesMs) expect(ms).toBeGreaterThan(0);
    }
    expect(result.warmUp?.asks).toBeGreaterThan(0);
    expect(result.readyMs).toBeGreaterThanOrEqual(result.warmUp!.ms);
  }, 60_000);

  it('warms the hand-written worker up as the actor is, when asked to', async () => {
    const result = await inFreshProcess({ way: 'by hand after the same warm-up', ...request });
    expect(result.warmUp?.asks).toBeGreaterThan(0);
    expect(result.readyMs).toBeGreaterThanOrEqual(result.warmUp!.ms);
    expect(result.blocks.map((b) => b.latenciesMs.length)).toEqual([30, 30]);
  }, 60_000);

  it('does not warm the hand-written worker up otherwise', async () => {
    const result = await inFreshProcess({ way: 'by hand', ...request });
    expect(result.warmUp).toBeNull();
    expect(result.blocks.map((b) => b.latenciesMs.length)).toEqual([30, 30]);
  }, 60_000);
});
