import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelFolder } from '../src/engines/decoder/model-folder.js';
import { writeEncoderDecoderFolder } from '../src/models/decoders/index.js';
import { plainDecode } from './support/plain-decoder-loop.js';
import { startRuntime } from './support/runtime.js';

// A generated Marian-like folder (encoder_model + decoder_model + decoder_with_past_model): the
// decoder actor encodes the source once per sequence, keeps it and the cross-attention cache with
// the state, and generates what a plain onnxruntime-node loop generates.
describe('an encoder–decoder folder', () => {
  let dir: string;
  const source = [1, 23, 9, 41, 7, 2];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roundtable-seq2seq-'));
    await writeEncoderDecoderFolder(dir, { seed: 5 });
  });
  afterAll(() => rm(dir, { recursive: true }));

  it('generates the plain loop’s sequences, greedy and with beams', async () => {
    const folder = readModelFolder(dir);
    expect(folder.layout).toBe('optimum-seq2seq');
    const start = folder.decoderStart!;
    const runtime = await startRuntime();
    await runtime.spawnDecoder('mt', { folder: dir });
    for (const numBeams of [1, 3]) {
      const plain = await plainDecode(dir, source, {
        maxLength: 12,
        numBeams,
        numReturnSequences: numBeams,
      });
      const got = await runtime.generate('mt', [start], {
        source,
        maxLength: 12,
        numBeams,
        numReturnSequences: numBeams,
      });
      expect(got.map((s) => s.ids)).toEqual(plain.map((s) => s.ids));
      got.forEach((s, i) => expect(s.logprob).toBeCloseTo(plain[i]!.logprob, 3));
    }
  });
});
