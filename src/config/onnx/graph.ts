// An ONNX graph (torch.onnx.export, tf2onnx) -> ModelSpec: Keras-style layers, the initializers as the
// smoke run's starting weights in Keras layouts, and what could not be mapped, named by its ONNX node.
//
// The walk follows the nodes in their (topological) order and tracks, for every tensor, either its constant
// value (initializers, Constant nodes, the Shape/Gather/Unsqueeze/Concat arithmetic exporters add around
// Reshape) or a "flow": an activation of the layer chain. A flow records its logical ONNX shape and `perm`,
// the logical axes in the order the Keras (channels-last) tensor holds them, so NCHW convolutions, the
// time-major recurrent ops and a Flatten after a convolution all land in Keras' layout with exact weights.
import { buildLayerSpec } from '../layers.ts';
import type { InitializerSpec, KerasWeights, LayerSpec, LayerType, ModelSpec, OnnxOrigin, UnsupportedLayer } from '../types.ts';
import { floatAttr, intAttr, intsAttr, stringAttr, stringsAttr, tensorValues, toNumber, type OnnxModel, type OnnxNode } from './read.ts';
import { ownEntry } from '../../own-entry.ts';

export type OnnxMapResult = { ok: true; model: ModelSpec } | { ok: false; message: string };

/** Marks the batch dimension in shapes and in the values of Shape-derived constants. */
const BATCH = -1;

interface Const {
  kind: 'const';
  dims: number[];
  values: Float32Array | Float64Array | number[];
  /** ConstantOfShape: every element is this value, the shape may depend on the batch */
  fill?: number;
}

interface Flow {
  kind: 'flow';
  /** logical ONNX shape; BATCH at the batch axis */
  shape: number[];
  /** logical axes in the order of the Keras tensor (batch first); size-1 axes the Keras tensor lacks are absent */
  perm: number[];
  /** the layer whose output this is, with no op between (for folding an activation or a bias into it) */
  producer?: LayerSpec;
  /** the full output sequence of a recurrent op, whose time axis a Gather may pick the last step from */
  sequenceOf?: { layer: LayerSpec; timeAxis: number };
  /** after a Flatten of a channels-first tensor: Keras flat index -> PyTorch flat index */
  rowOrder?: Int32Array;
  /** the ONNX tensor name, for messages */
  tensor: string;
  /** index of the layer whose output this is, after any ops that add no layer; -1 for the model's input */
  source?: number;
}

type Value = Const | Flow;

const ELEMENTWISE_ACTIVATIONS: Record<string, string> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softplus: 'softplus',
  Softsign: 'softsign',
  Gelu: 'gelu',
};
const FOLDABLE_INTO: ReadonlySet<LayerType> = new Set(['dense', 'conv1d', 'conv2d', 'depthwise_conv2d']);

export function mapOnnxGraph(onnxModel: OnnxModel, file: string, maxElements: number): OnnxMapResult {
  try {
    return new GraphMapper(onnxModel, file, maxElements).map();
  } catch (error) {
    if (error instanceof MappingError) return { ok: false, message: error.message };
    // A file shaped in a way no exporter writes must still end as a finding on model.onnx, never a crash.
    return { ok: false, message: `its graph could not be read as a chain of layers (${(error as Error).message})` };
  }
}

class MappingError extends Error {}

class GraphMapper {
  private readonly values = new Map<string, Value>();
  private readonly layers: LayerSpec[] = [];
  private readonly weights = new Map<LayerSpec, KerasWeights['tensors']>();
  private readonly unsupported: UnsupportedLayer[] = [];
  private readonly notes: string[] = [];
  private readonly consumers = new Map<string, number>();
  private readonly typeCounts = new Map<string, number>();
  private layout: 'nchw' | 'nhwc' = 'nhwc';
  private trainingMode = false;
  private readonly sequenceUse = new Map<LayerSpec, { sequence: boolean; last: boolean }>();
  /** nodes already mapped as part of a pattern (the Erf form of GELU) */
  private readonly consumed = new Set<OnnxNode>();
  private readonly readers = new Map<string, OnnxNode[]>();
  /** flows the node being visited has set */
  private touched: string[] = [];

  constructor(
    private readonly onnxModel: OnnxModel,
    private readonly file: string,
    private readonly maxElements: number,
  ) {}

  map(): OnnxMapResult {
    const graph = this.onnxModel.graph;
    for (const init of graph.initializer) this.values.set(init.name ?? '', this.constOf(init));
    for (const node of graph.node) {
      // Shape only reads a tensor's dimensions: it is not a second consumer of the activation.
      if (node.opType === 'Shape') continue;
      for (const input of node.input) if (input) this.consumers.set(input, (this.consumers.get(input) ?? 0) + 1);
    }
    for (const output of graph.output) this.consumers.set(output, (this.consumers.get(output) ?? 0) + 1);
    for (const node of graph.node) for (const input of node.input) if (input) this.readers.set(input, [...(this.readers.get(input) ?? []), node]);
    // Constants first: a pattern (GELU) looks ahead at nodes whose Constant inputs come later in the list.
    for (const node of graph.node) if (node.opType === 'Constant') this.constantNode(node);

    const inputs = graph.input;
    if (inputs.length === 0) return { ok: false, message: 'its graph has no input' };
    const inputShape = this.addInput(inputs[0]);
    for (const extra of inputs.slice(1)) {
      this.unsupported.push({ name: extra.name, className: 'input', reason: `the graph takes ${inputs.length} inputs; the smoke run feeds one` });
    }
    for (const node of graph.node) this.visit(node);
    for (const [layer, use] of this.sequenceUse) layer.return_sequences = use.sequence;
    if (graph.output.length > 1) {
      this.unsupported.push({
        name: graph.output.join(', '),
        className: 'outputs',
        reason: `the graph has ${graph.output.length} outputs; the smoke run trains one`,
      });
    }
    if (this.layers.length === 0) return { ok: false, message: 'no layer of the graph maps to a layer nn-preflight knows' };

    // A plain stack needs no wiring: each layer takes the one before, as for `layers:` configs.
    if (!this.layers.some((l) => l.type === 'add' || l.type === 'concatenate')) for (const layer of this.layers) delete layer.inbound;
    for (const layer of this.layers) describeInitialWeights(layer, this.weights.get(layer) ?? []);
    const tensors = this.layers.flatMap((l) => this.weights.get(l) ?? []);
    const opset = this.onnxModel.opset;
    const origin: OnnxOrigin = {
      kind: 'onnx',
      file: this.file,
      producer: { name: this.onnxModel.producerName || 'unknown', version: this.onnxModel.producerVersion || '' },
      opset,
      layout: this.layout,
      training_mode: this.trainingMode,
      notes: this.notes,
    };
    return {
      ok: true,
      model: { input_shape: inputShape, layers: this.layers, origin, unsupported: this.unsupported, weights: { tensors } },
    };
  }

