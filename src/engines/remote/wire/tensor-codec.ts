import { WireError } from '../../../errors.js';
import { DTYPES, type DType, type HostTensor, isDType } from '../../../tensor/index.js';

/**
 * Tensors as bytes between processes. One message holds several named tensors:
 *
 *   u32 headerLength               little-endian
 *   u8  header[headerLength]       UTF-8 JSON: { v: 1, tensors: [{ name, dtype, dims, offset, byteLength }] }
 *   u8  pad                        zeros up to the next multiple of 8
 *   u8  data[…]                    each tensor's bytes at its offset (from the start of data, 8-aligned)
 *
 * Numbers travel as raw little-endian elements, never as JSON arrays. A string tensor's bytes are
 * u32 lengths[count] (little-endian) then the strings' UTF-8 bytes back to back.
 *
 * A message comes from another process, so it is checked on receipt as an arena descriptor is:
 * every field typed, the dtype known, dims × element size = byteLength, every tensor inside the
 * message, aligned, and no two overlapping. A failure is a WireError naming where the message came
 * from, the tensor and what was expected.
 */

export const WIRE_VERSION = 1;
const ALIGN = 8;
/** Tensors one message may carry; a header bigger than this is not a plan's feeds. */
const MAX_TENSORS = 4096;

interface WireEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly offset: number;
  readonly byteLength: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes named tensors into one message (the layout is in the file comment). */
export function encodeTensors(tensors: Readonly<Record<string, HostTensor>>): Uint8Array {
  if (!littleEndian) throw new WireError('the wire format needs a little-endian machine');
  const entries: WireEntry[] = [];
  const bodies: Uint8Array[] = [];
  let data = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    const body = bodyOf(name, tensor);
    entries.push({
      name,
      dtype: tensor.dtype,
      dims: [...tensor.dims],
      offset: data,
      byteLength: body.byteLength,
    });
    bodies.push(body);
    data = alignUp(data + body.byteLength);
  }
  const header = encoder.encode(JSON.stringify({ v: WIRE_VERSION, tensors: entries }));
  const start = alignUp(4 + header.byteLength);
  const message = new Uint8Array(start + data);
  new DataView(message.buffer).setUint32(0, header.byteLength, true);
  message.set(header, 4);
  entries.forEach((entry, i) => message.set(bodies[i]!, start + entry.offset));
  return message;
}

/**
 * Reads tensors from a message, checking everything (see the file comment). Numeric tensors are
 * views of the message when aligned for their element type, copies otherwise.
 *
 * @param source where the message came from, for the error (e.g. `reply of actor "m1"`)
 */
