import type { FuseReply, FuseRequest } from '../../actor/fuser.js';
import { FusionError } from '../../errors.js';
import type { Arena, TensorDescriptor } from '../../tensor/index.js';
import { type Agreement, measureAgreement } from './agreement.js';
import {
  createFusionScratch,
  type FusedRows,
  type FusionInput,
  type FusionScratch,
  fuse,
  fusedKinds,
  type FusionStrategy as KernelStrategy,
} from './kernels/index.js';

const kernelOf: Record<Exclude<FuseRequest['strategy'], never>, KernelStrategy> = {
  mean: 'weighted-mean',
  'log-linear': 'log-linear',
  'log-mean': 'log-mean',
  vote: 'majority-vote',
  'max-confidence': 'max-confidence',
};

/**
 * Fuses K arena tensors into a new arena tensor, handing the kernels views of the inputs in the
 * arena and writing the kernel's output straight into the arena. The SIMD kernels copy chunks of
 * those views into WebAssembly memory (simd/simd-workspace.ts); the plain ones read in place. Scratch memory is kept between calls and
 * grown when a larger vocabulary or more models come; one instance per thread.
 */
export class TensorFusion {
  readonly #arena: Arena;
  #scratch: FusionScratch | undefined;
  #argmax = new Int32Array(0);
  #agreement: Agreement = {
    argmaxAgreement: new Float64Array(0),
    meanTotalVariation: new Float64Array(0),
  };

  constructor(arena: Arena) {
    this.#arena = arena;
  }

  fuse(request: FuseRequest, actor = 'fusion'): FuseReply {
    const started = performance.now();
    const { inputs } = request;
    const first = inputs[0];
    if (!first) throw new FusionError(`${actor}: nothing to fuse`);
    for (let k = 0; k < inputs.length; k++) {
      const input = inputs[k]!;
      if (input.dtype !== 'float32') {
        throw new FusionError(
          `${actor}: input ${k} has dtype ${input.dtype}, fusion reads float32`,
        );
      }
      if (!sameDims(input.dims, first.dims)) {
        throw new FusionError(
          `${actor}: input ${k} has dims [${input.dims.join(', ')}], input 0 has [${first.dims.join(', ')}]; fused tensors must have one shape`,
        );
      }
    }
    const views = inputs.map(
      (d) => this.#arena.view(d as TensorDescriptor<'float32'>) as Float32Array,
    );
    if (request.kind === 'values') return this.#mean(request, views, first, started, actor);

    const classes = first.dims.at(-1) ?? 1;
    const rows = classes > 0 ? views[0]!.length / classes : 0;
    const scratch = this.#scratchFor(classes, inputs.length);
    if (this.#argmax.length < rows) this.#argmax = new Int32Array(rows);
    const allocated = this.#arena.allocTensor('float32', first.dims);
    try {
      const input: FusionInput = {
        kind: request.kind,
        classes,
        outputs: views,
        weights: request.weights,
        temperatures: request.kind === 'probs' ? undefined : request.temperatures,
      };
      const out: FusedRows = {
        distribution: allocated.data as unknown as Float32Array,
        argmax: this.#argmax.subarray(0, rows),
      };
      const kernel = kernelOf[request.strategy];
      try {
        fuse(kernel, input, out, scratch);
      } catch (error) {
        if (error instanceof FusionError) throw new FusionError(`${actor}: ${error.message}`);
        throw error;
      }
      const agreement = this.#agreementFor(inputs.length);
      measureAgreement(input, out, fusedKinds[kernel], agreement, scratch);
      return {
        output: allocated.descriptor,
        agreement: Array.from(agreement.argmaxAgreement.subarray(0, inputs.length)),
        divergence: Array.from(agreement.meanTotalVariation.subarray(0, inputs.length)),
        ms: performance.now() - started,
      };
    } catch (error) {
      this.#arena.release(allocated.descriptor);
      throw error;
    }
  }

  /** Plain numbers (not distributions): the weighted arithmetic mean, element by element. */
  #mean(
    request: FuseRequest,
    views: Float32Array[],
    first: TensorDescriptor,
    started: number,
    actor: string,
  ): FuseReply {
    if (request.strategy !== 'mean')
      throw new FusionError(
        `${actor}: values can only be fused by 'mean', not '${request.strategy}'`,
      );
    const allocated = this.#arena.allocTensor('float32', first.dims);
    const out = allocated.data as unknown as Float32Array;
    const n = out.length;
    const total = request.weights.reduce((a, b) => a + b, 0);
    out.fill(0);
    for (let k = 0; k < views.length; k++) {
      const w = request.weights[k]! / total;
      const x = views[k]!;
      for (let i = 0; i < n; i++) out[i]! += w * x[i]!;
    }
    // The check without a branch per element (measured faster); the element is looked for only
    // when one is not finite.
    let finite = true;
    for (let i = 0; i < n; i++) finite &&= Number.isFinite(out[i]!);
    if (!finite) {
      this.#arena.release(allocated.descriptor);
      const i = out.findIndex((v) => !Number.isFinite(v));
      const k = views.findIndex((x) => !Number.isFinite(x[i]!));
      throw new FusionError(
        `${actor}: input ${k} holds ${views[k]?.[i]} at element ${i}; fusion needs finite values`,
      );
    }
    const divergence = new Array<number>(views.length);
    for (let k = 0; k < views.length; k++) {
      const x = views[k]!;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Math.abs(x[i]! - out[i]!);
      divergence[k] = n > 0 ? sum / n : 0;
    }
    return {
      output: allocated.descriptor,
      agreement: undefined,
      divergence,
      ms: performance.now() - started,
    };
  }

  #scratchFor(classes: number, models: number): FusionScratch {
    const current = this.#scratch;
    if (current && current.classes >= classes && current.models >= models) return current;
    this.#scratch = createFusionScratch(
      Math.max(classes, current?.classes ?? 1),
      Math.max(models, current?.models ?? 1),
    );
    return this.#scratch;
  }

  #agreementFor(models: number): Agreement {
    if (this.#agreement.argmaxAgreement.length < models) {
      this.#agreement = {
        argmaxAgreement: new Float64Array(models),
        meanTotalVariation: new Float64Array(models),
      };
    }
    return this.#agreement;
  }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