  // ---- values ----------------------------------------------------------------------------------

  private constOf(tensor: Parameters<typeof tensorValues>[0]): Const {
    const read = tensorValues(tensor, this.maxElements);
    if (typeof read === 'string') throw new MappingError(read);
    return { kind: 'const', dims: read.dims, values: read.values };
  }

  private addInput(input: OnnxModel['graph']['input'][number]): number[] {
    const dims = input.dims;
    if (dims.length < 2) throw new MappingError(`its input "${input.name}" has rank ${dims.length}; expected a batch axis and at least one more`);
    const shape = dims.map((d, i) => {
      const value = d.value ?? 0;
      if (i === 0) return BATCH;
      if (!(value > 0))
        throw new MappingError(
          `its input "${input.name}" has a dynamic dimension at axis ${i} ("${d.param ?? '?'}"); export with a fixed example size, making only the batch axis dynamic`,
        );
      return value;
    });
    const firstOp = this.onnxModel.graph.node.find((n) => n.input.includes(input.name))?.opType ?? '';
    const channelsFirst = shape.length >= 3 && ['Conv', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'BatchNormalization'].includes(firstOp);
    const perm = channelsFirst ? [0, ...range(2, shape.length), 1] : range(0, shape.length);
    if (channelsFirst) this.layout = 'nchw';
    this.values.set(input.name, { kind: 'flow', shape, perm, tensor: input.name, source: -1 });
    return perm.slice(1).map((a) => shape[a]);
  }

  private flowIn(node: OnnxNode, index: number): Flow | undefined {
    const v = this.values.get(node.input[index] ?? '');
    return v?.kind === 'flow' ? v : undefined;
  }

  private constIn(node: OnnxNode, index: number): Const | undefined {
    const name = node.input[index];
    if (!name) return undefined;
    const v = this.values.get(name);
    return v?.kind === 'const' ? v : undefined;
  }

  private setFlow(name: string | undefined, flow: Omit<Flow, 'kind' | 'tensor'>): void {
    if (!name) return;
    this.values.set(name, { kind: 'flow', ...flow, tensor: name });
    this.touched.push(name);
  }

  // ---- nodes -----------------------------------------------------------------------------------

  /** Maps one node, then wires what it emitted: each new layer takes the flow it was applied to. */
  private visit(node: OnnxNode): void {
    if (this.consumed.has(node)) return;
    const x = node.input.map((name) => this.values.get(name)).find((v): v is Flow => v?.kind === 'flow');
    const before = this.layers.length;
    this.touched = [];
    this.dispatch(node);
    let previous = x?.source ?? -1;
    for (let index = before; index < this.layers.length; index++) {
      this.layers[index].inbound ??= [previous];
      previous = index;
    }
    const source = this.layers.length > before ? this.layers.length - 1 : x?.source;
    for (const name of this.touched) {
      const value = this.values.get(name);
      if (value?.kind === 'flow' && value.source === undefined) value.source = source;
    }
  }

  private dispatch(node: OnnxNode): void {
    const flows = node.input.map((name) => this.values.get(name)).filter((v): v is Flow => v?.kind === 'flow');
    if (flows.length === 0) return this.constantNode(node);
    const x = flows[0];
    const op = node.opType;
    const out = node.output[0];
    if (op === 'Shape') return void this.values.set(out, { kind: 'const', dims: [x.shape.length], values: x.shape.slice() });
    const keep = (changes: Partial<Flow> = {}) => this.setFlow(out, { shape: x.shape, perm: x.perm, rowOrder: x.rowOrder, ...changes });
    // A branch is reported where it joins again (Add, Concat, ...): that node is what a linear stack cannot build.
    if (flows.length > 1 && op !== 'Add') return this.merge(node, flows);
    if (x.sequenceOf && !['Squeeze', 'Transpose', 'Gather', 'Unsqueeze'].includes(op)) this.markSequence(x.sequenceOf.layer, 'sequence');

    if (op === 'Div' && this.gelu(node, x)) return;
    switch (op) {
      case 'Identity':
      case 'Cast':
        return keep({ producer: x.producer, sequenceOf: x.sequenceOf });
      case 'Dropout':
        return this.dropout(node, x);
      case 'Gemm':
        return this.gemm(node, x);
      case 'MatMul':
        return this.matmul(node, x);
      case 'Add':
        return this.add(node, x, flows);
      case 'Conv':
        return this.conv(node, x);
      case 'MaxPool':
      case 'AveragePool':
        return this.pool(node, x);
      case 'GlobalAveragePool':
        return this.globalPool(node, x);
      case 'BatchNormalization':
        return this.batchNorm(node, x);
      case 'LayerNormalization':
        return this.layerNorm(node, x);
      case 'Flatten':
        return this.flatten(node, x, intAttr(node, 'axis', 1));
      case 'Reshape':
        return this.reshape(node, x);
      case 'Transpose':
        return this.transpose(node, x);
      case 'Squeeze':
      case 'Unsqueeze':
        return this.squeeze(node, x, op === 'Unsqueeze');
      case 'Pad':
        return this.pad(node, x);
      case 'Gather':
        return this.gather(node, x);
      case 'LSTM':
      case 'GRU':
      case 'RNN':
        return this.recurrent(node, x);
      default:
        return this.activationOrUnknown(node, x);
    }
  }

  /** Nodes over constants only: folded here so that the Reshape after them sees a value. */
  private constantNode(node: OnnxNode): void {
    const out = node.output[0];
    const op = node.opType;
    const c = (i: number) => this.constIn(node, i);
    const set = (value: Const) => this.values.set(out, value);
    if (op === 'Constant') {
      const attr = node.attribute[0];
      if (!attr) return;
      if (attr.t) return void set(this.constOf(attr.t));
      if (attr.name === 'value_float') return void set({ kind: 'const', dims: [], values: [attr.f ?? 0] });
      if (attr.name === 'value_int') return void set({ kind: 'const', dims: [], values: [toNumber(attr.i)] });
      if (attr.name === 'value_floats') return void set({ kind: 'const', dims: [attr.floats?.length ?? 0], values: (attr.floats ?? []).slice() });
      if (attr.name === 'value_ints') return void set({ kind: 'const', dims: [attr.ints?.length ?? 0], values: (attr.ints ?? []).map(toNumber) });
      return;
    }
    const a = c(0);
    if (!a) return;
    switch (op) {
      case 'Identity':
      case 'Cast':
        return void set(a);
      case 'Unsqueeze':
      case 'Squeeze':
        return void set({
          kind: 'const',
          dims: op === 'Unsqueeze' ? [Math.max(1, a.values.length)] : a.values.length === 1 ? [] : [a.values.length],
          values: a.values,
        });
      case 'Concat': {
        const parts = node.input.map((_, i) => c(i));
        if (parts.some((p) => !p)) return;
        const values = parts.flatMap((p) => Array.from(p!.values));
        return void set({ kind: 'const', dims: [values.length], values });
      }
      case 'Gather': {
        const index = c(1);
        if (!index || a.dims.length > 1) return;
        const picked = Array.from(index.values).map((i) => a.values[i < 0 ? a.values.length + i : i]);
        return void set({ kind: 'const', dims: index.dims, values: picked });
      }
      case 'ConstantOfShape': {
        const fill = node.attribute[0]?.t ? this.constOf(node.attribute[0].t).values[0] : 0;
        return void set({ kind: 'const', dims: Array.from(a.values), values: [], fill });
      }
      default:
        return;
    }
  }

