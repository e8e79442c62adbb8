import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * A labelled set for learning fusion weights: per example, the K models' logits over V classes
 * and the gold class. Logits are stored example-major: example i, model k, class c is at
 * `logits[(i * models + k) * classes + c]`.
 */
export interface LabelledSet {
  readonly models: number;
  readonly classes: number;
  readonly size: number;
  readonly logits: Float32Array;
  readonly labels: Int32Array;
}

/**
 * Reads a labelled set from JSONL: one example per line,
 *
 *   {"outputs": [[...logits of model 1...], [...logits of model 2...]], "label": 3}
 *
 * `outputs` holds one array of V finite numbers per model (the same K and V on every line; JSON
 * has no Infinity, so there are no ruled-out classes here); `label` is the gold class, an integer
 * in [0, V). Blank lines are skipped. Errors name the file and line.
 */
export async function readLabelledSet(path: string): Promise<LabelledSet> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  const builder = new LabelledSetBuilder(path);
  for await (const line of lines) builder.addLine(line);
  return builder.finish();
}

/** The same format from text already in memory (tests, small sets). */
export function parseLabelledSet(text: string, source = 'labelled set'): LabelledSet {
  const builder = new LabelledSetBuilder(source);
  for (const line of text.split('\n')) builder.addLine(line);
  return builder.finish();
}

/** Builds a set from arrays: outputs[i][k] is model k's logits for example i. */
export function labelledSetFrom(
  outputs: readonly (readonly (readonly number[])[])[],
  labels: readonly number[],
): LabelledSet {
  if (outputs.length !== labels.length) {
    throw new RangeError(`labelled set: ${outputs.length} examples but ${labels.length} labels`);
  }
  const builder = new LabelledSetBuilder('labelled set');
  outputs.forEach((example, i) => builder.addExample(example, labels[i]));
  return builder.finish();
}

class LabelledSetBuilder {
  readonly #source: string;
  readonly #chunks: Float32Array[] = [];
  readonly #labels: number[] = [];
  #models = -1;
  #classes = -1;
  #line = 0;

  constructor(source: string) {
    this.#source = source;
  }

  addLine(line: string): void {
    this.#line++;
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new TypeError(`${this.#where()}: not JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null) {
      throw new TypeError(`${this.#where()}: expected an object {"outputs": [[...]], "label": n}`);
    }
    const { outputs, label } = parsed as { outputs?: unknown; label?: unknown };
    this.addExample(outputs, label);
  }

  addExample(outputs: unknown, label: unknown): void {
    if (!Array.isArray(outputs) || outputs.length === 0) {
      throw new TypeError(`${this.#where()}: "outputs" must be a non-empty array of logit arrays`);
    }
    if (this.#models < 0) this.#models = outputs.length;
    if (outputs.length !== this.#models) {
      throw new RangeError(
        `${this.#where()}: ${outputs.length} models, earlier examples have ${this.#models}`,
      );
    }
    const first = outputs[0] as unknown;
    if (!Array.isArray(first) || first.length === 0) {
      throw new TypeError(`${this.#where()}: logits of model 0 must be a non-empty array`);
    }
    if (this.#classes < 0) this.#classes = first.length;
    const classes = this.#classes;
    const chunk = new Float32Array(this.#models * classes);
    outputs.forEach((logits: unknown, k) => {
      if (!Array.isArray(logits) || logits.length !== classes) {
        throw new RangeError(
          `${this.#where()}: logits of model ${k} must be an array of ${classes} numbers`,
        );
      }
      for (let c = 0; c < classes; c++) {
        const v = logits[c] as unknown;
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new TypeError(
            `${this.#where()}: logit ${c} of model ${k} must be a finite number, got ${JSON.stringify(v)}`,
          );
        }
        chunk[k * classes + c] = v;
      }
    });
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(
        `${this.#where()}: "label" must be an integer class in [0, ${classes}), got ${JSON.stringify(label)}`,
      );
    }
    this.#chunks.push(chunk);
    this.#labels.push(label);
  }

  finish(): LabelledSet {
    const size = this.#labels.length;
    if (size === 0) throw new RangeError(`${this.#source}: no examples`);
    const width = this.#models * this.#classes;
    const logits = new Float32Array(size * width);
    this.#chunks.forEach((chunk, i) => logits.set(chunk, i * width));
    return {
      models: this.#models,
      classes: this.#classes,
      size,
      logits,
      labels: Int32Array.from(this.#labels),
    };
  }

  #where(): string {
    if (this.#line > 0) return `${this.#source}:${this.#line}`;
    return `${this.#source}, example ${this.#labels.length}`;
  }
}
