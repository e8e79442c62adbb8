/**
 * The few WebAssembly JS-API members the SIMD kernels use. The project's TypeScript libraries
 * (ES2023 and @types/node) do not declare the WebAssembly global, so it is typed here, narrowly.
 */
// biome-ignore lint/complexity/noBannedTypes: an opaque handle, nothing is read from it.
export type WasmModule = {};

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => WasmInstance;
  readonly Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

/** The engine's WebAssembly, or null where there is none. */
export function webAssembly(): WebAssemblyApi | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  return api ?? null;
}
