import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Mailbox } from '../src/actor/mailbox.js';
import { AbortError, MailboxFullError } from '../src/errors.js';

type Op =
  | { kind: 'put'; signal: boolean }
  | { kind: 'take' }
  | { kind: 'remove'; pick: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'drain' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('put' as const), signal: fc.boolean() }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'take' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drain' as const }) },
);

/** How a message left the mailbox's hands. Exactly one per message. */
type Fate = 'taken' | 'removed' | 'drained' | 'refused' | 'aborted' | 'refused-by-drain';

const ticks = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};

test('any interleaving of put, take, remove, abort and drain answers every message exactly once and never holds more than capacity', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 5 }),
      fc.constantFrom('reject' as const, 'wait' as const),
      fc.array(op, { maxLength: 80 }),
      async (capacity, overflow, ops) => {
        const mailbox = new Mailbox<number>('m', { capacity, overflow });
        const fates = new Map<number, Fate[]>();
        const controllers = new Map<number, AbortController>();
        const admitted: number[] = [];
        const taken: number[] = [];
        const fate = (id: number, f: Fate) => fates.set(id, [...(fates.get(id) ?? []), f]);
        let next = 0;
        for (const o of ops) {
          switch (o.kind) {
            case 'put': {
              const id = next++;
              const controller = o.signal ? new AbortController() : undefined;
              if (controller) controllers.set(id, controller);
              fates.set(id, []);
              try {
                const result = mailbox.put(id, controller?.signal);
                if (result === true) admitted.push(id);
                else
                  result.then(
                    () => admitted.push(id),
                    (error: Error) => {
                      if (error instanceof AbortError) fate(id, 'aborted');
                      else fate(id, 'refused-by-drain');
                    },
                  );
              } catch (error) {
                expect(error).toBeInstanceOf(MailboxFullError);
                expect(overflow).toBe('reject');
                fate(id, 'refused');
              }
              break;
            }
            case 'take': {
              const id = mailbox.take();
              if (id !== undefined) {
                taken.push(id);
                fate(id, 'taken');
              }
              break;
            }
            case 'remove': {
              if (next === 0) break;
              const id = o.pick % next;
              if (mailbox.remove(id)) fate(id, 'removed');
              break;
            }
            case 'abort': {
              if (next === 0) break;
              controllers.get(o.pick % next)?.abort();
              break;
            }
            case 'drain':
              for (const id of mailbox.drain(new Error('drained'))) fate(id, 'drained');
              break;
          }
          await ticks();
          expect(mailbox.size).toBeLessThanOrEqual(capacity);
          expect(mailbox.size >= 0 && mailbox.waiting >= 0).toBe(true);
          if (overflow === 'reject') expect(mailbox.waiting).toBe(0);
        }
        for (const id of mailbox.drain(new Error('drained'))) fate(id, 'drained');
        await ticks();
        for (const [id, answers] of fates) {
          expect({ id, answers: answers.length }).toEqual({ id, answers: 1 });
        }
        // First in, first out: messages come out in the order they were admitted.
        const order = admitted.filter((id) => taken.includes(id));
        expect(taken).toEqual(order);
        expect(new Set(taken).size).toBe(taken.length);
      },
    ),
    { numRuns: 300 },
  );
});
