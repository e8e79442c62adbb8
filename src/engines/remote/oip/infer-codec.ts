import { RemoteError } from '../../../errors.js';
import { datatypeOfDType, isOipDatatype } from '../../../oip/datatype.js';
import {
  binaryDataOfTensor,
  checkShape,
  jsonDataOfTensor,
  tensorFromBinaryData,
  tensorFromJsonData,
} from '../../../oip/tensor-data.js';
import type { HostTensor } from '../../../tensor/index.js';

export interface EncodedInfer {
  readonly body: Buffer;
  /** Set when binary data follows the JSON header (Inference-Header-Content-Length). */
  readonly headerLength: number | undefined;
}

/**
 * An infer request for host tensors: with the binary data extension, inputs as raw bytes after
 * the JSON header and outputs asked back as binary; else everything as JSON.
 */
export function encodeInferRequest(
  feeds: Readonly<Record<string, HostTensor>>,
  outputs: readonly string[],
  binary: boolean,
): EncodedInfer {
  const blobs: Uint8Array[] = [];
  const inputs = Object.entries(feeds).map(([name, tensor]) => {
    const head = { name, shape: [...tensor.dims], datatype: datatypeOfDType(tensor.dtype) };
    if (!binary) return { ...head, data: jsonDataOfTensor(tensor) };
    const bytes = binaryDataOfTensor(tensor);
    blobs.push(bytes);
    return { ...head, parameters: { binary_data_size: bytes.byteLength } };
  });
  const json = Buffer.from(
    JSON.stringify({
      inputs,
      outputs: outputs.map((name) => ({ name, parameters: { binary_data: binary } })),
    }),
  );
  if (!binary) return { body: json, headerLength: undefined };
  return { body: Buffer.concat([json, ...blobs]), headerLength: json.byteLength };
}

/**
 * The outputs of an infer response, checked as arena descriptors are on receipt: each a known
 * datatype, a shape whose elements match the data (or its binary_data_size), and the binary
 * section claimed exactly. Anything else is a RemoteError naming the output.
 */
export function decodeInferResponse(
  who: string,
  body: Buffer,
  headerLength: number | undefined,
): Record<string, HostTensor> {
  const fail = (message: string): never => {
    throw new RemoteError(`${who}: the server's reply ${message}`, 200);
  };
  if (
    headerLength !== undefined &&
    (!Number.isInteger(headerLength) || headerLength > body.byteLength)
  )
    fail(`says its JSON header is ${headerLength} bytes long, the body has ${body.byteLength}`);
  const jsonEnd = headerLength ?? body.byteLength;
  let reply: { outputs?: unknown };
  try {
    reply = JSON.parse(body.subarray(0, jsonEnd).toString('utf8')) as { outputs?: unknown };
  } catch {
    return fail('is not JSON');
  }
  if (!Array.isArray(reply?.outputs)) fail('has no "outputs" array');
  const outputs: Record<string, HostTensor> = {};
  let at = jsonEnd;
  for (const output of reply.outputs as Record<string, unknown>[]) {
    const { name, datatype, shape, data } = output ?? {};
    if (typeof name !== 'string') return fail('has an output without a name');
    const where = `${who}: output "${name}"`;
    if (!isOipDatatype(datatype))
      return fail(`gives output "${name}" the datatype ${JSON.stringify(datatype)}`);
    try {
      const dims = checkShape(where, shape);
      const size = (output.parameters as { binary_data_size?: unknown } | undefined)
        ?.binary_data_size;
      if (size === undefined) outputs[name] = tensorFromJsonData(where, datatype, dims, data);
      else {
        if (!Number.isInteger(size) || at + (size as number) > body.byteLength)
          fail(`gives output "${name}" binary_data_size ${size}, past the end of the body`);
        outputs[name] = tensorFromBinaryData(
          where,
          datatype,
          dims,
          body.subarray(at, at + (size as number)),
        );
        at += size as number;
      }
    } catch (error) {
      if (error instanceof RemoteError) throw error;
      throw new RemoteError((error as Error).message, 200);
    }
  }
  if (at !== body.byteLength) fail(`has ${body.byteLength - at} bytes no output claims`);
  return outputs;
}
