import { describe, expect, it } from 'vitest';
import type { Fuser } from '../src/actor/fuser.js';
import { FusionError, RoundError } from '../src/errors.js';
import { runDecode } from '../src/plan-runner/run-decode.js';
import { decode } from '../src/plans/builders.js';
import { fusionOf } from '../src/runtime/fusion-access.js';
import { startRuntime } from './support/runtime.js';

const fixed = new URL('./fixtures/custom-fixed-logits.ts', import.meta.url);

const plan = decode({
  name: 'greedy',
  models: [{ actor: 'scores' }],
  fusion: { strategy: 'log-linear' },
  search: { type: 'greedy' },
  context: 4,
  endToken: 0,
  maxLength: 3,
});

describe('decoding never chooses a token by a NaN or +Infinity score', () => {
  // The fusion kernels refuse non-finite inputs already; this is the decode's own check behind
  // them, so the fused scores are made non-finite after a real fusion.
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`refuses fused scores holding ${bad} with a RoundError naming the element, and frees everything`, async () => {
      const runtime = await startRuntime();
      await runtime.spawnCustom('scores', { module: fixed, options: { logits: [0, 5, 1] } });
      const real = fusionOf(runtime) as unknown as Fuser;
      const corrupting: Fuser = {
        fuse: async (request, options) => {
          const reply = await real.fuse(request, options);
          (runtime.arena.view(reply.output) as Float32Array)[2] = bad;
          return reply;
        },
      } as Fuser;
      const context = {
        arena: runtime.arena,
        events: runtime.events,
        fuser: corrupting,
        actor: (name: string) => runtime.actor(name),
        run: 1,
      };
      const refused = runDecode(plan, [1, 2], context, {});
      await expect(refused).rejects.toBeInstanceOf(RoundError);
      await expect(refused).rejects.toThrow(
        `plan "greedy": fused scores, token 1, element 2 is ${bad}; expected a log-probability (finite or -Infinity)`,
      );
      expect(runtime.arena.stats().bytesInUse).toBe(0);
      // The same run with the real fusion decodes.
      const fine = await runDecode(plan, [1, 2], { ...context, fuser: real }, {});
      expect(new Set(fine.tokens)).toEqual(new Set([1]));
      expect(runtime.arena.stats().bytesInUse).toBe(0);
    });
  }
});

describe('beam search checks the fused scores too', () => {
  const beam = decode({
    name: 'beam',
    models: [{ actor: 'scores' }],
    fusion: { strategy: 'log-linear' },
    search: { type: 'beam', beamWidth: 2 },
    context: 4,
    endToken: 0,
    maxLength: 3,
  });

  // Width 2 takes the beam path (checked() before beamStep), not the greedy step's own pass.
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`refuses fused scores holding ${bad} with a RoundError naming the element, and frees everything`, async () => {
      const runtime = await startRuntime();
      await runtime.spawnCustom('scores', { module: fixed, options: { logits: [0, 5, 1] } });
      const real = fusionOf(runtime) as unknown as Fuser;
      const corrupting: Fuser = {
        fuse: async (request, options) => {
          const reply = await real.fuse(request, options);
          (runtime.arena.view(reply.output) as Float32Array)[1] = bad;
          return reply;
        },
      } as Fuser;
      const context = {
        arena: runtime.arena,
        events: runtime.events,
        fuser: corrupting,
        actor: (name: string) => runtime.actor(name),
        run: 1,
      };
      const refused = runDecode(beam, [1, 2], context, {});
      await expect(refused).rejects.toBeInstanceOf(RoundError);
      await expect(refused).rejects.toThrow(
        `plan "beam": fused scores, token 1, element 1 is ${bad}; expected a log-probability (finite or -Infinity)`,
      );
      expect(runtime.arena.stats().bytesInUse).toBe(0);
      const fine = await runDecode(beam, [1, 2], { ...context, fuser: real }, {});
      expect(fine.tokens[0]).toBe(1);
      expect(runtime.arena.stats().bytesInUse).toBe(0);
    });
  }
});

describe('a model whose own scores are NaN, through runtime.decode', () => {
  // What a decision would read starts at the model: its NaN is refused before any fused score
  // exists (the fusion's input check, row 33 of docs/reliability.md), naming the actor's row.
  for (const search of [{ type: 'greedy' as const }, { type: 'beam' as const, beamWidth: 2 }]) {
    it(`${search.type}: FusionError naming the value, nothing left in the arena`, async () => {
      const runtime = await startRuntime();
      await runtime.spawnCustom('scores', {
        module: fixed,
        options: { logits: [0, Number.NaN, 1] },
      });
      const refused = runtime.decode({ ...plan, search }, [1, 2]);
      await expect(refused).rejects.toBeInstanceOf(FusionError);
      await expect(refused).rejects.toThrow(/NaN/);
      expect(runtime.arena.stats().bytesInUse).toBe(0);
    });
  }
});