  private isBranch(x: Flow): boolean {
    return (this.consumers.get(x.tensor) ?? 0) > 1;
  }

  private emit(node: OnnxNode, type: LayerType, args: Record<string, unknown>, weights: KerasWeights['tensors'] = []): LayerSpec {
    const layer = buildLayerSpec(type, this.layerName(node, type), args);
    layer.extra = { ...(layer.extra ?? {}), onnx_node: node.name || node.opType };
    this.layers.push(layer);
    this.weights.set(layer, weights);
    return layer;
  }

  /** PyTorch names nodes after the module path (`/encoder/fc1/Gemm`); a Sequential index becomes `dense_0`. */
  private layerName(node: OnnxNode, type: LayerType): string {
    const path = (node.name ?? '').split('/').filter(Boolean).slice(0, -1).join('.');
    if (path && !/^[\d.]+$/.test(path)) return path;
    if (path) return `${type}_${path}`;
    const n = (this.typeCounts.get(type) ?? 0) + 1;
    this.typeCounts.set(type, n);
    return `${type}_${n}`;
  }

  private skip(node: OnnxNode, x: Flow, reason: string): void {
    this.unsupported.push({ name: node.name || node.opType, className: node.opType, reason });
    // The walk goes on with the shape unchanged, so the layers after still reach the static checks.
    this.setFlow(node.output[0], { shape: x.shape, perm: x.perm });
  }

  private kerasShape(x: Flow): number[] {
    return x.perm.slice(1).map((a) => x.shape[a]);
  }

  /** The logical axis that is last in the Keras tensor (where Keras layers put features and channels). */
  private kerasLast(x: Flow): number {
    return x.perm[x.perm.length - 1];
  }

  // ---- layers ----------------------------------------------------------------------------------

  private dense(node: OnnxNode, x: Flow, kernelInOut: Float32Array, inputs: number, units: number, bias: Float32Array | undefined): void {
    if (x.shape[0] !== BATCH || this.kerasLast(x) !== x.shape.length - 1) {
      return this.skip(node, x, 'a matrix product over an axis other than the features axis');
    }
    let kernel = kernelInOut;
    if (x.rowOrder) {
      // The Keras Flatten enumerated channels last; PyTorch's enumerated them first: reorder the rows to match.
      kernel = new Float32Array(kernelInOut.length);
      for (let k = 0; k < inputs; k++) kernel.set(kernelInOut.subarray(x.rowOrder[k] * units, (x.rowOrder[k] + 1) * units), k * units);
    }
    const weights = [{ name: `${node.name}/kernel`, shape: [inputs, units], values: kernel }];
    if (bias) weights.push({ name: `${node.name}/bias`, shape: [units], values: bias });
    const layer = this.emit(node, 'dense', { units, use_bias: bias !== undefined }, weights);
    this.setFlow(node.output[0], { shape: [...x.shape.slice(0, -1), units], perm: x.perm, producer: layer });
  }

  private gemm(node: OnnxNode, x: Flow): void {
    const b = this.constIn(node, 1);
    if (!b || b.dims.length !== 2 || intAttr(node, 'transA', 0) !== 0 || x.shape.length !== 2) {
      return this.skip(node, x, 'a Gemm whose second operand is not a weight matrix');
    }
    const transB = intAttr(node, 'transB', 0) === 1;
    const [inputs, units] = transB ? [b.dims[1], b.dims[0]] : b.dims;
    if (inputs !== x.shape[1]) return this.skip(node, x, `a Gemm with ${inputs} inputs after a tensor of ${x.shape[1]} features`);
    const alpha = floatAttr(node, 'alpha', 1);
    const beta = floatAttr(node, 'beta', 1);
    // PyTorch's Linear weight is [out, in] (transB = 1); Keras' Dense kernel is [in, out].
    const kernel = new Float32Array(inputs * units);
    for (let i = 0; i < inputs; i++) {
      for (let o = 0; o < units; o++) kernel[i * units + o] = alpha * b.values[transB ? o * inputs + i : i * units + o];
    }
    const c = this.constIn(node, 2);
    let bias: Float32Array | undefined;
    if (c) {
      const count = c.values.length;
      if (count !== units && count !== 1) return this.skip(node, x, `a Gemm bias of ${count} values for ${units} units`);
      bias = Float32Array.from({ length: units }, (_, o) => beta * c.values[count === 1 ? 0 : o]);
    }
    this.dense(node, x, kernel, inputs, units, bias);
  }

  private matmul(node: OnnxNode, x: Flow): void {
    const w = this.constIn(node, 1);
    if (!w || w.dims.length !== 2 || node.input[0] !== x.tensor) return this.skip(node, x, 'a MatMul whose second operand is not a weight matrix');
    const [inputs, units] = w.dims;
    if (inputs !== x.shape[x.shape.length - 1])
      return this.skip(node, x, `a MatMul with ${inputs} inputs after a tensor of ${x.shape[x.shape.length - 1]} features`);
    // tf2onnx and PyTorch (for Linear on 3-D input) write MatMul by a [in, out] matrix, then Add the bias.
    this.dense(node, x, Float32Array.from(w.values), inputs, units, undefined);
  }

  /** A node joining two branches other than a residual Add: listed as unsupported, its output shape kept for the static checks. */
  private merge(node: OnnxNode, flows: Flow[]): void {
    const names = flows.map((f) => `\`${f.tensor}\``).join(' and ');
    const x = flows[0];
    let shape = x.shape;
    if (node.opType === 'Concat') {
      const axis = normalizeAxis(intAttr(node, 'axis', 0), x.shape.length);
      shape = x.shape.map((d, a) => (a === axis ? flows.reduce((sum, f) => sum + (f.shape[a] ?? 0), 0) : d));
      const alike = flows.every((f) => f.perm.join() === x.perm.join() && !f.rowOrder && f.shape.length === x.shape.length);
      if (alike && this.kerasLast(x) === axis) {
        // Joining along the channels/features axis is a Keras Concatenate on its last axis.
        const layer = this.emit(node, 'concatenate', {});
        layer.inbound = flows.map((f) => f.source ?? -1);
        return this.setFlow(node.output[0], { shape, perm: x.perm, producer: layer });
      }
    }
    const how = node.opType === 'Concat' ? 'along an axis other than the channels/features axis' : `with ${node.opType}`;
    this.unsupported.push({
      name: node.name || node.opType,
      className: node.opType,
      reason: `joins the branches ${names} ${how}, which the smoke run does not build (it builds residual Add and channel Concat)`,
    });
    this.setFlow(node.output[0], { shape, perm: x.perm });
  }

