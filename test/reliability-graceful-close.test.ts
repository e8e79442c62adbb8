import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/faulty-shutdown.ts', import.meta.url));

describe('graceful close', () => {
  it('lets work in flight finish within the grace, refuses the rest with a typed error, and the process exits by itself', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let printedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      printedAt ||= Date.now();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      // Whatever keeps the process alive after close shows up here as a kill.
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
    const exitedAfterMs = Date.now() - printedAt;
    expect(stderr.replace(/^npm warn.*$/gm, '').trim()).toBe('');
    expect(exit).toEqual({ code: 0, signal: null });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(report).toMatchObject({
      plan: 'ok', // a plan run in flight finished within the grace
      running: 'ok', // a model message running finished too
      queued: { ok: expect.any(Number), ActorStoppedError: expect.any(Number) },
      hanging: 'ActorStoppedError', // a call still in flight after the grace was answered
      late: 'ActorStoppedError', // work sent after close began was refused
      health: { ready: false, open: false },
    });
    // Every queued message was answered: some ran within the grace, the tail was refused.
    expect(report.queued.ok + report.queued.ActorStoppedError).toBe(200);
    expect(report.closeMs).toBeGreaterThanOrEqual(900);
    expect(report.closeMs).toBeLessThan(5_000);
    // Nothing is left to keep the event loop alive.
    expect(exitedAfterMs).toBeLessThan(3_000);
  });
});
