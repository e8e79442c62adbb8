/** Checks one numeric builder option, naming it when it is wrong. */
export function requireInteger(option: string, value: number, min: number): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${option} must be a number, got ${typeof value}`);
  }
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${option} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

export function requireFinite(option: string, value: number, min = -Infinity): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${option} must be a number, got ${typeof value}`);
  }
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(`${option} must be a finite number >= ${min}, got ${value}`);
  }
  return value;
}

/** Seeds name models in files and manifests, so they must be plain integers. */
export function requireSeed(value: number): number {
  if (typeof value !== 'number') throw new TypeError(`seed must be a number, got ${typeof value}`);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`seed must be a safe integer, got ${value}`);
  }
  return value;
}

export function requirePositive(option: string, value: number): number {
  requireFinite(option, value);
  if (value <= 0) throw new RangeError(`${option} must be greater than 0, got ${value}`);
  return value;
}
