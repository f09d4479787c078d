// Third-party notices for dist/: the packages whose files esbuild bundled (from its metafile), each with its
// name, version, declared license and its own license and notice files, in a stable order so the file only
// changes when a bundled package does. A package that ships no license file (TensorFlow.js's packages among
// them) gets the copyright comments of its bundled sources and the standard text of its declared license.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const STANDARD_TEXTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'license-texts');
/** Block comments that carry a copyright or license header; a few per package are enough. */
const HEADER_COMMENT = /\/\*[\s\S]*?\*\//g;
const MAX_HEADERS = 3;

const LICENSE_FILE = /^(licen[cs]e|copying|notice)([.-].*)?$/i;

/** The package folder (node_modules/<name> or node_modules/@scope/<name>, innermost) of a bundled input path. */
export function packageDirOf(input) {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const width = parts[at + 1].startsWith('@') ? 2 : 1;
  if (at + width >= parts.length) return undefined;
  return parts.slice(0, at + 1 + width).join('/');
}

function licenseText(dir) {
  const files = readdirSync(dir)
    .filter((f) => LICENSE_FILE.test(f))
    .sort();
  return files.map((f) => readFileSync(path.join(dir, f), 'utf8').trim()).join('\n\n');
}

function declaredLicense(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license && typeof pkg.license.type === 'string') return pkg.license.type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l) => l.type ?? l).join(' OR ');
  return 'UNKNOWN';
}

/** The distinct copyright headers of a package's bundled files, in input order. */
function copyrightHeaders(files) {
  const found = [];
  for (const file of files) {
    if (found.length >= MAX_HEADERS || !existsSync(file)) continue;
    const head = readFileSync(file, 'utf8').slice(0, 4000);
    for (const comment of head.match(HEADER_COMMENT) ?? []) {
      if (!/@license|copyright/i.test(comment)) continue;
      const text = comment.trim();
      if (!found.includes(text)) found.push(text);
      break;
    }
  }
  return found;
}

/** The standard texts of each SPDX id in a declared expression ("Apache-2.0 AND MIT") that we keep a copy of. */
function standardTexts(license) {
  const ids = license
    .split(/\s+(?:AND|OR|WITH)\s+|[()]/)
    .map((id) => id.trim())
    .filter(Boolean);
  return ids.flatMap((id) => {
    const file = path.join(STANDARD_TEXTS, `${id}.txt`);
    return existsSync(file) ? [readFileSync(file, 'utf8').trim()] : [];
  });
}

export function thirdPartyNotices(inputs) {
  const filesByDir = new Map();
  for (const input of inputs) {
    const dir = packageDirOf(input);
    if (dir === undefined) continue;
    if (!filesByDir.has(dir)) filesByDir.set(dir, []);
    filesByDir.get(dir).push(input);
  }
  const packages = new Map();
  for (const [dir, files] of filesByDir) {
    const manifest = path.join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    const key = `${pkg.name}@${pkg.version}`;
    if (packages.has(key)) continue;
    const license = declaredLicense(pkg);
    const own = licenseText(dir);
    const text = own.length > 0 ? own : [...copyrightHeaders(files), ...standardTexts(license)].join('\n\n');
    packages.set(key, { key, license, text });
  }
  const sorted = [...packages.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const header = [
    'nn-preflight bundles the following third-party packages into dist/. Their licenses and notices follow.',
    `${sorted.length} packages: ${sorted.map((p) => p.key).join(', ')}`,
  ].join('\n');
  const sections = sorted.map((p) =>
    [
      '-'.repeat(78),
      `${p.key} (license: ${p.license})`,
      '',
      p.text.length > 0 ? p.text : `No license file ships in this package; its package.json declares ${p.license}.`,
    ].join('\n'),
  );
  return [header, ...sections, ''].join('\n\n');
}