  private add(node: OnnxNode, x: Flow, flows: Flow[]): void {
    if (flows.length > 1) {
      const [a, b] = flows;
      const same = flows.every((f) => f.shape.join() === a.shape.join() && f.perm.join() === a.perm.join() && !f.rowOrder);
      if (!same) {
        this.unsupported.push({
          name: node.name || node.opType,
          className: node.opType,
          reason: `adds \`${a.tensor}\` and \`${b.tensor}\`, whose shapes or layouts differ`,
        });
        return this.setFlow(node.output[0], { shape: a.shape, perm: a.perm });
      }
      // A residual connection: a Keras Add layer over both branches; the model is then built as a functional one.
      const layer = this.emit(node, 'add', {});
      layer.inbound = flows.map((f) => f.source ?? -1);
      return this.setFlow(node.output[0], { shape: a.shape, perm: a.perm, producer: layer });
    }
    const c = this.constIn(node, node.input[0] === x.tensor ? 1 : 0);
    const layer = x.producer;
    const units = layer?.units;
    const pending = layer?.type === 'dense' && layer.use_bias === false && this.weights.get(layer)?.length === 1;
    if (c && pending && units !== undefined && c.values.length === units && !this.isBranch(x)) {
      layer.use_bias = true;
      this.weights.get(layer)!.push({ name: `${node.name}/bias`, shape: [units], values: Float32Array.from(c.values) });
      return this.setFlow(node.output[0], { shape: x.shape, perm: x.perm, producer: layer });
    }
    if (c && Array.from(c.values).every((v) => v === 0) && !c.fill) return this.setFlow(node.output[0], { shape: x.shape, perm: x.perm, producer: x.producer });
    this.skip(node, x, 'adds a constant that is not the bias of the layer before it');
  }

  private conv(node: OnnxNode, x: Flow): void {
    const w = this.constIn(node, 1);
    const rank = x.shape.length - 2;
    if (!w || w.dims.length !== rank + 2 || (rank !== 1 && rank !== 2))
      return this.skip(node, x, `a ${rank}-D convolution or one whose weights are not an initializer`);
    if (this.kerasLast(x) !== 1) return this.skip(node, x, 'a convolution over a tensor whose channels nn-preflight cannot place last');
    const [outChannels, inPerGroup, ...kernel] = w.dims;
    const channels = x.shape[1];
    const group = intAttr(node, 'group', 1);
    const strides = intsAttr(node, 'strides') ?? Array(rank).fill(1);
    const dilations = intsAttr(node, 'dilations') ?? Array(rank).fill(1);
    if (dilations.some((d) => d !== 1)) return this.skip(node, x, 'a dilated convolution, which the smoke run does not build');
    const padding = this.padding(node, x.shape.slice(2), kernel, strides);
    if (typeof padding !== 'string') return this.skip(node, x, padding.reason);
    const biasConst = this.constIn(node, 2);
    const bias = biasConst ? { name: `${node.name}/bias`, shape: [outChannels], values: Float32Array.from(biasConst.values) } : undefined;
    const spatial = outputSize(x.shape.slice(2), kernel, strides, padding);
    const outShape = [BATCH, outChannels, ...spatial];
    const kernelCount = kernel.reduce((a, b) => a * b, 1);
    if (group === 1) {
      if (inPerGroup !== channels) return this.skip(node, x, `a convolution expecting ${inPerGroup} channels after a tensor of ${channels}`);
      // PyTorch OIHW (OIL) -> Keras HWIO (LIO).
      const values = new Float32Array(w.values.length);
      for (let o = 0; o < outChannels; o++) {
        for (let i = 0; i < channels; i++) {
          for (let k = 0; k < kernelCount; k++) values[(k * channels + i) * outChannels + o] = w.values[(o * channels + i) * kernelCount + k];
        }
      }
      const weights = [{ name: `${node.name}/kernel`, shape: [...kernel, channels, outChannels], values }];
      if (bias) weights.push(bias);
      const layer = this.emit(
        node,
        rank === 1 ? 'conv1d' : 'conv2d',
        { filters: outChannels, kernel_size: kernel, strides, padding, use_bias: bias !== undefined },
        weights,
      );
      return this.setFlow(node.output[0], { shape: outShape, perm: x.perm, producer: layer });
    }
    if (group === channels && inPerGroup === 1 && rank === 2 && outChannels % channels === 0) {
      // Depthwise: output channel c * m + j reads input channel c; Keras' depthwise kernel is [kh, kw, C, m].
      const multiplier = outChannels / channels;
      const values = new Float32Array(w.values.length);
      for (let c = 0; c < channels; c++) {
        for (let j = 0; j < multiplier; j++) {
          for (let k = 0; k < kernelCount; k++) values[(k * channels + c) * multiplier + j] = w.values[(c * multiplier + j) * kernelCount + k];
        }
      }
      const weights = [{ name: `${node.name}/depthwise_kernel`, shape: [...kernel, channels, multiplier], values }];
      if (bias) weights.push(bias);
      const layer = this.emit(
        node,
        'depthwise_conv2d',
        { depth_multiplier: multiplier, kernel_size: kernel, strides, padding, use_bias: bias !== undefined },
        weights,
      );
      return this.setFlow(node.output[0], { shape: outShape, perm: x.perm, producer: layer });
    }
    this.skip(node, x, `a grouped convolution (${group} groups), which the smoke run does not build`);
  }

  /** ONNX pads -> Keras 'valid' or 'same' where that is exact; otherwise the reason it is not. */
  private padding(node: OnnxNode, spatial: number[], kernel: number[], strides: number[]): 'valid' | 'same' | { reason: string } {
    const autoPad = stringAttr(node, 'auto_pad') ?? 'NOTSET';
    if (autoPad === 'VALID') return 'valid';
    if (autoPad === 'SAME_UPPER') return 'same';
    if (autoPad !== 'NOTSET') return { reason: `auto_pad ${autoPad}, which Keras has no padding for` };
    const pads = intsAttr(node, 'pads') ?? Array(2 * kernel.length).fill(0);
    if (pads.every((p) => p === 0)) return 'valid';
    const rank = kernel.length;
    // PyTorch's padding=k//2 at stride 1 with an odd kernel is Keras 'same', padded the same on both sides.
    const same = range(0, rank).every((i) => strides[i] === 1 && kernel[i] % 2 === 1 && pads[i] === (kernel[i] - 1) / 2 && pads[i + rank] === pads[i]);
    if (same) return 'same';
    void spatial;
    return { reason: `padding [${pads.join(', ')}] with strides [${strides.join(', ')}], which neither Keras 'valid' nor 'same' reproduces exactly` };
  }

