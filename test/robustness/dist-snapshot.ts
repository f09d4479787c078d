// The suites that run the built bundles copy dist/ first: other test runs may rebuild dist/ (which
// empties it) at any moment, and a copy keeps one run from seeing half a build.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(REPO_ROOT, 'dist');
const NEEDED = ['cli.js', 'index.js', 'smoke-worker.js', 'tfjs-backend-wasm.wasm'];
const WAIT_MS = 60_000;

/** A private copy of dist/ (waiting out a rebuild in progress); remove it with `rmSync` when done. */
export async function snapshotDist(): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (NEEDED.every((file) => existsSync(path.join(DIST, file)))) {
      const copy = mkdtempSync(path.join(tmpdir(), 'nnp-dist-'));
      cpSync(DIST, copy, { recursive: true });
      if (NEEDED.every((file) => existsSync(path.join(copy, file)))) return copy;
      rmSync(copy, { recursive: true, force: true });
    }
    if (Date.now() > deadline) throw new Error(`${DIST} is missing ${NEEDED.join(', ')}: run \`npm run build\` first`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
