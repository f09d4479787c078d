// The headless Chromium of the browser tests and the picture scripts: CHROMIUM_PATH when set, else the one
// inside the @sparticuz/chromium dev dependency (no system package needed, so `npm ci && npm test` runs
// every browser test on a fresh machine).
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The Chromium executable. @sparticuz/chromium unpacks its brotli archives into the temp folder on first use,
 * writing in place; two test processes unpacking at once could read each other's half-written binary. So it
 * unpacks into a fresh folder of its own, which is then renamed into place in one step (the loser of a race
 * throws its copy away).
 */
export async function chromiumExecutable(): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  const packageJson = path.join(REPO_ROOT, 'node_modules/@sparticuz/chromium/package.json');
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  const home = path.join(os.tmpdir(), `nn-preflight-chromium-${version}`);
  const executable = path.join(home, 'chromium');
  if (existsSync(executable)) return executable;
  const scratch = mkdtempSync(`${home}-`);
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  try {
    const { default: packaged } = await import('@sparticuz/chromium');
    await packaged.executablePath();
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  try {
    renameSync(scratch, home);
  } catch {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!existsSync(executable)) throw new Error(`@sparticuz/chromium did not unpack a chromium binary into ${home}`);
  return executable;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumExecutable(), args: CHROMIUM_ARGS });
}
