import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { changelogSection, releaseNotes } from '../../scripts/release-notes.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHANGELOG = [
  '# Changelog',
  '',
  '## [Unreleased]',
  '',
  '## [1.2.0] - 2027-01-02',
  '',
  '### Fixed',
  '- a thing',
  '',
  '## [1.1.0] - 2026-12-30',
  '',
  '- older',
  '',
  '[1.2.0]: https://x/1.2.0',
  '',
].join('\n');

test('the section of a version ends at the next version', () => {
  assert.equal(changelogSection(CHANGELOG, '1.2.0'), '### Fixed\n- a thing');
  assert.equal(changelogSection(CHANGELOG, '1.1.0'), '- older');
  assert.equal(changelogSection(CHANGELOG, 'Unreleased'), undefined, 'an empty section has no notes');
  assert.equal(changelogSection(CHANGELOG, '9.9.9'), undefined);
});

test('a release tag must be vX.Y.Z, match package.json and have notes', () => {
  assert.deepEqual(releaseNotes('v1.2.0', '1.2.0', CHANGELOG), { notes: '### Fixed\n- a thing', major: 'v1' });
  assert.match(releaseNotes('v1.2.0', '1.1.0', CHANGELOG).error ?? '', /does not match package\.json version 1\.1\.0/);
  assert.match(releaseNotes('1.2.0', '1.2.0', CHANGELOG).error ?? '', /not of the form vX\.Y\.Z/);
  assert.match(releaseNotes('v9.9.9', '9.9.9', CHANGELOG).error ?? '', /no section '## \[9\.9\.9\]'/);
});

test("this repository's own version has its CHANGELOG section", () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const result = releaseNotes(`v${pkg.version}`, pkg.version, readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'));
  assert.equal(result.error, undefined);
});
