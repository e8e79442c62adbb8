;; The smallest module that uses a SIMD type: an engine that validates it has WebAssembly SIMD,
;; which simd-module.ts asks before it loads the kernels (kernels.wat).
(module
  (func (result v128)
    (v128.const i32x4 0 0 0 0)))