  private pool(node: OnnxNode, x: Flow): void {
    const rank = x.shape.length - 2;
    const kernel = intsAttr(node, 'kernel_shape') ?? [];
    const strides = intsAttr(node, 'strides') ?? Array(rank).fill(1);
    if (kernel.length !== rank || this.kerasLast(x) !== 1) return this.skip(node, x, 'a pooling over axes nn-preflight cannot map');
    if ((intsAttr(node, 'dilations') ?? []).some((d) => d !== 1)) return this.skip(node, x, 'a dilated pooling');
    const padding = this.padding(node, x.shape.slice(2), kernel, strides);
    if (typeof padding !== 'string') return this.skip(node, x, padding.reason);
    if (node.opType === 'AveragePool' && padding === 'same' && intAttr(node, 'count_include_pad', 0) === 1) {
      return this.skip(node, x, 'an average pooling that counts padding (count_include_pad), which Keras does not');
    }
    const spatial = outputSize(x.shape.slice(2), kernel, strides, padding);
    if (intAttr(node, 'ceil_mode', 0) === 1 && outputSize(x.shape.slice(2), kernel, strides, padding, true).join() !== spatial.join()) {
      return this.skip(node, x, 'a pooling with ceil_mode=True whose output is larger than Keras computes');
    }
    const type: LayerType | undefined =
      node.opType === 'MaxPool' ? (rank === 1 ? 'max_pooling1d' : 'max_pooling2d') : rank === 2 ? 'average_pooling2d' : undefined;
    if (!type) return this.skip(node, x, `a ${rank}-D ${node.opType}, which the smoke run does not build`);
    const layer = this.emit(node, type, { pool_size: kernel, strides, padding });
    this.setFlow(node.output[0], { shape: [BATCH, x.shape[1], ...spatial], perm: x.perm, producer: layer });
  }

  private globalPool(node: OnnxNode, x: Flow): void {
    if (x.shape.length !== 4 || this.kerasLast(x) !== 1) return this.skip(node, x, 'a global pooling over a tensor that is not 2-D channels-first');
    const layer = this.emit(node, 'global_average_pooling2d', {});
    // ONNX keeps [N, C, 1, 1]; Keras drops the unit axes.
    this.setFlow(node.output[0], { shape: [BATCH, x.shape[1], 1, 1], perm: [0, 1], producer: layer });
  }

  private batchNorm(node: OnnxNode, x: Flow): void {
    const params = [1, 2, 3, 4].map((i) => this.constIn(node, i));
    if (params.some((p) => !p) || this.kerasLast(x) !== 1 || x.rowOrder)
      return this.skip(node, x, 'a batch normalization whose channel axis or statistics nn-preflight cannot map');
    if (node.output.filter(Boolean).length > 1 || intAttr(node, 'training_mode', 0) === 1) this.trainingMode = true;
    const channels = x.shape[1];
    const names = ['gamma', 'beta', 'moving_mean', 'moving_variance'];
    const weights = params.map((p, i) => ({ name: `${node.name}/${names[i]}`, shape: [channels], values: Float32Array.from(p!.values) }));
    const layer = this.emit(
      node,
      'batch_normalization',
      { momentum: floatAttr(node, 'momentum', 0.9), epsilon: floatAttr(node, 'epsilon', 1e-5), center: true, scale: true },
      weights,
    );
    this.setFlow(node.output[0], { shape: x.shape, perm: x.perm, producer: layer });
  }

  private layerNorm(node: OnnxNode, x: Flow): void {
    const axis = normalizeAxis(intAttr(node, 'axis', -1), x.shape.length);
    const gamma = this.constIn(node, 1);
    const beta = this.constIn(node, 2);
    if (axis !== x.shape.length - 1 || this.kerasLast(x) !== axis || !gamma || x.rowOrder) {
      return this.skip(node, x, 'a layer normalization over more than the last axis');
    }
    const size = x.shape[axis];
    const weights = [{ name: `${node.name}/gamma`, shape: [size], values: Float32Array.from(gamma.values) }];
    if (beta) weights.push({ name: `${node.name}/beta`, shape: [size], values: Float32Array.from(beta.values) });
    const layer = this.emit(node, 'layer_normalization', { epsilon: floatAttr(node, 'epsilon', 1e-5), center: beta !== undefined, scale: true }, weights);
    this.setFlow(node.output[0], { shape: x.shape, perm: x.perm, producer: layer });
  }

  private dropout(node: OnnxNode, x: Flow): void {
    const ratio = this.constIn(node, 1)?.values[0] ?? floatAttr(node, 'ratio', 0.5);
    const training = this.constIn(node, 2)?.values[0];
    if (training !== undefined && training !== 0) this.trainingMode = true;
    if (training === undefined && node.input.length < 3) this.trainingMode ||= node.output.filter(Boolean).length > 1;
    const layer = this.emit(node, 'dropout', { rate: ratio });
    this.setFlow(node.output[0], { shape: x.shape, perm: x.perm, rowOrder: x.rowOrder, producer: layer });
  }

  private flatten(node: OnnxNode, x: Flow, axis: number): void {
    if (normalizeAxis(axis, x.shape.length) !== 1 || x.shape[0] !== BATCH) return this.skip(node, x, 'a flatten that keeps more than the batch axis');
    const features = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const order = flattenOrder(x);
    const kerasRank = x.perm.length - 1;
    const producer = kerasRank > 1 ? this.emit(node, 'flatten', {}) : x.producer;
    this.setFlow(node.output[0], { shape: [BATCH, features], perm: [0, 1], rowOrder: order ?? x.rowOrder, producer });
  }

  private reshape(node: OnnxNode, x: Flow): void {
    const target = this.constIn(node, 1);
    if (!target || target.fill !== undefined) return this.skip(node, x, 'a reshape to a shape computed at run time');
    const dims = Array.from(target.values).map((d, i) => (d === 0 && i < x.shape.length ? x.shape[i] : d));
    if (dims[0] !== BATCH && !(dims[0] === -1 && x.shape[0] === BATCH && dims.slice(1).every((d) => d > 0))) {
      return this.skip(node, x, 'a reshape that moves the batch axis');
    }
    const rest = dims.slice(1);
    if (rest.length === 1 && (rest[0] === -1 || rest[0] === x.shape.slice(1).reduce((a, b) => a * b, 1))) return this.flatten(node, x, 1);
    if (x.perm.some((a, i) => a !== i)) return this.skip(node, x, 'a reshape of a channels-first tensor into anything but a flat vector');
    const known = rest.filter((d) => d > 0).reduce((a, b) => a * b, 1);
    const total = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const shape = rest.map((d) => (d === -1 ? total / known : d));
    if (!shape.every((d) => Number.isInteger(d) && d > 0)) return this.skip(node, x, `a reshape to [${rest.join(', ')}] of a tensor of ${total} values`);
    const layer = this.emit(node, 'reshape', { target_shape: shape });
    this.setFlow(node.output[0], { shape: [BATCH, ...shape], perm: range(0, shape.length + 1), producer: layer });
  }

