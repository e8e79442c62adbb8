import { FeedError } from '../../errors.js';
import { isOipDatatype, OIP_DATATYPES } from '../../oip/datatype.js';
import { checkShape, tensorFromBinaryData, tensorFromJsonData } from '../../oip/tensor-data.js';
import type { HostTensor } from '../../tensor/index.js';

/** An infer request once read: the feeds, and which outputs to return in which form. */
export interface InferRequest {
  readonly id: string | undefined;
  readonly feeds: Record<string, HostTensor>;
  /** The outputs asked for, by name, and whether each goes back as binary data; undefined: all. */
  readonly outputs: ReadonlyMap<string, boolean> | undefined;
  /** The form of outputs not named in `outputs` (request parameter `binary_data_output`). */
  readonly binaryByDefault: boolean;
}

/**
 * Reads an infer request body: JSON, or with the binary data extension a JSON header of
 * `headerLength` bytes followed by the inputs' raw bytes, in input order. Every problem is a
 * FeedError naming the model and the input (the server answers it with 400).
 */
export function parseInferRequest(
  model: string,
  body: Buffer,
  headerLength: number | undefined,
): InferRequest {
  if (headerLength !== undefined && (headerLength < 0 || headerLength > body.byteLength))
    throw new FeedError(
      `model "${model}": Inference-Header-Content-Length ${headerLength} is outside the body of ${body.byteLength} bytes`,
    );
  const jsonEnd = headerLength ?? body.byteLength;
  let request: unknown;
  try {
    request = JSON.parse(body.subarray(0, jsonEnd).toString('utf8'));
  } catch (error) {
    throw new FeedError(`model "${model}": the request is not JSON: ${(error as Error).message}`);
  }
  if (
    typeof request !== 'object' ||
    request === null ||
    !Array.isArray((request as { inputs?: unknown }).inputs)
  )
    throw new FeedError(`model "${model}": the request must be an object with an "inputs" array`);
  const { id, inputs, outputs, parameters } = request as {
    id?: unknown;
    inputs: unknown[];
    outputs?: unknown;
    parameters?: { binary_data_output?: unknown };
  };
  if (id !== undefined && typeof id !== 'string')
    throw new FeedError(`model "${model}": "id" must be a string`);

  const feeds: Record<string, HostTensor> = {};
  let at = jsonEnd;
  for (const [i, input] of inputs.entries()) {
    if (typeof input !== 'object' || input === null)
      throw new FeedError(`model "${model}": inputs[${i}] must be an object`);
    const { name, shape, datatype, data } = input as Record<string, unknown>;
    if (typeof name !== 'string' || name === '')
      throw new FeedError(`model "${model}": inputs[${i}] has no name`);
    const where = `model "${model}": input "${name}"`;
    if (name in feeds) throw new FeedError(`${where} is given twice`);
    if (!isOipDatatype(datatype))
      throw new FeedError(
        `${where}: datatype ${JSON.stringify(datatype)} is not one of ${OIP_DATATYPES.join(', ')}`,
      );
    const dims = checkShape(where, shape);
    const size = (input as { parameters?: { binary_data_size?: unknown } }).parameters
      ?.binary_data_size;
    if (size === undefined) {
      feeds[name] = tensorFromJsonData(where, datatype, dims, data);
      continue;
    }
    if (headerLength === undefined)
      throw new FeedError(
        `${where}: binary_data_size without an Inference-Header-Content-Length header`,
      );
    if (!Number.isInteger(size) || (size as number) < 0 || at + (size as number) > body.byteLength)
      throw new FeedError(
        `${where}: binary_data_size ${JSON.stringify(size)} does not fit the ${body.byteLength - at} bytes left in the body`,
      );
    feeds[name] = tensorFromBinaryData(
      where,
      datatype,
      dims,
      body.subarray(at, at + (size as number)),
    );
    at += size as number;
  }
  if (at !== body.byteLength)
    throw new FeedError(
      `model "${model}": ${body.byteLength - at} bytes of binary data are not claimed by any input's binary_data_size`,
    );

  return {
    id,
    feeds,
    outputs: outputSelection(model, outputs),
    binaryByDefault: parameters?.binary_data_output === true,
  };
}

function outputSelection(model: string, outputs: unknown): Map<string, boolean> | undefined {
  if (outputs === undefined) return undefined;
  if (!Array.isArray(outputs))
    throw new FeedError(`model "${model}": "outputs" must be an array of {name, parameters?}`);
  const selection = new Map<string, boolean>();
  for (const [i, output] of outputs.entries()) {
    const name = (output as { name?: unknown } | null)?.name;
    if (typeof name !== 'string')
      throw new FeedError(`model "${model}": outputs[${i}] has no name`);
    const binary = (output as { parameters?: { binary_data?: unknown } }).parameters?.binary_data;
    selection.set(name, binary === true);
  }
  return selection;
}
