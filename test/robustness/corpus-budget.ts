// Hostile cases of issue 15's medium items: inputs that are small in the pull request but costly to
// read (YAML aliases reusing one long string, copies of one PNG, JPEGs of thousands of scans, an .npz
// that inflates to 4 GB named twice, images too large for a smoke sample) and TF.js weight shapes
// that would allocate before being checked. Each must end in its finding within the corpus bounds.
import { linkSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { baseConfig, CONFIG, type CorpusCase, imageConfig, kerasDense, kerasSequential, MODEL_LINE, npzOfZeros, TRAIN_LINE } from './corpus.ts';
import { blackPng, manyScanJpeg } from './hostile-files.ts';

/** `copies` hard links to `first` inside `images/a` and `images/b`: git stores identical files once too. */
function linkCopies(caseDir: string, first: string, copies: number, extension: string): void {
  mkdirSync(path.join(caseDir, 'images/b'), { recursive: true });
  for (let i = 1; i < copies; i++)
    linkSync(path.join(caseDir, first), path.join(caseDir, 'images', i % 2 ? 'b' : 'a', `${String(i).padStart(3, '0')}.${extension}`));
}

function tfjsModel(shape: unknown): string {
  return JSON.stringify({
    format: 'layers-model',
    modelTopology: JSON.parse(kerasSequential([kerasDense('out', 1, 'sigmoid', 2)])),
    weightsManifest: [
      {
        paths: ['shard.bin'],
        weights: [
          { name: 'out/kernel', shape, dtype: 'float32' },
          { name: 'out/bias', shape: [1], dtype: 'float32' },
        ],
      },
    ],
  });
}

export function budgetCases(): CorpusCase[] {
  const csv = 'x1,x2,y\n' + Array.from({ length: 64 }, (_, i) => `${i % 7},${i % 5},${i % 2}`).join('\n') + '\n';
  const shard = Buffer.from(new Float32Array([0.5, -0.5, 0]).buffer);
  const npz4GB = npzOfZeros(25_000_000, 40);
  return [
    {
      name: 'yaml-alias-amplification',
      about: 'one 900 KB string reused by 99 aliases as a layer type (89 MB expanded, within the alias count)',
      files: {
        'data/train.csv': csv,
        [CONFIG]: baseConfig({
          head: ['version: 1', 'name: corpus', `x-type: &t ${'x'.repeat(900_000)}`],
          layers: [...Array.from({ length: 99 }, () => '    - {type: *t, units: 4}'), '    - {type: dense, units: 1, activation: sigmoid}'],
        }),
      },
      config: CONFIG,
      // the anchor and 2 aliases pass 2 MiB: the second layer's line (the head has one line more)
      expect: [{ id: 'config-error', line: MODEL_LINE + 4, message: /aliases expand it to more than 2097152 characters/ }],
    },
    {
      name: 'png-copies-pixel-budget',
      about: '300 copies of one 16 KB PNG of 4096 x 4096 gray pixels',
      files: { 'images/a/000.png': blackPng(4096, 4096, 0), [CONFIG]: imageConfig('images') },
      setup: (dir) => linkCopies(dir, 'images/a/000.png', 300, 'png'),
      config: CONFIG,
      // the pixel budget ends it at the 12th image; on a busy machine the 30 s budget may come first
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /one config may decode at most 200,000,000|took more than 30s, the limit for one config/ }],
    },
    {
      name: 'jpeg-40000-scans',
      about: 'two JPEGs of 40,000 scans each, every scan a pass of the decoder over the image',
      files: { 'images/a/0.jpg': manyScanJpeg(8, 8, 40_000), 'images/b/0.jpg': manyScanJpeg(8, 8, 40_000), [CONFIG]: imageConfig('images') },
      config: CONFIG,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /a JPEG of 40000 scans; nn-preflight decodes at most 100/ }],
    },
    {
      name: 'npz-4gb-train-and-validation',
      about: 'a 4 MB .npz that inflates to 4 GB, named as both train and validation',
      files: {
        'data/train.npz': npz4GB,
        [CONFIG]: baseConfig({ train: 'data/train.npz' }).replace('  targets: [y]\n', '  validation: data/train.npz\n'),
      },
      config: CONFIG,
      expect: [
        { id: 'data-error', line: TRAIN_LINE, message: /one config's data may come to at most 2048 MiB/ },
        { id: 'data-error', line: TRAIN_LINE + 1, message: /one config's data may come to at most 2048 MiB/ },
      ],
    },
    {
      name: 'png-16bit-rgba-too-large-for-a-sample',
      about: 'two 130 KB 16-bit RGBA PNGs of 4096 x 4096: 256 MiB each as float32 input',
      files: { 'images/a/0.png': blackPng(4096, 4096, 6, 16), 'images/b/0.png': blackPng(4096, 4096, 6, 16), [CONFIG]: imageConfig('images') },
      config: CONFIG,
      smoke: true,
      expect: [{ id: 'data-error', line: TRAIN_LINE, message: /256 MiB as the model's float32 input, more than the 128 MiB/ }],
    },
    ...(
      [
        ['tfjs-weight-shape-10-billion', [100_000, 100_000], /parameter limit/],
        ['tfjs-weight-shape-1e9', [1e9], /parameter limit/],
        ['tfjs-weight-shape-negative', [-1, -2], /whole number/],
        ['tfjs-weight-shape-fraction', [0.5, 4], /whole number/],
        ['tfjs-weight-shape-string', ['2', 1], /whole number/],
      ] as const
    ).map(
      ([name, shape, message]): CorpusCase => ({
        name,
        about: `a TF.js weights manifest giving a kernel the shape ${JSON.stringify(shape)}`,
        files: { 'data/train.csv': csv, 'model.json': tfjsModel(shape), 'shard.bin': shard, [CONFIG]: baseConfig({ model: ['  keras: model.json'] }) },
        config: CONFIG,
        smoke: true,
        expect: [{ id: 'config-error', line: MODEL_LINE + 1, message }],
      }),
    ),
  ];
}
