import { FeedError } from '../errors.js';
import type { IoMetadata } from './protocol.js';

/** The part of a feed that validation looks at: a descriptor or a host tensor both have it. */
export interface FeedShape {
  readonly dtype: string;
  readonly dims: readonly number[];
}

/**
 * Checks feeds against the model's input metadata before ONNX Runtime sees them, so a mistake gets
 * an error that names the actor, the input, what was expected and what came, instead of ONNX
 * Runtime's message from deep inside a worker.
 */
export function validateFeeds(
  actor: string,
  inputs: readonly IoMetadata[],
  feeds: Readonly<Record<string, FeedShape>>,
): void {
  // A scan of the few inputs, not a Set nor a closure per name: this runs on every ask.
  for (const name of Object.keys(feeds)) {
    if (!hasInput(inputs, name)) {
      throw new FeedError(
        `actor "${actor}": unknown input "${name}"; the model's inputs are ${list(inputs)}`,
      );
    }
  }
  for (const input of inputs) {
    const feed = feeds[input.name];
    if (!feed) {
      throw new FeedError(
        `actor "${actor}": missing input "${input.name}" (${expectation(input)}); got ${
          Object.keys(feeds).length === 0
            ? 'no inputs'
            : `only ${Object.keys(feeds)
                .map((n) => `"${n}"`)
                .join(', ')}`
        }`,
      );
    }
    checkOne(actor, input, feed);
  }
}

function hasInput(inputs: readonly IoMetadata[], name: string): boolean {
  for (let i = 0; i < inputs.length; i++) if (inputs[i]!.name === name) return true;
  return false;
}

function checkOne(actor: string, input: IoMetadata, feed: FeedShape): void {
  if (input.dtype !== undefined && feed.dtype !== input.dtype) {
    throw new FeedError(
      `actor "${actor}": input "${input.name}" expects dtype ${input.dtype}, got ${feed.dtype} ${dimsText(feed.dims)}`,
    );
  }
  const shape = input.shape;
  // ONNX Runtime reports an empty shape both for scalars and for "unknown rank"; only a known,
  // non-empty shape constrains the rank.
  if (!shape || shape.length === 0) return;
  if (feed.dims.length !== shape.length) {
    throw new FeedError(
      `actor "${actor}": input "${input.name}" expects rank ${shape.length} ${shapeText(shape)}, got rank ${feed.dims.length} ${dimsText(feed.dims)}`,
    );
  }
  for (let axis = 0; axis < shape.length; axis++) {
    const want = shape[axis];
    if (typeof want === 'number' && want >= 0 && feed.dims[axis] !== want) {
      throw new FeedError(
        `actor "${actor}": input "${input.name}" expects dimension ${axis} to be ${want} ${shapeText(shape)}, got ${feed.dims[axis]} ${dimsText(feed.dims)}`,
      );
    }
  }
}

function expectation(input: IoMetadata): string {
  return `${input.dtype ?? 'non-tensor'} ${input.shape ? shapeText(input.shape) : ''}`.trim();
}

function list(inputs: readonly IoMetadata[]): string {
  return inputs.map((input) => `"${input.name}" (${expectation(input)})`).join(', ');
}

function shapeText(shape: ReadonlyArray<number | string>): string {
  return `[${shape.map((d) => (typeof d === 'number' && d < 0 ? '?' : String(d))).join(', ')}]`;
}

function dimsText(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}
