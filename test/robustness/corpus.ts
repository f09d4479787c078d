// Generates the hostile-input corpus: each case is a small repository (a config plus its files) that a
// pull request could hand nn-preflight, with the finding it must end in. Nothing here is a fixture on
// disk: every byte is generated, so the cases stay readable and a new one is a few lines.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { makeZip } from '../github/zip-writer.ts';
import { budgetCases } from './corpus-budget.ts';

export interface ExpectedFinding {
  id: string;
  /** the config line the finding must point at; `true` when any line will do */
  line?: number | true;
  /** text the message must contain, so the right problem is named, not just some problem */
  message?: RegExp;
}

export interface CorpusCase {
  name: string;
  /** the attack, in one line */
  about: string;
  /** files relative to the case folder (the repository root) */
  files: Record<string, string | Buffer>;
  /** things writeFileSync cannot make: symlinks, FIFOs */
  setup?: (caseDir: string) => void;
  /** the config to check, relative to the case folder */
  config: string;
  expect: ExpectedFinding[];
  /** ids that must not appear (e.g. no config-error for a valid but odd config) */
  forbid?: string[];
  /** run the smoke stage too (only where the smoke stage is the point) */
  smoke?: boolean;
}

export const CONFIG = 'model.preflight.yml';

/** A sound binary-classification config; line numbers below refer to this text. */
export function baseConfig(parts: { train?: string; layers?: string[]; head?: string[]; tail?: string[]; model?: string[] } = {}): string {
  const layers = parts.layers ?? ['    - {type: dense, units: 8, activation: relu}', '    - {type: dense, units: 1, activation: sigmoid}'];
  return [
    ...(parts.head ?? ['version: 1', 'name: corpus']),
    'data:',
    `  train: ${parts.train ?? 'data/train.csv'}`,
    '  targets: [y]',
    'preprocessing:',
    '  inputs: standardize',
    'model:',
    ...(parts.model ?? ['  layers:', ...layers]),
    'training:',
    '  loss: binary_crossentropy',
    '  optimizer: adam',
    '  learning_rate: 0.001',
    '  batch_size: 8',
    ...(parts.tail ?? []),
    '',
  ].join('\n');
}
/** line of `  train:` in baseConfig with the default head */
export const TRAIN_LINE = 4;
/** line of `model:` */
export const MODEL_LINE = 8;

function goodCsv(rows = 64): string {
  const lines = ['x1,x2,y'];
  for (let i = 0; i < rows; i++) {
    const x1 = ((i * 37) % 17) / 4 - 2;
    const x2 = ((i * 11) % 13) / 3 - 2;
    lines.push(`${x1},${x2},${x1 + x2 > 0 ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
}

function parquetFile(codec: 'SNAPPY' | 'LZ4_RAW'): Buffer {
  const rows = goodCsv()
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number));
  return Buffer.from(
    parquetWriteBuffer({
      columnData: ['x1', 'x2', 'y'].map((name, c) => ({ name, data: rows.map((r) => r[c]), type: 'DOUBLE' as const })),
      codec,
      // the writer needs a compressor for any codec but SNAPPY; storing the bytes as they are is enough to make the file
      ...(codec === 'LZ4_RAW' ? { compressors: { LZ4_RAW: (input: Uint8Array) => input } } : {}),
    }),
  );
}

/** Flipping one bit of the first page header gives hyparquet 1.33.0 a page it decodes without end. */
function loopingParquet(): Buffer {
  const bytes = Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'x1', data: [1.5, 2, 3], type: 'DOUBLE' },
        { name: 'y', data: ['x', 'y', 'z'], type: 'STRING' },
      ],
      codec: 'SNAPPY',
    }),
  );
  bytes[12] ^= 0x80;
  return bytes;
}

/** A NumPy .npy file with the given header text (or a proper one built from descr/shape). */
export function npy(descr: string, shape: number[], data: Buffer, headerText?: string): Buffer {
  const dict = headerText ?? `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  const padded = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const preamble = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(preamble, 0);
  preamble[6] = 1;
  preamble[7] = 0;
  preamble.writeUInt16LE(padded.length, 8);
  return Buffer.concat([preamble, Buffer.from(padded, 'latin1'), data]);
}

function float32s(values: number[]): Buffer {
  return Buffer.from(new Float32Array(values).buffer);
}

function pngImage(width: number, height: number, seed: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 31 + seed * 7) % 256;
  return PNG.sync.write(png);
}

function jpegImage(width: number, height: number, seed: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 13 + seed * 5) % 256;
  return jpeg.encode({ data, width, height }, 90).data;
}

