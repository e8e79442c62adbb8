import { describe, expect, it } from 'vitest';
import { compileWat, KernelBuildError } from '../scripts/compile-wat.js';
import { webAssembly } from '../src/engines/fusion/kernels/simd/wasm-api.js';

/** A kernel's source with one mistake in it, each of the kinds the toolchain must stop. */
const broken = {
  'a type mismatch (an f32 add of two i32)': `(module
  (func (export "sum") (param $a i32) (param $b i32) (result f32)
    (f32.add (local.get $a) (local.get $b))))`,
  'a stack left unbalanced (two values where the result is one)': `(module
  (func (export "two") (result i32)
    (i32.const 1)
    (i32.const 2)))`,
  'an instruction that does not exist': `(module
  (func (export "lanes") (param $v v128) (result v128)
    (f32x4.multiply (local.get $v) (local.get $v))))`,
  'a local that is not declared': `(module
  (func (export "get") (result i32)
    (local.get $missing)))`,
  'a feature beyond SIMD (relaxed SIMD)': `(module
  (func (export "fma") (param $a v128) (param $b v128) (param $c v128) (result v128)
    (f32x4.relaxed_madd (local.get $a) (local.get $b) (local.get $c))))`,
};

describe('a broken kernel source fails to compile, with a message that says where and why', () => {
  for (const [mistake, text] of Object.entries(broken)) {
    it(mistake, async () => {
      const failure = await compileWat('src/broken-kernel.wat', text).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(KernelBuildError);
      const { code, message } = failure as KernelBuildError;
      expect(code).toBe('ERR_KERNEL_BUILD');
      // wabt's diagnostic: the file, then line:column of the mistake.
      expect(message).toMatch(/^kernel src\/broken-kernel\.wat does not compile: /);
      expect(message).toMatch(/src\/broken-kernel\.wat:\d+:\d+: error: /);
    });
  }

  it('the same source without the mistake compiles', async () => {
    const fixed = broken['a type mismatch (an f32 add of two i32)'].replace('f32.add', 'i32.add');
    const binary = await compileWat(
      'src/fixed-kernel.wat',
      fixed.replace('(result f32)', '(result i32)'),
    );
    expect(webAssembly()!.validate(binary)).toBe(true);
  });
});
