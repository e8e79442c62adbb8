/**
 * Child processes of the suites that need a process of their own (a service under load, a fresh
 * process's first asks): started with this process's loader flags, answered over IPC, and always
 * reaped.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Forks a TypeScript module; the children run with this process's loader flags (tsx). */
export function forkChild(module: URL): ChildProcess {
  return fork(fileURLToPath(module), [], {
    cwd: root,
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The child's first IPC message that matches; rejects if it exits or takes too long first. */
export function message<T>(
  proc: ChildProcess,
  matches: (message: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`child process ${proc.pid} sent nothing in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (m: T) => {
      if (matches(m)) done(undefined, m);
    };
    const onExit = (code: number | null) =>
      done(new Error(`child process ${proc.pid} exited (code ${code}) before answering`));
    const done = (error?: Error, value?: T) => {
      clearTimeout(timer);
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    };
    proc.on('message', onMessage);
    proc.on('exit', onExit);
  });
}

/** Waits for the child to exit, killing it (by its own handle) if it has not within 10 s. */
export async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  if (proc.connected) proc.disconnect();
  await exited;
  clearTimeout(timer);
}
