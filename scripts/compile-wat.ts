import initWabt from 'wabt';

/**
 * WebAssembly text → validated binary, with wabt (the WebAssembly Binary Toolkit's parser and
 * validator, built for JavaScript). SIMD is the only feature beyond the MVP that the kernels may
 * use: a kernel that uses another one fails here rather than on some engine at run time.
 */
export class KernelBuildError extends Error {
  readonly code = 'ERR_KERNEL_BUILD';
  override name = 'KernelBuildError';
}

type Wabt = Awaited<ReturnType<typeof initWabt>>;
let wabt: Promise<Wabt> | undefined;

/**
 * Parses, resolves and validates `text`; throws {@link KernelBuildError} naming `file` and carrying
 * wabt's diagnostics (line, column and what was expected) when any step fails.
 */
export async function compileWat(file: string, text: string): Promise<Uint8Array> {
  wabt ??= initWabt();
  const toolkit = await wabt;
  let module: ReturnType<Wabt['parseWat']> | undefined;
  try {
    module = toolkit.parseWat(file, text, { simd: true });
    module.resolveNames();
    module.validate();
    return module.toBinary({}).buffer;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new KernelBuildError(`kernel ${file} does not compile: ${detail.trim()}`);
  } finally {
    module?.destroy();
  }
}