  private transpose(node: OnnxNode, x: Flow): void {
    const rank = x.shape.length;
    const perm = intsAttr(node, 'perm') ?? range(0, rank).reverse();
    const inverse: number[] = [];
    perm.forEach((from, to) => (inverse[from] = to));
    const shape = perm.map((a) => x.shape[a]);
    const kerasPerm = x.perm.map((a) => inverse[a]);
    const sequenceOf = x.sequenceOf ? { layer: x.sequenceOf.layer, timeAxis: inverse[x.sequenceOf.timeAxis] } : undefined;
    // tf2onnx wraps convolutions in NHWC -> NCHW transposes: the Keras tensor stays as it is.
    if (x.tensor === this.onnxModel.graph.input[0]?.name && perm.join() === '0,3,1,2') this.layout = 'nhwc';
    this.setFlow(node.output[0], { shape, perm: kerasPerm, producer: x.producer, sequenceOf });
  }

  private squeeze(node: OnnxNode, x: Flow, unsqueeze: boolean): void {
    const axes = (this.constIn(node, 1)?.values ? Array.from(this.constIn(node, 1)!.values) : intsAttr(node, 'axes')) ?? [];
    const rank = x.shape.length + (unsqueeze ? axes.length : 0);
    const sorted = axes.map((a) => normalizeAxis(a, unsqueeze ? rank : x.shape.length)).sort((a, b) => a - b);
    if (unsqueeze) {
      let shape = x.shape.slice();
      let perm = x.perm.slice();
      let sequenceOf = x.sequenceOf;
      for (const axis of sorted) {
        shape = [...shape.slice(0, axis), 1, ...shape.slice(axis)];
        perm = perm.map((a) => (a >= axis ? a + 1 : a));
        if (sequenceOf && sequenceOf.timeAxis >= axis) sequenceOf = { ...sequenceOf, timeAxis: sequenceOf.timeAxis + 1 };
      }
      return this.setFlow(node.output[0], { shape, perm, producer: x.producer, sequenceOf });
    }
    const squeezed = sorted.length > 0 ? sorted : range(0, x.shape.length).filter((a) => x.shape[a] === 1);
    if (squeezed.some((a) => x.shape[a] !== 1 || x.perm.includes(a))) return this.skip(node, x, 'a squeeze of an axis the Keras tensor keeps');
    const shift = (a: number) => a - squeezed.filter((s) => s < a).length;
    const sequenceOf = x.sequenceOf ? { ...x.sequenceOf, timeAxis: shift(x.sequenceOf.timeAxis) } : undefined;
    this.setFlow(node.output[0], { shape: x.shape.filter((_, a) => !squeezed.includes(a)), perm: x.perm.map(shift), producer: x.producer, sequenceOf });
  }

  private pad(node: OnnxNode, x: Flow): void {
    const pads = this.constIn(node, 1)?.values ?? intsAttr(node, 'pads');
    // PyTorch's AvgPool2d export pads by zero first; any real padding has no layer here.
    if (pads && Array.from(pads).every((p) => p === 0))
      return this.setFlow(node.output[0], { shape: x.shape, perm: x.perm, producer: x.producer, rowOrder: x.rowOrder });
    this.skip(node, x, 'explicit padding (nn.ZeroPad2d, F.pad), which the smoke run does not build');
  }

  private gather(node: OnnxNode, x: Flow): void {
    const data = this.constIn(node, 0);
    if (data && node.input[1] === x.tensor) return this.embedding(node, x, data);
    const index = this.constIn(node, 1);
    const axis = normalizeAxis(intAttr(node, 'axis', 0), x.shape.length);
    if (!index || index.values.length !== 1 || index.dims.length !== 0) return this.skip(node, x, 'a gather of more than one index');
    const at = index.values[0] < 0 ? x.shape[axis] + index.values[0] : index.values[0];
    const shift = (a: number) => (a > axis ? a - 1 : a);
    const shape = x.shape.filter((_, a) => a !== axis);
    if (!x.perm.includes(axis) && x.shape[axis] === 1) {
      // Picking the only entry of a unit axis (h_n[-1] of a one-layer RNN): the Keras tensor is unchanged.
      return this.setFlow(node.output[0], { shape, perm: x.perm.map(shift), producer: x.producer });
    }
    if (x.sequenceOf && x.sequenceOf.timeAxis === axis && at === x.shape[axis] - 1) {
      // out[:, -1] of a recurrent layer's sequence is Keras' return_sequences=False.
      this.markSequence(x.sequenceOf.layer, 'last');
      return this.setFlow(node.output[0], { shape, perm: x.perm.filter((a) => a !== axis).map(shift), producer: x.sequenceOf.layer });
    }
    this.skip(node, x, 'a gather that picks one entry of a data axis');
  }

  private markSequence(layer: LayerSpec, use: 'sequence' | 'last'): void {
    const entry = this.sequenceUse.get(layer) ?? { sequence: false, last: false };
    entry[use] = true;
    this.sequenceUse.set(layer, entry);
    if (entry.sequence && entry.last)
      this.unsupported.push({ name: layer.name, className: 'branch', reason: 'both the full output sequence and its last step are used' });
  }

  private embedding(node: OnnxNode, x: Flow, table: Const): void {
    if (table.dims.length !== 2 || intAttr(node, 'axis', 0) !== 0) return this.skip(node, x, 'a gather from a constant that is not an embedding table');
    const [inputDim, outputDim] = table.dims;
    const weights = [{ name: `${node.name}/embeddings`, shape: [inputDim, outputDim], values: Float32Array.from(table.values) }];
    const layer = this.emit(node, 'embedding', { input_dim: inputDim, output_dim: outputDim }, weights);
    this.setFlow(node.output[0], { shape: [...x.shape, outputDim], perm: [...x.perm, x.shape.length], producer: layer });
  }

