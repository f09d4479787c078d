// The ONNX file format: bytes -> a decoded ModelProto (the onnx-proto package's generated protobufjs code,
// never a parser of our own) and tensors -> numbers, with every length checked before anything is allocated.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export type OnnxTensor = onnxProto.onnx.ITensorProto;
export type OnnxAttribute = onnxProto.onnx.IAttributeProto;

/** The parts of a ModelProto the mapper reads, with protobuf's optional fields settled. */
export interface OnnxNode {
  opType: string;
  name: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

export interface OnnxModel {
  producerName: string;
  producerVersion: string;
  /** the default-domain opset */
  opset: number;
  graph: {
    node: OnnxNode[];
    initializer: OnnxTensor[];
    /** graph inputs that are not initializers, with each dimension's size or symbolic name */
    input: { name: string; dims: { value?: number; param?: string }[] }[];
    output: string[];
  };
}

/** A model bigger than this is beyond what a smoke run builds (20M parameters are 80 MB of float32). */
export const MAX_ONNX_FILE_BYTES = 256 * 1024 * 1024;
/** Nodes in the main graph: a chain of a thousand layers with the exporters' helper nodes fits many times over. */
export const MAX_ONNX_NODES = 20_000;

// TensorProto.DataType values the reader understands.
const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;
const INT32 = 6;
const INT64 = 7;
const BOOL = 9;
const DOUBLE = 11;
const BYTES_PER_TYPE: Record<number, number> = { [FLOAT]: 4, [UINT8]: 1, [INT8]: 1, [INT32]: 4, [INT64]: 8, [BOOL]: 1, [DOUBLE]: 8 };

export type DecodeResult = { ok: true; model: OnnxModel } | { ok: false; message: string };

export function decodeOnnx(bytes: Uint8Array): DecodeResult {
  let proto: onnxProto.onnx.ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (error) {
    // protobufjs throws on truncated or malformed wire data (and a RangeError on absurd nesting).
    return { ok: false, message: `it is not a readable ONNX protobuf (${(error as Error).message})` };
  }
  const graph = proto.graph;
  if (!graph) return { ok: false, message: 'it holds no graph: expected the file torch.onnx.export or tf2onnx writes' };
  const nodes = graph.node ?? [];
  if (nodes.length === 0) return { ok: false, message: 'its graph has no nodes' };
  if (nodes.length > MAX_ONNX_NODES) return { ok: false, message: `its graph has ${nodes.length} nodes; the limit is ${MAX_ONNX_NODES}` };
  const initializer = graph.initializer ?? [];
  const initialized = new Set(initializer.map((t) => t.name ?? ''));
  const opsets = (proto.opsetImport ?? []).filter((o) => !o.domain || o.domain === 'ai.onnx').map((o) => toNumber(o.version));
  return {
    ok: true,
    model: {
      producerName: proto.producerName ?? '',
      producerVersion: proto.producerVersion ?? '',
      opset: Math.max(0, ...opsets),
      graph: {
        node: nodes.map((n) => ({
          opType: n.opType ?? '',
          name: n.name ?? '',
          input: (n.input ?? []).map(String),
          output: (n.output ?? []).map(String),
          attribute: n.attribute ?? [],
        })),
        initializer,
        input: (graph.input ?? [])
          .filter((i) => !initialized.has(i.name ?? ''))
          .map((i) => ({
            name: i.name ?? '',
            dims: (i.type?.tensorType?.shape?.dim ?? []).map((d) =>
              d.dimValue !== undefined && d.dimValue !== null ? { value: toNumber(d.dimValue) } : { param: d.dimParam ?? '?' },
            ),
          })),
        output: (graph.output ?? []).map((o) => o.name ?? ''),
      },
    },
  };
}

/** int64 fields arrive as Long objects (or plain numbers for small defaults). */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value !== null && typeof value === 'object' && 'toNumber' in value) return (value as { toNumber(): number }).toNumber();
  return Number(value);
}

export interface TensorValue {
  dims: number[];
  values: Float32Array | Float64Array;
}

/** A tensor's numbers; a string naming what is wrong when they cannot be read exactly. */
export function tensorValues(tensor: OnnxTensor, maxElements: number): TensorValue | string {
  const label = tensor.name ? `tensor "${tensor.name}"` : 'a constant tensor';
  const dims = (tensor.dims ?? []).map(toNumber);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) return `${label} has dimensions [${dims.join(', ')}]`;
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > maxElements) return `${label} has ${count} elements; the limit is ${maxElements}`;
  if (tensor.dataLocation === 1 || (tensor.externalData ?? []).length > 0) {
    return `${label} keeps its data in an external file; export a single self-contained .onnx file (torch.onnx.export does for models under 2 GB)`;
  }
  const dataType = tensor.dataType ?? 0;
  const width = BYTES_PER_TYPE[dataType];
  if (width === undefined) return `${label} has ONNX data type ${dataType}, which nn-preflight does not read (float32, float64 and integers are read)`;
  const values = dataType === DOUBLE || dataType === INT64 ? new Float64Array(count) : new Float32Array(count);
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== count * width) return `${label} holds ${raw.length} bytes of data for ${count} elements of ${width} bytes`;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) values[i] = readElement(view, i * width, dataType);
    return { dims, values };
  }
  const typed = typedField(tensor);
  if (typed.length !== count) return `${label} holds ${typed.length} values for ${count} elements`;
  for (let i = 0; i < count; i++) values[i] = toNumber(typed[i]);
  return { dims, values };
}

function readElement(view: DataView, at: number, dataType: number): number {
  switch (dataType) {
    case FLOAT:
      return view.getFloat32(at, true);
    case DOUBLE:
      return view.getFloat64(at, true);
    case INT64:
      return Number(view.getBigInt64(at, true));
    case INT32:
      return view.getInt32(at, true);
    case INT8:
      return view.getInt8(at);
    default:
      return view.getUint8(at);
  }
}

function typedField(tensor: OnnxTensor): ArrayLike<unknown> {
  switch (tensor.dataType) {
    case FLOAT:
      return tensor.floatData ?? [];
    case DOUBLE:
      return tensor.doubleData ?? [];
    case INT64:
      return tensor.int64Data ?? [];
    default:
      return tensor.int32Data ?? []; // int32, int8, uint8 and bool are stored widened to int32
  }
}

export function attribute(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attribute.find((a) => a.name === name);
}

export function intAttr(node: OnnxNode, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a ? toNumber(a.i) : fallback;
}

export function floatAttr(node: OnnxNode, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a ? (a.f ?? fallback) : fallback;
}

export function intsAttr(node: OnnxNode, name: string): number[] | undefined {
  const a = attribute(node, name);
  return a ? (a.ints ?? []).map(toNumber) : undefined;
}

export function stringAttr(node: OnnxNode, name: string): string | undefined {
  const a = attribute(node, name);
  return a?.s && a.s.length > 0 ? new TextDecoder().decode(a.s) : undefined;
}

export function stringsAttr(node: OnnxNode, name: string): string[] | undefined {
  const a = attribute(node, name);
  return a ? (a.strings ?? []).map((s) => new TextDecoder().decode(s)) : undefined;
}
