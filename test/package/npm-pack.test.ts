// The npm package works on its own: `npm pack`, install the tarball into an empty project (offline: the
// package has no dependencies, everything is in dist/), and `npx nn-preflight check` the examples there,
// smoke runs included, so the WASM binaries must be found inside the installed package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface PackedFile {
  path: string;
}

test('the packed package installs into an empty project and `npx nn-preflight check` runs the examples', { timeout: 300_000 }, () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'nnp-pack-'));
  try {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    ) as { filename: string; files: PackedFile[] }[];
    const files = packed[0].files.map((f) => f.path);
    for (const needed of [
      'dist/cli.js',
      'dist/smoke-worker.js',
      'dist/tfjs-backend-wasm-simd.wasm',
      'dist/licenses.txt',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'docs/CONFIG.md',
      'action.yml',
    ]) {
      assert.ok(files.includes(needed), `the package lacks ${needed}`);
    }
    assert.deepEqual(
      files.filter((f) => /^(src|test|bench|node_modules)\//.test(f)),
      [],
      'sources and tests stay out of the package',
    );

    const project = path.join(work, 'project');
    cpSync(path.join(ROOT, 'examples'), path.join(project, 'examples'), { recursive: true });
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    execFileSync('npm', ['install', path.join(work, packed[0].filename), '--offline', '--no-audit', '--no-fund'], { cwd: project, stdio: 'ignore' });
    assert.deepEqual(
      readdirSync(path.join(project, 'node_modules')).filter((d) => !d.startsWith('.')),
      ['nn-preflight'],
      'installing pulls in no other package',
    );

    const out = execFileSync('npx', ['--no-install', 'nn-preflight', 'check', 'examples', '--fail-on', 'never', '--no-verify', '--format', 'json'], {
      cwd: project,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const report = JSON.parse(out) as { tool: { version: string }; results: { config: string; smoke?: { backend?: string; steps?: number } }[] };
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(report.tool.version, version);
    const configs = report.results.map((r) => r.config).sort();
    assert.ok(configs.length >= 4, configs.join(', '));
    for (const result of report.results) {
      assert.equal(result.smoke?.backend, 'wasm', `${result.config}: smoke backend ${result.smoke?.backend}`);
      assert.ok((result.smoke?.steps ?? 0) > 0, `${result.config} was not smoke-trained`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