  private recurrent(node: OnnxNode, x: Flow): void {
    const op = node.opType;
    const w = this.constIn(node, 1);
    const r = this.constIn(node, 2);
    const b = this.constIn(node, 3);
    const units = intAttr(node, 'hidden_size', 0);
    const batchFirst = intAttr(node, 'layout', 0) === 1;
    const expectedPerm = batchFirst ? '0,1,2' : '1,0,2';
    const gates = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
    if (!w || !r || x.shape.length !== 3 || x.perm.join() !== expectedPerm)
      return this.skip(node, x, `an ${op} whose input or weights nn-preflight cannot map`);
    if ((stringAttr(node, 'direction') ?? 'forward') !== 'forward')
      return this.skip(node, x, `a bidirectional or reverse ${op}, which the smoke run does not build`);
    if (node.input[4] || (op === 'LSTM' && node.input[7]) || intAttr(node, 'input_forget', 0) !== 0 || floatAttr(node, 'clip', 0) !== 0) {
      return this.skip(node, x, `an ${op} with sequence lengths, peepholes, clipping or coupled gates`);
    }
    for (const stateIndex of op === 'LSTM' ? [5, 6] : [5]) {
      const state = node.input[stateIndex] ? this.values.get(node.input[stateIndex]) : undefined;
      const zero = state === undefined || (state.kind === 'const' && (state.fill === 0 || Array.from(state.values).every((v) => v === 0)));
      if (!zero) return this.skip(node, x, `an ${op} started from a given state; Keras starts from zeros`);
    }
    const features = x.shape[2];
    if (w.dims.join() !== `1,${gates * units},${features}` || r.dims.join() !== `1,${gates * units},${units}`) {
      return this.skip(node, x, `an ${op} with ${w.dims[0]} directions or weights of an unexpected shape`);
    }
    const defaults = op === 'LSTM' ? ['Sigmoid', 'Tanh', 'Tanh'] : op === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
    const activations = stringsAttr(node, 'activations') ?? [];
    const named = activations.length > 0 ? activations : defaults;
    if (op !== 'RNN' && named.join() !== defaults.join()) return this.skip(node, x, `an ${op} with activations ${named.join(', ')}`);
    // LSTM and GRU list the gate activation first, then the cell's; RNN lists only the cell's.
    const cellActivation = op === 'RNN' ? named[0] : named[1];
    const activation = ({ Tanh: 'tanh', Relu: 'relu', Sigmoid: 'sigmoid' } as Record<string, string>)[cellActivation];
    if (!activation) return this.skip(node, x, `an ${op} with activation ${cellActivation}`);

    // ONNX gate blocks: LSTM i,o,f,c; GRU z,r,h; Keras: LSTM i,f,c,o; GRU z,r,h.
    const order = op === 'LSTM' ? [0, 2, 3, 1] : range(0, gates);
    const kernel = gateMatrix(w.values, order, units, features);
    const recurrentKernel = gateMatrix(r.values, order, units, units);
    const bias = new Float32Array(gates * units);
    const linearBeforeReset = op === 'GRU' && intAttr(node, 'linear_before_reset', 0) === 1;
    if (b) {
      for (let g = 0; g < gates; g++) {
        for (let h = 0; h < units; h++) bias[g * units + h] = b.values[order[g] * units + h] + b.values[(gates + order[g]) * units + h];
      }
    }
    if (linearBeforeReset) {
      this.notes.push(
        `\`${node.name || op}\` is a PyTorch GRU (linear_before_reset, Keras reset_after=True); TF.js builds only reset_after=False, so the smoke run's GRU applies the reset gate before its recurrent weights and adds the two candidate biases together. Parameter counts are PyTorch's.`,
      );
    }
    const type: LayerType = op === 'LSTM' ? 'lstm' : op === 'GRU' ? 'gru' : 'simple_rnn';
    const weights = [
      { name: `${node.name}/kernel`, shape: [features, gates * units], values: kernel },
      { name: `${node.name}/recurrent_kernel`, shape: [units, gates * units], values: recurrentKernel },
      { name: `${node.name}/bias`, shape: [gates * units], values: bias },
    ];
    const args: Record<string, unknown> = { units, activation, return_sequences: false, use_bias: true };
    if (op === 'GRU') args.reset_after = linearBeforeReset;
    // PyTorch keeps an input and a recurrent bias (b_ih, b_hh); the smoke run adds them into Keras' one bias,
    // the same function, while the summary counts both as the user's model has them.
    else if (b) args.recurrent_bias = true;
    const layer = this.emit(node, type, args, weights);
    const steps = x.shape[batchFirst ? 1 : 0];
    // Y is [T, 1, N, H] (layout 1: [N, T, 1, H]); Y_h and Y_c are [1, N, H] ([N, 1, H]).
    if (batchFirst) {
      this.setFlow(node.output[0], { shape: [BATCH, steps, 1, units], perm: [0, 1, 3], sequenceOf: { layer, timeAxis: 1 } });
      for (const out of node.output.slice(1)) this.setFinalState(out, layer, [BATCH, 1, units], [0, 2]);
    } else {
      this.setFlow(node.output[0], { shape: [steps, 1, BATCH, units], perm: [2, 0, 3], sequenceOf: { layer, timeAxis: 0 } });
      for (const out of node.output.slice(1)) this.setFinalState(out, layer, [1, BATCH, units], [1, 2]);
    }
  }

  private setFinalState(name: string, layer: LayerSpec, shape: number[], perm: number[]): void {
    if (!name || !this.consumers.get(name)) return;
    this.markSequence(layer, 'last');
    this.setFlow(name, { shape, perm, producer: layer });
  }

  private activationOrUnknown(node: OnnxNode, x: Flow): void {
    const op = node.opType;
    let activation = ownEntry(ELEMENTWISE_ACTIVATIONS, op);
    let alpha: number | undefined;
    if (op === 'Softmax' || op === 'LogSoftmax') {
      const axis = normalizeAxis(intAttr(node, 'axis', this.opset() >= 13 ? -1 : 1), x.shape.length);
      const lastAxis = this.opset() >= 13 ? axis === this.kerasLast(x) : axis === 1 && x.shape.length === 2;
      if (!lastAxis) return this.skip(node, x, `a ${op} over an axis other than the last`);
      activation = op === 'Softmax' ? 'softmax' : 'log_softmax';
    } else if (op === 'Elu' && floatAttr(node, 'alpha', 1) === 1) activation = 'elu';
    else if (
      op === 'Selu' &&
      Math.abs(floatAttr(node, 'alpha', 1.6732632) - 1.6732632) < 1e-6 &&
      Math.abs(floatAttr(node, 'gamma', 1.050701) - 1.050701) < 1e-6
    )
      activation = 'selu';
    else if (op === 'HardSigmoid' && Math.abs(floatAttr(node, 'alpha', 0.2) - 1 / 6) < 1e-6 && floatAttr(node, 'beta', 0.5) === 0.5)
      activation = 'hard_sigmoid';
    else if (op === 'LeakyRelu') {
      activation = 'leaky_relu';
      alpha = floatAttr(node, 'alpha', 0.01);
    } else if (op === 'Clip') {
      const low = this.constIn(node, 1)?.values[0] ?? floatAttr(node, 'min', -Infinity);
      const high = this.constIn(node, 2)?.values[0] ?? floatAttr(node, 'max', Infinity);
      if (low === 0 && high === 6) activation = 'relu6';
      else if (low === 0 && high === Infinity) activation = 'relu';
    }
    if (!activation) return this.skip(node, x, `the ONNX operator ${op}${node.attribute.length > 0 ? ' with these attributes' : ''} has no nn-preflight layer`);
    this.applyActivation(node, x, activation, alpha, node.output[0], !this.isBranch(x));
  }

