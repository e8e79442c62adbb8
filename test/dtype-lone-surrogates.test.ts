import { expect, test } from 'vitest';
import { FeedError } from '../src/errors.js';
import { Arena } from '../src/tensor/index.js';

test('a string with a lone surrogate is refused with FeedError naming the element, not turned into U+FFFD', () => {
  const arena = Arena.create({ slabSize: 64 * 1024 });
  for (const bad of ['a\uD800b', 'tail\uDC00', '\uDC00\uD800']) {
    expect(() => arena.writeTensor('string', [2], ['fine', bad])).toThrow(FeedError);
    expect(() => arena.writeTensor('string', [2], ['fine', bad])).toThrow(
      /string element 1 has a lone surrogate/,
    );
  }
  // Pairs, NUL and other code points travel exactly.
  const exact = ['pair \uD83D\uDE00', 'nul \u0000 inside', ''];
  const tensor = arena.writeTensor('string', [3], exact);
  expect(arena.readTensor(tensor).data).toEqual(exact);
  arena.release(tensor);
  expect(arena.stats().bytesInUse).toBe(0);
});
