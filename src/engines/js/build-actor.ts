/**
 * Worker side: turns the user's module into the actor object, following the lookup documented in
 * custom-actor-module.ts. Every way this can fail throws a TypeError that names the module and the
 * export, which the worker reports as its load error.
 */
import type { IoMetadata } from '../../actor/protocol.js';
import type { CustomActorContext, CustomActorSignature } from './custom-actor-module.js';

export interface BuiltActor {
  readonly actor: Record<string, unknown>;
  readonly methods: string[];
  readonly signature: { inputs: IoMetadata[]; outputs: IoMetadata[] } | undefined;
}

export async function buildActor(
  module: Record<string, unknown>,
  exportName: string | undefined,
  context: CustomActorContext,
  where: string,
): Promise<BuiltActor> {
  const [name, source] = pickExport(module, exportName, where);
  let built: unknown;
  if (typeof source === 'function') {
    built = isClass(source)
      ? new (source as new (c: CustomActorContext) => unknown)(context)
      : await (source as (c: CustomActorContext) => unknown)(context);
  } else {
    built = source;
  }
  if (typeof built !== 'object' || built === null) {
    throw new TypeError(
      `${where}: export "${name}" must build an object of functions, got ${built === null ? 'null' : typeof built}`,
    );
  }
  const actor = built as Record<string, unknown>;
  return {
    actor,
    methods: methodsOf(actor),
    signature: checkSignature(module.signature, where),
  };
}

function pickExport(
  module: Record<string, unknown>,
  exportName: string | undefined,
  where: string,
): [string, unknown] {
  if (exportName !== undefined) {
    if (!(exportName in module)) {
      throw new TypeError(
        `${where}: the module has no export "${exportName}"; it exports ${listExports(module)}`,
      );
    }
    return [exportName, module[exportName]];
  }
  for (const name of ['createActor', 'default']) {
    if (module[name] !== undefined) return [name, module[name]];
  }
  throw new TypeError(
    `${where}: the module exports neither createActor nor a default export (nor was the export ` +
      `option given); it exports ${listExports(module)}`,
  );
}

function listExports(module: Record<string, unknown>): string {
  const names = Object.keys(module);
  return names.length === 0 ? 'nothing' : names.map((name) => `"${name}"`).join(', ');
}

/** Only `class` syntax is constructed: a plain function may be a factory that must not get `new`. */
function isClass(fn: object): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function methodsOf(actor: object): string[] {
  const names = new Set<string>();
  for (
    let level: object | null = actor;
    level !== null && level !== Object.prototype;
    level = Object.getPrototypeOf(level)
  ) {
    for (const name of Object.getOwnPropertyNames(level)) {
      if (name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(level, name);
      if (typeof descriptor?.value === 'function') names.add(name);
    }
  }
  return [...names];
}

function checkSignature(
  signature: unknown,
  where: string,
): { inputs: IoMetadata[]; outputs: IoMetadata[] } | undefined {
  if (signature === undefined) return undefined;
  const shape = signature as Partial<CustomActorSignature>;
  return {
    inputs: checkIo(shape.inputs, `${where}: signature.inputs`),
    outputs: checkIo(shape.outputs, `${where}: signature.outputs`),
  };
}

function checkIo(list: unknown, what: string): IoMetadata[] {
  if (!Array.isArray(list)) throw new TypeError(`${what} must be an array, got ${typeof list}`);
  return list.map((entry: unknown, index) => {
    const io = entry as Partial<IoMetadata> | null;
    if (typeof io !== 'object' || io === null || typeof io.name !== 'string') {
      throw new TypeError(`${what}[${index}] must be an object with a string name`);
    }
    if (io.dtype !== undefined && typeof io.dtype !== 'string') {
      throw new TypeError(`${what}[${index}] ("${io.name}"): dtype must be a string`);
    }
    const shape = io.shape;
    if (
      shape !== undefined &&
      !(Array.isArray(shape) && shape.every((d) => typeof d === 'number' || typeof d === 'string'))
    ) {
      throw new TypeError(
        `${what}[${index}] ("${io.name}"): shape must be an array of numbers and names`,
      );
    }
    return { name: io.name, dtype: io.dtype, shape: shape ? [...shape] : undefined };
  });
}