  /** Folds the activation into the dense/convolution right before it (exact), else adds an activation layer. */
  private applyActivation(node: OnnxNode, x: Flow, activation: string, alpha: number | undefined, output: string, mayFold: boolean): void {
    const producer = x.producer;
    const foldable =
      mayFold &&
      producer !== undefined &&
      FOLDABLE_INTO.has(producer.type) &&
      (producer.activation ?? 'linear') === 'linear' &&
      alpha === undefined &&
      this.layers[this.layers.length - 1] === producer;
    if (foldable) {
      producer.activation = activation;
      return this.setFlow(output, { shape: x.shape, perm: x.perm, producer, rowOrder: x.rowOrder });
    }
    const layer = this.emit(node, 'activation', { activation, ...(alpha !== undefined ? { alpha } : {}) });
    this.setFlow(output, { shape: x.shape, perm: x.perm, producer: layer, rowOrder: x.rowOrder });
  }

  /**
   * PyTorch before opset 20 writes nn.GELU() as x * (1 + erf(x / sqrt 2)) / 2:
   * Div(x, 1.414) -> Erf -> Add 1 -> Mul x -> Mul 0.5. The five nodes are one exact `gelu`.
   */
  private gelu(div: OnnxNode, x: Flow): boolean {
    const near = (value: number | undefined, target: number) => value !== undefined && Math.abs(value - target) < 1e-5;
    const only = (tensor: string, op: string) => {
      const readers = this.readers.get(tensor) ?? [];
      return readers.length === 1 && readers[0].opType === op ? readers[0] : undefined;
    };
    const scalar = (node: OnnxNode, other: string) => {
      const index = node.input[0] === other ? 1 : 0;
      const c = this.constIn(node, index);
      return c && c.values.length === 1 ? c.values[0] : undefined;
    };
    if (div.input[0] !== x.tensor || !near(this.constIn(div, 1)?.values[0], Math.SQRT2)) return false;
    const erf = only(div.output[0], 'Erf');
    const plusOne = erf && only(erf.output[0], 'Add');
    if (!erf || !plusOne || !near(scalar(plusOne, erf.output[0]), 1)) return false;
    const timesX = only(plusOne.output[0], 'Mul');
    if (!timesX || !timesX.input.includes(x.tensor)) return false;
    const half = only(timesX.output[0], 'Mul');
    if (!half || !near(scalar(half, timesX.output[0]), 0.5)) return false;
    for (const node of [erf, plusOne, timesX, half]) this.consumed.add(node);
    // x feeds both Div and Mul inside the pattern: that is not a branch of the model.
    const readers = this.readers.get(x.tensor)?.filter((n) => n !== div && n !== timesX && n.opType !== 'Shape') ?? [];
    this.applyActivation(half, x, 'gelu', undefined, half.output[0], readers.length === 0);
    return true;
  }

  private opset(): number {
    return this.onnxModel.opset;
  }
}

/**
 * The initializers a layer reports are its exported weights' own statistics (the smoke run loads the weights
 * themselves), so checks that reason from initializer variance or constant weights judge the real model.
 */
function describeInitialWeights(layer: LayerSpec, weights: KerasWeights['tensors']): void {
  const find = (suffix: RegExp) => weights.find((w) => suffix.test(w.name))?.values;
  const kernel = find(/\/(kernel|depthwise_kernel|embeddings)$/);
  const recurrent = find(/\/recurrent_kernel$/);
  const bias = find(/\/bias$/);
  if (kernel) layer.kernel_initializer = weightStatistics(kernel);
  if (recurrent) layer.recurrent_initializer = weightStatistics(recurrent);
  if (bias && layer.bias_initializer) layer.bias_initializer = weightStatistics(bias);
}

function weightStatistics(values: Float32Array): InitializerSpec {
  if (values.every((v) => v === values[0])) return values[0] === 0 ? { name: 'zeros' } : { name: 'constant', value: values[0] };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  // Four digits are all the checks use, and keep a base-vs-head comparison of the same weights quiet.
  return { name: 'from_onnx', mean: Number(mean.toPrecision(4)), stddev: Number(Math.sqrt(squares / values.length).toPrecision(4)) };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function outputSize(spatial: number[], kernel: number[], strides: number[], padding: 'valid' | 'same', ceil = false): number[] {
  return spatial.map((size, i) => {
    if (padding === 'same') return Math.ceil(size / strides[i]);
    const steps = (size - kernel[i]) / strides[i];
    return (ceil ? Math.ceil(steps) : Math.floor(steps)) + 1;
  });
}

/** Keras flat index -> PyTorch flat index, when a Flatten sees a tensor whose Keras axes are not in logical order. */
function flattenOrder(x: Flow): Int32Array | undefined {
  const axes = x.perm.slice(1).filter((a) => x.shape[a] !== 1);
  if (axes.every((a, i) => i === 0 || a > axes[i - 1])) return undefined;
  const logical = x.shape.slice(1);
  const strides = logical.map((_, i) => logical.slice(i + 1).reduce((a, b) => a * b, 1));
  const kerasDims = axes.map((a) => x.shape[a]);
  const total = kerasDims.reduce((a, b) => a * b, 1);
  const order = new Int32Array(total);
  const index = Array(axes.length).fill(0);
  for (let k = 0; k < total; k++) {
    order[k] = axes.reduce((sum, a, j) => sum + index[j] * strides[a - 1], 0);
    for (let j = axes.length - 1; j >= 0; j--) {
      if (++index[j] < kerasDims[j]) break;
      index[j] = 0;
    }
  }
  return order;
}

/** ONNX [1, gates*H, in] -> Keras [in, gates*H] with the gate blocks in Keras order. */
function gateMatrix(values: ArrayLike<number>, order: number[], units: number, inputs: number): Float32Array {
  const gates = order.length;
  const out = new Float32Array(inputs * gates * units);
  for (let g = 0; g < gates; g++) {
    for (let h = 0; h < units; h++) {
      const row = (order[g] * units + h) * inputs;
      for (let i = 0; i < inputs; i++) out[i * gates * units + g * units + h] = values[row + i];
    }
  }
  return out;
}