export function decodeTensors(message: Uint8Array, source: string): Record<string, HostTensor> {
  const fail = (why: string) => new WireError(`${source}: ${why}`);
  if (message.byteLength < 4) throw fail(`message of ${message.byteLength} bytes has no header`);
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const headerLength = view.getUint32(0, true);
  if (headerLength > message.byteLength - 4) {
    throw fail(
      `header of ${headerLength} bytes does not fit in a message of ${message.byteLength}`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(decoder.decode(message.subarray(4, 4 + headerLength)));
  } catch (error) {
    throw fail(`header is not UTF-8 JSON: ${(error as Error).message}`);
  }
  const { v, tensors } = (header ?? {}) as { v?: unknown; tensors?: unknown };
  if (v !== WIRE_VERSION) throw fail(`wire version ${String(v)}, expected ${WIRE_VERSION}`);
  if (!Array.isArray(tensors)) throw fail('header.tensors is not an array');
  if (tensors.length > MAX_TENSORS) throw fail(`${tensors.length} tensors, at most ${MAX_TENSORS}`);
  const start = alignUp(4 + headerLength);
  const dataLength = message.byteLength - start;
  if (dataLength < 0 && tensors.length > 0) throw fail('message ends inside its header padding');
  const entries = tensors.map((raw, i) => checkEntry(raw, i, dataLength, fail));
  checkNoOverlap(entries, fail);
  const out: Record<string, HostTensor> = {};
  for (const entry of entries) {
    if (Object.hasOwn(out, entry.name)) throw fail(`tensor "${entry.name}" appears twice`);
    const bytes = message.subarray(start + entry.offset, start + entry.offset + entry.byteLength);
    out[entry.name] = tensorOf(entry, bytes, fail);
  }
  return out;
}

function bodyOf(name: string, tensor: HostTensor): Uint8Array {
  if (tensor.dtype === 'string') {
    const strings = tensor.data as readonly string[];
    if (strings.length !== elements(tensor.dims)) {
      throw new WireError(
        `tensor "${name}": string [${tensor.dims.join(', ')}] needs ${elements(tensor.dims)} strings, its data has ${strings.length}`,
      );
    }
    const utf8 = strings.map((s) => encoder.encode(s));
    const text = utf8.reduce((sum, s) => sum + s.byteLength, 0);
    const body = new Uint8Array(4 * strings.length + text);
    const lengths = new DataView(body.buffer);
    let at = 4 * strings.length;
    utf8.forEach((s, i) => {
      lengths.setUint32(4 * i, s.byteLength, true);
      body.set(s, at);
      at += s.byteLength;
    });
    return body;
  }
  const data = tensor.data as ArrayBufferView;
  const expected = elements(tensor.dims) * DTYPES[tensor.dtype].bytesPerElement;
  if (data.byteLength !== expected) {
    throw new WireError(
      `tensor "${name}": ${tensor.dtype} [${tensor.dims.join(', ')}] needs ${expected} bytes, its data has ${data.byteLength}`,
    );
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function checkEntry(
  raw: unknown,
  i: number,
  dataLength: number,
  fail: (why: string) => WireError,
): WireEntry {
  if (typeof raw !== 'object' || raw === null) throw fail(`tensors[${i}] is not an object`);
  const { name, dtype, dims, offset, byteLength } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw fail(`tensors[${i}].name is not a name`);
  const where = `tensor "${name}"`;
  if (!isDType(dtype)) {
    throw fail(
      `${where}: unknown dtype ${JSON.stringify(dtype)}, expected one of ${Object.keys(DTYPES).join(', ')}`,
    );
  }
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw fail(`${where}: dims must be non-negative integers, got ${JSON.stringify(dims)}`);
  }
  if (!Number.isSafeInteger(offset) || (offset as number) < 0 || (offset as number) % ALIGN !== 0) {
    throw fail(
      `${where}: offset must be a non-negative multiple of ${ALIGN}, got ${String(offset)}`,
    );
  }
  if (!Number.isSafeInteger(byteLength) || (byteLength as number) < 0) {
    throw fail(`${where}: byteLength must be a non-negative integer, got ${String(byteLength)}`);
  }
  const end = (offset as number) + (byteLength as number);
  if (end > dataLength) {
    throw fail(
      `${where}: bytes ${String(offset)} to ${end} are outside the message's ${dataLength} data bytes`,
    );
  }
  const count = elements(dims as number[]);
  if (dtype === 'string') {
    if ((byteLength as number) < 4 * count) {
      throw fail(
        `${where}: ${count} strings need at least ${4 * count} bytes of lengths, got ${String(byteLength)}`,
      );
    }
  } else {
    const expected = count * DTYPES[dtype].bytesPerElement;
    if (byteLength !== expected) {
      throw fail(
        `${where}: ${dtype} [${(dims as number[]).join(', ')}] is ${expected} bytes, the header says ${String(byteLength)}`,
      );
    }
  }
  return {
    name,
    dtype,
    dims: dims as number[],
    offset: offset as number,
    byteLength: byteLength as number,
  };
}

function checkNoOverlap(entries: readonly WireEntry[], fail: (why: string) => WireError): void {
  const sorted = [...entries].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!;
    const after = sorted[i]!;
    if (before.offset + before.byteLength > after.offset) {
      throw fail(`tensors "${before.name}" and "${after.name}" overlap at byte ${after.offset}`);
    }
  }
}

function tensorOf(
  entry: WireEntry,
  bytes: Uint8Array,
  fail: (why: string) => WireError,
): HostTensor {
  const count = elements(entry.dims);
  if (entry.dtype === 'string') {
    const lengths = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const strings: string[] = [];
    let at = 4 * count;
    for (let i = 0; i < count; i++) {
      const length = lengths.getUint32(4 * i, true);
      if (at + length > bytes.byteLength) {
        throw fail(
          `tensor "${entry.name}": string ${i} of ${length} bytes runs past its ${bytes.byteLength} bytes`,
        );
      }
      try {
        strings.push(decoder.decode(bytes.subarray(at, at + length)));
      } catch {
        throw fail(`tensor "${entry.name}": string ${i} is not UTF-8`);
      }
      at += length;
    }
    if (at !== bytes.byteLength) {
      throw fail(`tensor "${entry.name}": ${bytes.byteLength - at} bytes after the last string`);
    }
    return { dtype: 'string', dims: entry.dims, data: strings };
  }
  const { ArrayType, bytesPerElement } = DTYPES[entry.dtype];
  // A copy, not `bytes.slice()`: on a Node Buffer (what a socket delivers) slice is a view.
  const aligned = bytes.byteOffset % bytesPerElement === 0 ? bytes : new Uint8Array(bytes);
  return {
    dtype: entry.dtype,
    dims: entry.dims,
    data: new ArrayType(aligned.buffer, aligned.byteOffset, count),
  } as HostTensor;
}

function elements(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
