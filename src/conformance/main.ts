#!/usr/bin/env node
/**
 * `npm run conformance`: runs the ONNX project's backend test data through model actors and
 * prints `onnx-backend: P passed, U unsupported, F failed`. Exit code 1 if any case failed, or if a
 * case the manifest says loads did not.
 *
 * The corpus folder defaults to `../shared/conformance/onnx-backend` beside the repository;
 * `--dir <folder>` or ROUNDTABLE_CONFORMANCE_DIR overrides it. `--verbose` prints every case.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Roundtable } from '../runtime/roundtable.js';
import { type CaseOutcome, listCases, runCase } from './onnx-backend.js';

const args = process.argv.slice(2);
const dirFlag = args.indexOf('--dir');
const verbose = args.includes('--verbose');
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const root =
  (dirFlag >= 0 ? args[dirFlag + 1] : undefined) ??
  process.env.ROUNDTABLE_CONFORMANCE_DIR ??
  resolve(repoRoot, '../shared/conformance/onnx-backend');

if (!existsSync(root)) {
  console.error(`conformance: corpus folder not found: ${root}`);
  process.exit(2);
}

const cases = listCases(root);
const runtime = await Roundtable.create();
const outcomes: CaseOutcome[] = [];
// Two cases at a time: one per core.
let next = 0;
await Promise.all(
  [0, 1].map(async () => {
    while (next < cases.length) {
      const testCase = cases[next++]!;
      const outcome = await runCase(runtime, testCase);
      // A case the manifest says loads must not come back unsupported, and the reverse.
      const loads = testCase.expected === 'loads';
      const surprising =
        testCase.expected !== undefined && (outcome.status === 'unsupported') === loads;
      const final: CaseOutcome = surprising
        ? {
            id: outcome.id,
            status: 'failed',
            reason: `manifest says "${testCase.expected}", got ${outcome.status}: ${'reason' in outcome ? outcome.reason : ''}`,
          }
        : outcome;
      outcomes.push(final);
      if (verbose || final.status === 'failed') {
        console.log(
          `${final.status.padEnd(11)} ${final.id}${'reason' in final ? `  ${final.reason}` : ''}`,
        );
      }
    }
  }),
);
await runtime.close();

const count = (status: CaseOutcome['status']) => outcomes.filter((o) => o.status === status).length;
const stats = runtime.arena.stats();
if (stats.bytesInUse !== 0) {
  console.log(`conformance: arena leaked ${stats.bytesInUse} bytes`);
  process.exitCode = 1;
}
console.log(
  `onnx-backend: ${count('passed')} passed, ${count('unsupported')} unsupported, ${count('failed')} failed`,
);
if (count('failed') > 0) process.exitCode = 1;
