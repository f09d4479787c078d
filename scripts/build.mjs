// Bundles the CLI, the GitHub Action, the publisher and the smoke worker into dist/ with esbuild.
// The @actions/* packages are ESM-only, so the bundles are ESM; the WASM loader inside tfjs still
// expects CommonJS `require`/`__dirname`, which the banner defines.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { thirdPartyNotices } from './licenses.mjs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const outdir = 'dist';
const entries = {
  cli: 'src/cli/main.ts',
  index: 'src/action/index.ts',
  publish: 'src/action/publish-entry.ts',
  'smoke-worker': 'src/engine/worker-entry.ts',
  'parquet-worker': 'src/data/parquet-worker-entry.ts',
};

const banner = [
  "import { createRequire as __nnpCreateRequire } from 'node:module';",
  "import { fileURLToPath as __nnpFileURLToPath } from 'node:url';",
  "import { dirname as __nnpDirname } from 'node:path';",
  'const require = __nnpCreateRequire(import.meta.url);',
  'const __filename = __nnpFileURLToPath(import.meta.url);',
  'const __dirname = __nnpDirname(__filename);',
].join('\n');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const present = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));
const result = await build({
  entryPoints: present,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: false,
  banner: { js: banner },
  // Optional native engine: loaded at run time when the user installed it, never bundled.
  external: ['@tensorflow/tfjs-node'],
  legalComments: 'none',
  logLevel: 'warning',
  sourcemap: false,
  // The inputs name every package inside the bundles, for dist/licenses.txt.
  metafile: true,
});

const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  copyFileSync(path.join(wasmDir, 'dist', file), path.join(outdir, file));
}
// esbuild drops the packages' license comments (legalComments: 'none' keeps the bundles small), so their
// notices ship beside them instead: every bundled package's own license file, and the WASM binaries' package.
writeFileSync(
  path.join(outdir, 'licenses.txt'),
  thirdPartyNotices([...Object.keys(result.metafile.inputs), path.join(path.relative('.', wasmDir), 'package.json')]),
);
console.log(`built ${Object.keys(present).join(', ')} into ${outdir}/`);
