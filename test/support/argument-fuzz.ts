import fc from 'fast-check';

/**
 * Generators of wrong arguments for the fuzz tests of the public API (test/public-api-fuzz*.ts):
 * junk values (`width`: the feature width of the tensors among them, 512 for the tiny model), and mutations of a good argument at every path inside it.
 */

/** Values wrong for almost any argument: wrong types, out of range, hostile objects. */
export function junk(width = 512): fc.Arbitrary<unknown> {
  const cyclic = () => {
    const o: Record<string, unknown> = { dtype: 'float32' };
    o.self = o;
    o.dims = [o];
    return o;
  };
  // fast-check prints a counterexample through fc.toStringMethod, which must not throw itself.
  const throwing = () =>
    Object.defineProperty({ [fc.toStringMethod]: () => 'a getter that throws' }, 'dtype', {
      enumerable: true,
      get() {
        throw new Error('a getter that throws');
      },
    });
  const hostileProxy = () =>
    new Proxy(
      {},
      {
        get(_target, key) {
          if (key === fc.toStringMethod) return () => 'a proxy that throws';
          if (typeof key === 'symbol') return undefined;
          throw new Error('a proxy that throws on get');
        },
        ownKeys() {
          throw new Error('a proxy that throws on ownKeys');
        },
      },
    );
  return fc.oneof(
    fc.constantFrom<unknown>(
      undefined,
      null,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -1,
      0,
      1.5,
      2 ** 31,
      2 ** 53 + 2,
      1e308,
      '',
      'float64',
      'int64',
      'string',
      'x'.repeat(100),
      true,
      false,
      1n,
      Symbol('s'),
      [],
      [1, 64],
      [-1],
      [Number.NaN],
      [2 ** 40, 2 ** 40],
      {},
      { dtype: 'float32', dims: [1, width] },
      () => 0,
      new Float64Array(width),
      new Int32Array(3),
      new Uint8Array(0),
      ['a', '\uD800'],
      new Date(0),
      new URL('http://127.0.0.1:1/'),
    ),
    fc.constant(null).map(cyclic),
    fc.constant(null).map(throwing),
    fc.constant(null).map(hostileProxy),
    fc.double(),
    fc.integer(),
    fc.string({ maxLength: 8 }),
  );
}

export type Path = readonly (string | number)[];

/** Every path into a plain value (objects and arrays), the root included. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (ArrayBuffer.isView(value) || typeof value !== 'object' || value === null) return paths;
  for (const [key, child] of Object.entries(value)) {
    paths.push(...pathsOf(child, [...prefix, Array.isArray(value) ? Number(key) : key]));
  }
  return paths;
}

export type Mutation =
  | { kind: 'replace'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'extra'; path: Path; value: unknown }
  | { kind: 'throwing getter'; path: Path }
  | { kind: 'changing getter'; path: Path; value: unknown };

/**
 * Mutations of `good`. For a bundle of a method's arguments (`{ prompt, options }`), the bundle
 * is the test's own object: its fields are replaced or left out, but given getters only inside.
 */
export function mutation(good: unknown, bundle = false): fc.Arbitrary<Mutation> {
  const path = fc.constantFrom(...pathsOf(good));
  const inside = fc.constantFrom(...pathsOf(good).filter((p) => p.length > 0));
  const getters = bundle ? fc.constantFrom(...pathsOf(good).filter((p) => p.length > 1)) : inside;
  return fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), path, value: junk() }),
    fc.record({ kind: fc.constant('delete' as const), path: inside }),
    fc.record({ kind: fc.constant('extra' as const), path, value: junk() }),
    fc.record({ kind: fc.constant('throwing getter' as const), path: getters }),
    fc.record({ kind: fc.constant('changing getter' as const), path: getters, value: junk() }),
  );
}

/** A fresh copy of `good` (typed arrays kept as they are) with `m` applied. */
export function mutate(good: unknown, m: Mutation): unknown {
  const copy = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v) || typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map(copy);
    return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, copy(c)]));
  };
  const root = { value: copy(good) } as Record<string, unknown>;
  const full = ['value', ...m.path];
  let parent: Record<string | number, unknown> = root;
  for (const key of full.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = full.at(-1)!;
  const original = parent[last];
  switch (m.kind) {
    case 'replace':
      parent[last] = m.value;
      break;
    case 'delete':
      delete parent[last];
      break;
    case 'extra':
      if (typeof original === 'object' && original !== null && !ArrayBuffer.isView(original))
        (original as Record<string, unknown>).extra = m.value;
      else parent[last] = m.value;
      break;
    case 'throwing getter':
      Object.defineProperty(parent, last, {
        enumerable: true,
        get() {
          throw new Error('a getter that throws');
        },
      });
      break;
    case 'changing getter': {
      // The first read sees the good value, every later read the wrong one.
      let reads = 0;
      Object.defineProperty(parent, last, {
        enumerable: true,
        get: () => (reads++ === 0 ? original : m.value),
      });
      break;
    }
  }
  return root.value;
}
