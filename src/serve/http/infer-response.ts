import { FeedError } from '../../errors.js';
import { datatypeOfDType } from '../../oip/datatype.js';
import { binaryDataOfTensor, jsonDataOfTensor } from '../../oip/tensor-data.js';
import type { HostTensor } from '../../tensor/index.js';
import type { InferRequest } from './infer-request.js';

/** A reply body, and the length of its JSON header when binary data follows it. */
export interface InferReply {
  readonly body: Buffer;
  readonly headerLength: number | undefined;
}

/**
 * The infer response: the outputs asked for (all when none were named), each as JSON data or,
 * with the binary data extension, as raw bytes after the JSON header.
 */
export function inferReply(
  model: string,
  version: string,
  request: InferRequest,
  outputs: Record<string, HostTensor>,
): InferReply {
  const names = request.outputs ? [...request.outputs.keys()] : Object.keys(outputs);
  const binaries: Uint8Array[] = [];
  const described = names.map((name) => {
    const tensor = outputs[name];
    if (!tensor)
      throw new FeedError(
        `model "${model}": unknown output "${name}"; its outputs are ${Object.keys(outputs)
          .map((n) => `"${n}"`)
          .join(', ')}`,
      );
    const head = { name, datatype: datatypeOfDType(tensor.dtype), shape: [...tensor.dims] };
    if (!(request.outputs?.get(name) ?? request.binaryByDefault))
      return { ...head, data: jsonDataOfTensor(tensor) };
    const bytes = binaryDataOfTensor(tensor);
    binaries.push(bytes);
    return { ...head, parameters: { binary_data_size: bytes.byteLength } };
  });
  const json = Buffer.from(
    JSON.stringify({
      model_name: model,
      model_version: version,
      ...(request.id !== undefined ? { id: request.id } : {}),
      outputs: described,
    }),
  );
  if (binaries.length === 0) return { body: json, headerLength: undefined };
  return { body: Buffer.concat([json, ...binaries]), headerLength: json.byteLength };
}
