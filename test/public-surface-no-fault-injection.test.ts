import { describe, expect, expectTypeOf, it } from 'vitest';
import { FAULT_INJECTION, withFaultInjection } from '../src/engines/onnx/fault-injection.js';
import type { DecoderOptions, ModelActorOptions } from '../src/index.js';
import * as roundtable from '../src/index.js';

describe('fault injection, a test hook', () => {
  it('is named by no public option type and no export of the package', () => {
    expectTypeOf<ModelActorOptions>().not.toHaveProperty('faultInjection');
    expectTypeOf<DecoderOptions>().not.toHaveProperty('faultInjection');
    const exported = Object.values(roundtable as Record<string, unknown>);
    expect(exported).not.toContain(withFaultInjection);
    expect(exported).not.toContain(FAULT_INJECTION);
  });

  it('is turned on only through its own module, and survives the options being copied', () => {
    const options = withFaultInjection({ model: new Uint8Array(0), replicas: 2 });
    expect(options[FAULT_INJECTION as never]).toBe(true);
    expect({ ...options }[FAULT_INJECTION as never]).toBe(true);
    expect(Object.keys(options)).toEqual(['model', 'replicas']);
  });
});