/** A PNG whose IHDR claims the given size, with a valid CRC, and no real pixel data. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), body])), 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.alloc(0)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Bytes from a fixed linear congruential sequence: garbage that is the same on every run. */
function garbage(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

/**
 * An .npz whose x holds `rows` x `cols` float32 zeros and y `rows` zeros, built from one compressed
 * megabyte repeated (each block flushed, so copies chain into a valid stream): a tiny file that inflates
 * to hundreds of megabytes, without ever holding them in memory here.
 */
export function npzOfZeros(rows: number, cols: number): Buffer {
  const MB = 1024 * 1024;
  const zero = Buffer.alloc(MB);
  const zeroBlock = deflateRawSync(zero, { finishFlush: constants.Z_FULL_FLUSH });
  const member = (header: Buffer, dataBytes: number) => {
    const fullBlocks = Math.floor(dataBytes / MB);
    const rest = zero.subarray(0, dataBytes - fullBlocks * MB);
    const parts = [deflateRawSync(header, { finishFlush: constants.Z_FULL_FLUSH }), ...Array<Buffer>(fullBlocks).fill(zeroBlock), deflateRawSync(rest)];
    let crc = crc32(header);
    for (let i = 0; i < fullBlocks; i++) crc = crc32(zero, crc);
    crc = crc32(rest, crc);
    return { data: Buffer.concat(parts), crc, size: header.length + dataBytes };
  };
  const entries = [
    { name: 'x.npy', ...member(npy('<f4', [rows, cols], Buffer.alloc(0)), rows * cols * 4) },
    { name: 'y.npy', ...member(npy('<f4', [rows], Buffer.alloc(0)), rows * 4) },
  ];
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(entry.crc >>> 0, 16);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.data);
    centrals.push(central, name);
    offset += 30 + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export function imageConfig(folder: string): string {
  return baseConfig({
    train: folder,
    layers: ['    - {type: flatten}', '    - {type: dense, units: 2, activation: softmax}'],
  })
    .replace('  targets: [y]\n', '')
    .replace('binary_crossentropy', 'sparse_categorical_crossentropy');
}

export function kerasSequential(layers: unknown[]): string {
  return JSON.stringify({ class_name: 'Sequential', config: { name: 'sequential', layers }, keras_version: '2.15.0', backend: 'tensorflow' });
}

export function kerasDense(name: string, units: number, activation: string, inputDim?: number): unknown {
  return { class_name: 'Dense', config: { name, units, activation, use_bias: true, ...(inputDim ? { batch_input_shape: [null, inputDim] } : {}) } };
}

/** A zip (a `.keras` archive) whose central directory declares `declared` bytes for `entry`. */
function kerasArchiveDeclaring(entry: string, declared: number, files: Record<string, string | Buffer>): Buffer {
  const archive = makeZip(files);
  let at = archive.readUInt32LE(archive.length - 22 + 16);
  while (archive.toString('utf8', at + 46, at + 46 + archive.readUInt16LE(at + 28)) !== entry) {
    at += 46 + archive.readUInt16LE(at + 28) + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
  }
  archive.writeUInt32LE(declared, at + 24);
  return archive;
}

/** The arrays config: x and y as a pair of .npy files. */
function arraysConfig(x: string, y: string): string {
  return baseConfig({ train: `{x: ${x}, y: ${y}}` }).replace('  targets: [y]\n', '');
}

export function corpusCases(): CorpusCase[] {
  const csv = { 'data/train.csv': goodCsv() };
  const cases: CorpusCase[] = [
    // --- YAML that is not YAML, or YAML built to hurt the parser ---
    {
      name: 'yaml-unclosed-flow',
      about: 'a flow mapping that never closes',
      files: { ...csv, [CONFIG]: baseConfig().replace('    - {type: dense, units: 8, activation: relu}', '    - {type: dense, units: 8, activation: relu') },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true, message: /YAML/ }],
    },
    {
      name: 'yaml-tab-indentation',
      about: 'tabs where YAML allows only spaces',
      files: { ...csv, [CONFIG]: baseConfig().replace('  loss: binary_crossentropy', '\tloss: binary_crossentropy') },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true }],
    },
    {
      name: 'yaml-alias-bomb',
      about: 'billion laughs: nine levels of aliases, each nine times the last',
      files: {
        ...csv,
        [CONFIG]: [
          'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
          ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
          baseConfig(),
        ].join('\n'),
      },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true, message: /alias/i }],
    },
    {
      name: 'yaml-flow-nesting-10000',
      about: '10,000 nested flow sequences',
      files: { ...csv, [CONFIG]: baseConfig({ tail: [`x-deep: ${'['.repeat(10_000)}${']'.repeat(10_000)}`] }) },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true, message: /nest/i }],
    },
    {
      name: 'yaml-flow-nesting-unclosed',
      about: '10,000 opening brackets that never close',
      files: { ...csv, [CONFIG]: `version: 1\nx: ${'{a: '.repeat(10_000)}\n` },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true }],
    },
    {
      name: 'yaml-block-nesting-10000',
      about: '10,000 nested block sequences on one line (`- - - - ...`)',
      files: { ...csv, [CONFIG]: baseConfig({ tail: [`x-deep:\n  ${'- '.repeat(10_000)}x`] }) },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true, message: /nest/i }],
    },
    {
      name: 'yaml-block-mapping-nesting-500',
      about: '500 levels of indented block mappings',
      files: {
        ...csv,
        [CONFIG]: baseConfig({ tail: ['x-deep:', ...Array.from({ length: 500 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`), `${'  '.repeat(501)}v`] }),
      },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true, message: /nest/i }],
    },
    {
      name: 'yaml-many-documents',
      about: 'several YAML documents in one file',
      files: { ...csv, [CONFIG]: `${baseConfig()}---\n${baseConfig()}` },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true }],
    },
    {
      name: 'yaml-duplicate-keys',
      about: 'the same key twice (the second would silently win elsewhere)',
      files: { ...csv, [CONFIG]: baseConfig({ tail: ['  learning_rate: 10'] }) },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true }],
    },
    {
      name: 'yaml-custom-tags',
      about: 'language-specific tags that other YAML loaders execute',
      files: {
        ...csv,
        [CONFIG]: baseConfig({ head: ['version: 1', 'name: !!python/object/apply:os.system ["touch pwned"]'], tail: ['x-js: !!js/function "function(){}"'] }),
      },
      config: CONFIG,
      expect: [{ id: 'config-error', line: 2, message: /name/ }],
    },
    {
      name: 'config-binary-garbage',
      about: '4 KB of random bytes named .preflight.yml',
      files: { ...csv, [CONFIG]: garbage(4096, 7) },
      config: CONFIG,
      expect: [{ id: 'config-error' }],
    },
    {
      name: 'config-nul-bytes',
      about: 'a config with NUL bytes inside a value',
      files: { ...csv, [CONFIG]: baseConfig().replace('name: corpus', 'name: "cor\u0000pus"\u0000') },
      config: CONFIG,
      expect: [{ id: 'config-error' }],
    },
    {
      name: 'config-empty',
      about: 'an empty file',
      files: { ...csv, [CONFIG]: '' },
      config: CONFIG,
      expect: [{ id: 'config-error', line: 1 }],
    },
    {
      name: 'config-top-level-list',
      about: 'a list where a mapping belongs',
      files: { ...csv, [CONFIG]: '- version: 1\n- data: x\n' },
      config: CONFIG,
      expect: [{ id: 'config-error', line: 1 }],
    },
    {
      name: 'config-too-large',
      about: 'a 2 MB config (an x- key holding a huge string)',
      files: { ...csv, [CONFIG]: baseConfig({ tail: [`x-blob: "${'A'.repeat(2 * 1024 * 1024)}"`] }) },
      config: CONFIG,
      expect: [{ id: 'config-error', message: /bytes/ }],
    },
    // --- valid YAML, wrong types and ranges ---
    {
      name: 'wrong-type-units',
      about: 'units given as text',
      files: {
        ...csv,
        [CONFIG]: baseConfig({ layers: ['    - {type: dense, units: many, activation: relu}', '    - {type: dense, units: 1, activation: sigmoid}'] }),
      },
      config: CONFIG,
      expect: [{ id: 'config-error', line: 10, message: /units/ }],
    },
    {
      name: 'negative-learning-rate',
      about: 'a learning rate below zero',
      files: { ...csv, [CONFIG]: baseConfig().replace('learning_rate: 0.001', 'learning_rate: -1') },
      config: CONFIG,
      expect: [{ id: 'config-error', line: 15, message: /learning_rate/ }],
    },
    {
      name: 'nan-learning-rate',
      about: 'YAML .nan as the learning rate',
      files: { ...csv, [CONFIG]: baseConfig().replace('learning_rate: 0.001', 'learning_rate: .nan') },
      config: CONFIG,
      expect: [{ id: 'config-error', line: 15 }],
    },
    {
      name: 'infinite-units',
      about: 'YAML .inf as a layer width',
      files: {
        ...csv,
        [CONFIG]: baseConfig({ layers: ['    - {type: dense, units: .inf, activation: relu}', '    - {type: dense, units: 1, activation: sigmoid}'] }),
      },
      config: CONFIG,
      expect: [{ id: 'config-error', line: 10 }],
    },
    {
      name: 'huge-batch-size-exponent',
      about: 'batch_size 1e308',
      files: { ...csv, [CONFIG]: baseConfig().replace('batch_size: 8', 'batch_size: 1e308') },
      config: CONFIG,
      expect: [{ id: 'config-error', line: 16 }],
    },
    {
      name: 'steps-trillion',
      about: 'a smoke run of a trillion steps',
      files: { ...csv, [CONFIG]: baseConfig({ tail: ['smoke:', '  steps: 1000000000000'] }) },
      config: CONFIG,
      expect: [{ id: 'config-error', line: 18 }],
    },
    {
      name: 'smoke-million-steps',
      about: 'the most smoke steps a config may ask for, on layers wide enough to be slow: the run is cut at its time budget, not left to run',
      files: {
        ...csv,
        [CONFIG]: baseConfig({
          layers: [
            '    - {type: dense, units: 512, activation: relu}',
            '    - {type: dense, units: 512, activation: relu}',
            '    - {type: dense, units: 1, activation: sigmoid}',
          ],
          tail: ['smoke:', '  steps: 100000'],
        }),
      },
      config: CONFIG,
      smoke: true,
      expect: [{ id: 'smoke-skipped', line: true, message: /cut|budget/ }],
    },
    {
      name: 'misspelt-key',
      about: 'learing_rate instead of learning_rate',
      files: { ...csv, [CONFIG]: baseConfig().replace('learning_rate: 0.001', 'learing_rate: 0.001') },
      config: CONFIG,
      expect: [{ id: 'config-error', line: 15, message: /learning_rate/ }],
    },
    {
      name: 'prototype-pollution-keys',
      about: '__proto__ and constructor keys in the config',
      files: { ...csv, [CONFIG]: baseConfig({ tail: ['__proto__: {polluted: true}', 'constructor: {prototype: {polluted: true}}'] }) },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true }],
    },
    // --- odd text encodings that are still a valid config ---
    {
      name: 'bom-crlf-unicode',
      about: 'UTF-8 BOM, CRLF line ends, Unicode in the name and in x- keys',
      files: {
        ...csv,
        [CONFIG]:
          '\uFEFF' + baseConfig({ head: ['version: 1', 'name: "モデル 🚀 ‮evil‬"'], tail: ['x-ключ: значение', 'x-\u200Bzero-width: 1'] }).replace(/\n/g, '\r\n'),
      },
      config: CONFIG,
      expect: [],
      forbid: ['config-error', 'data-error', 'internal-error'],
    },
    {
      name: 'unicode-lookalike-key',
      about: 'a key with a Cyrillic letter that looks like `loss`',
      files: { ...csv, [CONFIG]: baseConfig().replace('  loss: binary_crossentropy', '  lоss: binary_crossentropy') },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true }],
    },
    {
      name: 'zero-width-in-layer-type',
      about: 'a zero-width space inside a layer type',
      files: {
        ...csv,
        [CONFIG]: baseConfig({ layers: ['    - {type: "den\u200Bse", units: 8, activation: relu}', '    - {type: dense, units: 1, activation: sigmoid}'] }),
      },
      config: CONFIG,
      expect: [{ id: 'config-error', line: 10 }],
    },
    // --- models too large to build ---
    {
      name: 'billion-unit-dense',
      about: 'a dense layer with a billion units',
      files: {
        ...csv,
        [CONFIG]: baseConfig({ layers: ['    - {type: dense, units: 1000000000, activation: relu}', '    - {type: dense, units: 1, activation: sigmoid}'] }),
      },
      config: CONFIG,
      smoke: true,
      expect: [{ id: 'config-error', line: 10, message: /units/ }],
    },
    {
      name: 'parameters-over-limit',
      about: 'two 200,000-unit layers: each width allowed, 4e10 parameters in all',
      files: {
        ...csv,
        [CONFIG]: baseConfig({
          layers: [
            '    - {type: dense, units: 200000, activation: relu}',
            '    - {type: dense, units: 200000, activation: relu}',
            '    - {type: dense, units: 1, activation: sigmoid}',
          ],
        }),
      },
      config: CONFIG,
      smoke: true,
      expect: [{ id: 'config-error', line: 11, message: /parameters/ }, { id: 'smoke-skipped' }],
    },
    {
      name: 'training-memory-over-limit',
      about: 'a small convolution over a million-step input with a large batch',
      files: {
        'data/x.npy': npy('<f4', [4, 1_000_000, 1], Buffer.alloc(4 * 1_000_000 * 4)),
        'data/y.npy': npy('<f4', [4, 1], float32s([0, 1, 0, 1])),
        [CONFIG]: arraysConfig('data/x.npy', 'data/y.npy')
          .replace(
            '  layers:\n    - {type: dense, units: 8, activation: relu}',
            '  layers:\n    - {type: conv1d, filters: 128, kernel_size: 3, padding: same, activation: relu}\n    - {type: max_pooling1d, pool_size: 1000000}\n    - {type: flatten}',
          )
          .replace('batch_size: 8', 'batch_size: 4'),
      },
      config: CONFIG,
      smoke: true,
      expect: [{ id: 'config-error', line: 9, message: /needs about .* GiB.*limit is 2\.0 GiB/ }],
    },
    {
      name: 'ten-thousand-layers',
      about: '10,000 dense layers',
      files: { ...csv, [CONFIG]: baseConfig({ layers: Array.from({ length: 10_000 }, () => '    - {type: dense, units: 2, activation: relu}') }) },
      config: CONFIG,
      expect: [{ id: 'config-error', line: true, message: /layers|keys and items/ }],
    },
    {
      name: 'enormous-input-shape',
      about: 'an input shape of 1e6 x 1e6',
      files: {
        ...csv,
        [CONFIG]: baseConfig({
          model: ['  input_shape: [1000000, 1000000]', '  layers:', '    - {type: flatten}', '    - {type: dense, units: 1, activation: sigmoid}'],
        }),
      },
      config: CONFIG,
      smoke: true,
      expect: [{ id: 'config-error' }],
    },
    // --- Keras files: reported, never run ---
    {
      name: 'keras-lambda',
      about: 'a Keras Lambda layer holding marshalled Python code',
      files: {
        ...csv,
        'model.json': kerasSequential([
          kerasDense('dense', 8, 'relu', 2),
          {
            class_name: 'Lambda',
            config: {
              name: 'evil',
              function: ['4wEAAAAAAAAAAAAAAAEAAAADAAAAQwAAAHMEAAAAfABTACkBTqkAKQHaAXhyAgAAAHICAAAA', null, null],
              function_type: 'lambda',
              output_shape: null,
              arguments: {},
            },
          },
          kerasDense('out', 1, 'sigmoid'),
        ]),
        [CONFIG]: baseConfig({ model: ['  keras: model.json'] }),
      },
      config: CONFIG,
      smoke: true,
      expect: [{ id: 'smoke-skipped', message: /Lambda/ }],
    },
    {
      name: 'keras-custom-object',
      about: 'a layer class from a custom module',
      files: {
        ...csv,
        'model.json': JSON.stringify({
          module: 'keras',
          class_name: 'Sequential',
          config: {
            name: 's',
            layers: [
              { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 2], name: 'in' }, registered_name: null },
              { module: 'my_package.layers', class_name: 'Backdoor', config: { name: 'backdoor', command: 'rm -rf /' }, registered_name: 'Custom>Backdoor' },
              { module: 'keras.layers', class_name: 'Dense', config: { name: 'out', units: 1, activation: 'sigmoid' }, registered_name: null },
            ],
          },
          registered_name: null,
        }),
        [CONFIG]: baseConfig({ model: ['  keras: model.json'] }),
      },
      config: CONFIG,
      smoke: true,
      expect: [{ id: 'smoke-skipped', message: /Backdoor/ }],
    },
    {
      name: 'keras-billion-units',
      about: 'a Keras file with a billion-unit Dense layer',
      files: {
        ...csv,
        'model.json': kerasSequential([kerasDense('dense', 1_000_000_000, 'relu', 2), kerasDense('out', 1, 'sigmoid')]),
        [CONFIG]: baseConfig({ model: ['  keras: model.json'] }),
      },
      config: CONFIG,
      smoke: true,
      expect: [{ id: 'config-error', line: MODEL_LINE + 1, message: /units/ }],
    },
    {
      name: 'tfjs-weight-shard-escape',
      about: 'a TF.js weights manifest naming a shard outside the repository',
      files: {
        ...csv,
        'model.json': JSON.stringify({
          format: 'layers-model',
          modelTopology: JSON.parse(kerasSequential([kerasDense('out', 1, 'sigmoid', 2)])),
          weightsManifest: [
            {
              paths: ['../outside-secret.csv'],
              weights: [
                { name: 'out/kernel', shape: [2, 1], dtype: 'float32' },
                { name: 'out/bias', shape: [1], dtype: 'float32' },
              ],
            },
          ],
        }),
        [CONFIG]: baseConfig({ model: ['  keras: model.json'] }),
      },
      config: CONFIG,
      expect: [{ id: 'config-error', line: MODEL_LINE + 1, message: /leaves the repository/ }],
    },
    {
      name: 'tfjs-weight-shard-fifo',
      about: 'a TF.js weight shard that is a named pipe',
      files: {
        ...csv,
        'model.json': JSON.stringify({
          format: 'layers-model',
          modelTopology: JSON.parse(kerasSequential([kerasDense('out', 1, 'sigmoid', 2)])),
          weightsManifest: [
            {
              paths: ['shard.bin'],
              weights: [
                { name: 'out/kernel', shape: [2, 1], dtype: 'float32' },
                { name: 'out/bias', shape: [1], dtype: 'float32' },
              ],
            },
          ],
        }),
        [CONFIG]: baseConfig({ model: ['  keras: model.json'] }),
      },
      setup: (dir) => execFileSync('mkfifo', [path.join(dir, 'shard.bin')]),
      config: CONFIG,
      expect: [{ id: 'config-error', line: MODEL_LINE + 1, message: /regular file/ }],
    },
    {
      name: 'keras-not-json',
      about: 'a model file of binary garbage',
      files: { ...csv, 'model.json': garbage(2048, 3), [CONFIG]: baseConfig({ model: ['  keras: model.json'] }) },
      config: CONFIG,
      expect: [{ id: 'config-error', line: MODEL_LINE + 1, message: /JSON/ }],
    },
    {
      name: 'keras-path-escape',
      about: 'a Keras path that climbs out of the repository',
      files: { ...csv, [CONFIG]: baseConfig({ model: ['  keras: ../outside-model.json'] }) },
      config: CONFIG,
      expect: [{ id: 'config-error', line: MODEL_LINE + 1, message: /leaves the repository/ }],
    },
    {
      name: 'keras-archive-zip-bomb',
      about: 'a .keras archive whose config.json declares 200 bytes and inflates to 64 MB',
      files: {
        ...csv,
        'model.keras': kerasArchiveDeclaring('config.json', 200, { 'config.json': ' '.repeat(64 * 1024 * 1024) }),
        [CONFIG]: baseConfig({ model: ['  keras: model.keras'] }),
      },
      config: CONFIG,
      expect: [{ id: 'config-error', line: MODEL_LINE + 1, message: /larger than declared/ }],
    },
    {
      name: 'keras-archive-huge-weights',
      about: 'a .keras archive whose model.weights.h5 declares 4 GiB',
      files: {
        ...csv,
        'model.keras': kerasArchiveDeclaring('model.weights.h5', 0xfffffffe, {
          'config.json': kerasSequential([kerasDense('out', 1, 'sigmoid', 2)]),
          'model.weights.h5': garbage(64, 5),
        }),
        [CONFIG]: baseConfig({ model: ['  keras: model.keras'] }),
      },
      config: CONFIG,
      expect: [{ id: 'config-error', line: MODEL_LINE + 1, message: /the limit is/ }],
    },
    {
      name: 'keras-archive-h5-garbage',
      about: 'a .keras archive whose model.weights.h5 is random bytes',
      files: {
        ...csv,
        'model.keras': makeZip({ 'config.json': kerasSequential([kerasDense('out', 1, 'sigmoid', 2)]), 'model.weights.h5': garbage(4096, 6) }),
        [CONFIG]: baseConfig({ model: ['  keras: model.keras'] }),
      },
      config: CONFIG,
      expect: [{ id: 'config-error', line: MODEL_LINE + 1, message: /HDF5/ }],
    },
    // --- Parquet ---
    {
      name: 'parquet-decoder-loop',
      about: 'a Parquet page header that makes the decoder (hyparquet 1.33.0) loop without end',
      files: { 'data/train.parquet': loopingParquet(), [CONFIG]: baseConfig({ train: 'data/train.parquet' }) },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /did not finish within|cannot be decoded/ }],
    },
    {
      name: 'parquet-unknown-codec',
      about: 'Parquet pages compressed with a codec nn-preflight does not decode',
      files: { 'data/train.parquet': parquetFile('LZ4_RAW'), [CONFIG]: baseConfig({ train: 'data/train.parquet' }) },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /compressed with LZ4_RAW/ }],
    },
    {
      name: 'parquet-good',
      about: 'a sound snappy Parquet file reads like the same CSV',
      files: { 'data/train.parquet': parquetFile('SNAPPY'), [CONFIG]: baseConfig({ train: 'data/train.parquet' }) },
      config: CONFIG,
      expect: [],
      forbid: ['config-error', 'data-error', 'internal-error'],
    },
    // --- paths that leave the repository or are not files ---
    {
      name: 'data-absolute-path',
      about: 'an absolute path to a system file',
      files: { [CONFIG]: baseConfig({ train: '/etc/passwd' }) },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /absolute/ }],
    },
    {
      name: 'data-dotdot-escape',
      about: 'a `..` path to a file beside the repository',
      files: { [CONFIG]: baseConfig({ train: '../outside-secret.csv' }) },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /leaves the repository/ }],
    },
    {
      name: 'data-symlink-out',
      about: 'a symlink inside the repository pointing outside it',
      files: { [CONFIG]: baseConfig() },
      setup: (dir) => {
        mkdirSync(path.join(dir, 'data'), { recursive: true });
        symlinkSync(path.resolve(dir, '../outside-secret.csv'), path.join(dir, 'data/train.csv'));
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /symbolic link/ }],
    },
    {
      name: 'config-symlink-out',
      about: 'the config itself is a symlink to a file outside the repository',
      files: { ...csv },
      setup: (dir) => symlinkSync(path.resolve(dir, '../outside-secret.yml'), path.join(dir, CONFIG)),
      config: CONFIG,
      expect: [{ id: 'config-error', message: /leaves the repository|symbolic link/ }],
    },
    {
      name: 'data-dev-zero',
      about: 'a symlink to /dev/zero, which never ends',
      files: { [CONFIG]: baseConfig() },
      setup: (dir) => {
        mkdirSync(path.join(dir, 'data'), { recursive: true });
        symlinkSync('/dev/zero', path.join(dir, 'data/train.csv'));
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    {
      name: 'data-fifo',
      about: 'a named pipe as the data file (opening it would block forever)',
      files: { [CONFIG]: baseConfig() },
      setup: (dir) => {
        mkdirSync(path.join(dir, 'data'), { recursive: true });
        execFileSync('mkfifo', [path.join(dir, 'data/train.csv')]);
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /pipe|not a regular file/ }],
    },
    {
      name: 'data-nul-in-path',
      about: 'a NUL byte in the data path',
      files: { ...csv, [CONFIG]: baseConfig({ train: '"data/train.csv\\0.txt"' }) },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    {
      name: 'image-folder-symlink-and-fifo',
      about: 'an image folder whose class holds a symlink out of the repository and a FIFO',
      files: { 'images/cat/a.png': pngImage(4, 4, 1), 'images/dog/b.png': pngImage(4, 4, 2), [CONFIG]: imageConfig('images') },
      setup: (dir) => {
        symlinkSync(path.resolve(dir, '../outside-secret.csv'), path.join(dir, 'images/cat/c.png'));
        execFileSync('mkfifo', [path.join(dir, 'images/dog/d.png')]);
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    // --- CSV ---
    {
      name: 'csv-ragged',
      about: 'rows with too few and too many cells',
      files: { 'data/train.csv': 'x1,x2,y\n1,2,0\n3,1\n4,5,1,9,9\n', [CONFIG]: baseConfig() },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /line 3|line 4/ }],
    },
    {
      name: 'csv-empty',
      about: 'a zero-byte CSV',
      files: { 'data/train.csv': '', [CONFIG]: baseConfig() },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    {
      name: 'csv-header-only',
      about: 'a header and no rows',
      files: { 'data/train.csv': 'x1,x2,y\n', [CONFIG]: baseConfig() },
      config: CONFIG,
      smoke: true,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /no (data )?rows|header/ }],
    },
    {
      name: 'csv-binary-garbage',
      about: '64 KB of random bytes named .csv',
      files: { 'data/train.csv': garbage(65536, 11), [CONFIG]: baseConfig() },
      config: CONFIG,
      expect: [{ id: 'data-error', line: true }],
    },
    {
      name: 'csv-unterminated-quote',
      about: 'a quoted cell that never closes',
      files: { 'data/train.csv': 'x1,x2,y\n1,2,0\n"3,4,1\n5,6,0\n', [CONFIG]: baseConfig() },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /quote/i }],
    },
    {
      name: 'csv-20000-columns',
      about: 'a header of 20,000 columns',
      files: { 'data/train.csv': `${Array.from({ length: 20_000 }, (_, i) => `c${i}`).join(',')},y\n${'1,'.repeat(20_000)}0\n`, [CONFIG]: baseConfig() },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /10000 (fields|columns)/ }],
    },
    {
      name: 'csv-one-huge-line',
      about: 'a single 8 MB line with no newline',
      files: { 'data/train.csv': 'x1,x2,y\n' + '9'.repeat(8 * 1024 * 1024), [CONFIG]: baseConfig() },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    {
      name: 'csv-missing-target-column',
      about: 'the configured target is not a column',
      files: { 'data/train.csv': 'a,b,c\n1,2,3\n4,5,6\n', [CONFIG]: baseConfig() },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE + 1, message: /"y"/ }],
    },
    {
      name: 'csv-odd-unicode-cells',
      about: 'BOM, CRLF, non-breaking spaces, full-width digits and RTL marks in cells',
      files: { 'data/train.csv': '\uFEFFx1,x2,y\r\n1,2,0\r\n\u00a03\u00a0,４,1\r\n\u200f5,6,0\r\n7,8,1\r\n', [CONFIG]: baseConfig() },
      config: CONFIG,
      expect: [],
      forbid: ['config-error', 'internal-error'],
    },
    // --- NumPy arrays ---
    {
      name: 'npy-bad-magic',
      about: 'an .npy file without the NumPy magic',
      files: { 'data/x.npy': garbage(256, 5), 'data/y.npy': npy('<f4', [2], float32s([0, 1])), [CONFIG]: arraysConfig('data/x.npy', 'data/y.npy') },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /x\.npy/ }],
    },
    {
      name: 'npy-shape-larger-than-file',
      about: 'a header that claims 10^11 rows over 8 bytes of data',
      files: {
        'data/x.npy': npy('<f4', [100_000_000_000, 2], float32s([1, 2])),
        'data/y.npy': npy('<f4', [2], float32s([0, 1])),
        [CONFIG]: arraysConfig('data/x.npy', 'data/y.npy'),
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    {
      name: 'npy-object-dtype',
      about: 'a pickled object array (loading it would run pickle)',
      files: {
        'data/x.npy': npy('|O', [2, 2], Buffer.from('\x80\x04\x95cos\nsystem\n', 'latin1')),
        'data/y.npy': npy('<f4', [2], float32s([0, 1])),
        [CONFIG]: arraysConfig('data/x.npy', 'data/y.npy'),
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /dtype|object|pickle|type/i }],
    },
    {
      name: 'npy-malformed-header',
      about: 'a header that is not a Python dict literal',
      files: {
        'data/x.npy': npy('', [], float32s([1, 2, 3, 4]), "__import__('os').system('id')"),
        'data/y.npy': npy('<f4', [2], float32s([0, 1])),
        [CONFIG]: arraysConfig('data/x.npy', 'data/y.npy'),
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    {
      name: 'npy-negative-and-zero-dims',
      about: 'shape (-1, 0)',
      files: {
        'data/x.npy': npy('<f4', [-1, 0], Buffer.alloc(0)),
        'data/y.npy': npy('<f4', [2], float32s([0, 1])),
        [CONFIG]: arraysConfig('data/x.npy', 'data/y.npy'),
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    {
      name: 'npy-row-count-mismatch',
      about: 'x with 4 rows, y with 3',
      files: {
        'data/x.npy': npy('<f4', [4, 2], float32s([1, 2, 3, 4, 5, 6, 7, 8])),
        'data/y.npy': npy('<f4', [3], float32s([0, 1, 0])),
        [CONFIG]: arraysConfig('data/x.npy', 'data/y.npy'),
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /4|3/ }],
    },
    {
      name: 'npy-header-length-overflow',
      about: 'a header length field pointing past the end of the file',
      files: {
        'data/x.npy': Buffer.concat([Buffer.from('\x93NUMPY\x01\x00\xff\xff', 'latin1'), Buffer.from("{'descr': '<f4'")]),
        'data/y.npy': npy('<f4', [2], float32s([0, 1])),
        [CONFIG]: arraysConfig('data/x.npy', 'data/y.npy'),
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    {
      name: 'npz-truncated',
      about: 'an .npz cut in half',
      files: {
        'data/train.npz': makeZip({
          'x.npy': npy('<f4', [4, 2], float32s([1, 2, 3, 4, 5, 6, 7, 8])),
          'y.npy': npy('<f4', [4], float32s([0, 1, 0, 1])),
        }).subarray(0, 90),
        [CONFIG]: baseConfig({ train: 'data/train.npz' }).replace('  targets: [y]\n', ''),
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    {
      name: 'npz-missing-y',
      about: 'an .npz holding only x',
      files: {
        'data/train.npz': makeZip({ 'x.npy': npy('<f4', [4, 2], float32s([1, 2, 3, 4, 5, 6, 7, 8])) }),
        [CONFIG]: baseConfig({ train: 'data/train.npz' }).replace('  targets: [y]\n', ''),
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /\by\b/ }],
    },
    {
      name: 'npz-decompression-bomb',
      about: 'a 300 KB .npz that inflates to 320 MB: streamed, never held in memory',
      files: { 'data/train.npz': npzOfZeros(8_000_000, 10), [CONFIG]: baseConfig({ train: 'data/train.npz' }).replace('  targets: [y]\n', '') },
      config: CONFIG,
      expect: [{ id: 'constant-feature', message: /8000000|8,000,000/ }],
      forbid: ['data-error'],
    },
    {
      name: 'npz-garbage',
      about: 'random bytes named .npz',
      files: { 'data/train.npz': garbage(4096, 9), [CONFIG]: baseConfig({ train: 'data/train.npz' }).replace('  targets: [y]\n', '') },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    // --- images ---
    {
      name: 'png-truncated',
      about: 'a PNG cut after its header',
      files: { 'images/cat/a.png': pngImage(8, 8, 1).subarray(0, 40), 'images/dog/b.png': pngImage(8, 8, 2), [CONFIG]: imageConfig('images') },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /a\.png/ }],
    },
    {
      name: 'jpeg-truncated',
      about: 'a JPEG cut in the middle of its scan',
      files: { 'images/cat/a.jpg': jpegImage(16, 16, 1).subarray(0, 200), 'images/dog/b.jpg': jpegImage(16, 16, 2), [CONFIG]: imageConfig('images') },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /a\.jpg/ }],
    },
    {
      name: 'png-enormous-dimensions',
      about: 'a PNG header claiming 100,000 x 100,000 pixels',
      files: { 'images/cat/a.png': pngClaiming(100_000, 100_000), 'images/dog/b.png': pngImage(8, 8, 2), [CONFIG]: imageConfig('images') },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /pixels/ }],
    },
    {
      name: 'image-text-file',
      about: 'a text file named .png',
      files: { 'images/cat/a.png': 'not an image\n', 'images/dog/b.png': pngImage(8, 8, 2), [CONFIG]: imageConfig('images') },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /a\.png/ }],
    },
    {
      name: 'images-mixed-sizes',
      about: 'images of different sizes in one folder',
      files: { 'images/cat/a.png': pngImage(8, 8, 1), 'images/dog/b.png': pngImage(9, 7, 2), [CONFIG]: imageConfig('images') },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    // --- JSON records ---
    {
      name: 'jsonl-broken-line',
      about: 'a JSON Lines file with one broken record',
      files: {
        'data/train.jsonl': '{"x1": 1, "x2": 2, "y": 0}\n{"x1": 3, "x2":\n{"x1": 5, "x2": 6, "y": 1}\n',
        [CONFIG]: baseConfig({ train: 'data/train.jsonl' }),
      },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /line 2/ }],
    },
    {
      name: 'json-deep-nesting',
      about: 'a JSON array nested 100,000 deep',
      files: { 'data/train.json': '['.repeat(100_000) + ']'.repeat(100_000), [CONFIG]: baseConfig({ train: 'data/train.json' }) },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE }],
    },
    {
      name: 'data-unknown-extension',
      about: 'a data file of an unknown kind',
      files: { 'data/train.pkl': Buffer.from('\x80\x04\x95', 'latin1'), [CONFIG]: baseConfig({ train: 'data/train.pkl' }) },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /extension/ }],
    },
  ];
  return [...cases, ...budgetCases()];
}

/** Text only the files outside the repository hold: it must never appear in a report. */
export const OUTSIDE_MARKER = 'OUTSIDE_SECRET_7f3a';

/** Files beside every case folder: what the escape attempts try to reach. */
export const OUTSIDE_FILES: Record<string, string> = {
  'outside-secret.csv': `x1,${OUTSIDE_MARKER},y\n42,42,1\n`,
  'outside-secret.yml': `version: ${OUTSIDE_MARKER}\n${OUTSIDE_MARKER}_token: ghp_${OUTSIDE_MARKER}\n`,
  'outside-model.json': kerasSequential([kerasDense('dense', 1, 'sigmoid', 2)]),
};

/** Writes every case into `<dir>/<case name>/`; returns the cases. */
export function writeCorpus(dir: string, cases: CorpusCase[] = corpusCases()): CorpusCase[] {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(OUTSIDE_FILES)) writeFileSync(path.join(dir, name), content);
  for (const corpusCase of cases) {
    const caseDir = path.join(dir, corpusCase.name);
    for (const [relative, content] of Object.entries(corpusCase.files)) {
      mkdirSync(path.dirname(path.join(caseDir, relative)), { recursive: true });
      writeFileSync(path.join(caseDir, relative), content);
    }
    corpusCase.setup?.(caseDir);
  }
  return cases;
}
