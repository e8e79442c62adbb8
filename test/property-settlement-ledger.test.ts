import fc from 'fast-check';
import { expect, test } from 'vitest';
import { type Call, CallLedger } from '../src/actor/core/call-ledger.js';
import { ActorCrashedError, InferenceError } from '../src/errors.js';

/** A reply as a worker sends it: the message it answers, and a token naming this very reply. */
interface Reply {
  readonly message: number;
  readonly token: number;
}

type Op =
  | { kind: 'send'; signal: boolean }
  | { kind: 'reply'; pick: number; twice: boolean }
  | { kind: 'fail'; pick: number }
  | { kind: 'crash' }
  | { kind: 'abort'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('send' as const), signal: fc.boolean() }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('reply' as const),
      pick: fc.nat(),
      twice: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
);

const ticks = async () => {
  for (let i = 0; i < 4; i++) await Promise.resolve();
};

/**
 * The custom and fusion actors settle their calls through the core's CallLedger; here a fake
 * worker answers them in any order, twice, with failures, or dies, and callers abort. Answers are
 * counted at the caller, per message: by its own promise, and by the reply token each delivered
 * result carries, so a reply answered to two messages, or a duplicate reply neither answered nor
 * freed, fails the property whatever the ledger counts itself.
 */
test('whatever the worker and the callers do, every call to a custom or fusion actor is answered once, and every reply is delivered or freed exactly once', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 120 }), async (ops) => {
      let worker = { generation: 0 };
      const ledger = new CallLedger<typeof worker>({
        where: (call) => `actor "a": call ${call.id}`,
      });
      /** Messages the worker holds: sent to it and not yet answered by it (ledger id, message). */
      const posted: { id: number; message: number; replied: boolean }[] = [];
      const answers = new Map<number, number>();
      const delivered: Reply[] = [];
      const discarded: Reply[] = [];
      const produced: Reply[] = [];
      const controllers: AbortController[] = [];
      let token = 0;

      /** The actor's side of a reply, as FusionActor#receive does it. */
      const receive = (id: number, reply: Reply) => {
        const call = ledger.get(id);
        if (!call || !ledger.answer(call, reply)) discarded.push(reply);
      };

      for (const o of ops) {
        switch (o.kind) {
          case 'send': {
            const message = controllers.length;
            const controller = new AbortController();
            controllers.push(controller);
            answers.set(message, 0);
            let opened: Call<typeof worker> | undefined;
            new Promise<Reply>((resolve, reject) => {
              opened = ledger.open(
                'm',
                o.signal ? { signal: controller.signal } : {},
                resolve,
                reject,
              );
            }).then(
              (reply) => {
                // A result is this message's own, never another's.
                expect(reply.message).toBe(message);
                delivered.push(reply);
                answers.set(message, answers.get(message)! + 1);
              },
              () => answers.set(message, answers.get(message)! + 1),
            );
            if (opened) {
              opened.tag = worker;
              posted.push({ id: opened.id, message, replied: false });
            }
            break;
          }
          case 'reply': {
            if (posted.length === 0) break;
            const at = o.pick % posted.length;
            const held = posted[at]!;
            const times = o.twice ? 2 : 1;
            for (let i = 0; i < times; i++) {
              const reply = { message: held.message, token: token++ };
              produced.push(reply);
              receive(held.id, reply);
            }
            posted.splice(at, 1);
            break;
          }
          case 'fail': {
            if (posted.length === 0) break;
            const held = posted.splice(o.pick % posted.length, 1)[0]!;
            const call = ledger.get(held.id);
            if (call) ledger.fail(call, new InferenceError('the worker failed'));
            break;
          }
          case 'crash': {
            const dead = worker;
            ledger.failAll(
              () => new ActorCrashedError('the worker died'),
              (call) => call.tag === dead,
            );
            posted.length = 0;
            worker = { generation: dead.generation + 1 };
            break;
          }
          case 'abort':
            if (controllers.length > 0) controllers[o.pick % controllers.length]!.abort();
            break;
        }
        await ticks();
      }
      // Wind down: the worker answers what it still holds.
      for (const held of posted.splice(0)) {
        const reply = { message: held.message, token: token++ };
        produced.push(reply);
        receive(held.id, reply);
      }
      await ticks();

      for (const [message, count] of answers) {
        expect({ message, answers: count }).toEqual({ message, answers: 1 });
      }
      const seen = [...delivered, ...discarded].map((r) => r.token).sort((a, b) => a - b);
      expect(seen).toEqual(produced.map((r) => r.token));
      expect(new Set(delivered.map((r) => r.message)).size).toBe(delivered.length);
      expect(ledger.size).toBe(0);
    }),
    { numRuns: 300 },
  );
});
