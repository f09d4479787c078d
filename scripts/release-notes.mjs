// Prints the CHANGELOG.md section of a release tag, for the release workflow's GitHub release notes.
// Fails (exit 1) when the tag is not vX.Y.Z, does not match package.json's version, or has no section,
// so a release can only be cut for a version that is written down.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SEMVER_TAG = /^v(\d+)\.(\d+)\.(\d+)$/;

/** The body of `## [version]` in a Keep a Changelog text, without its heading; undefined when absent or empty. */
export function changelogSection(changelog, version) {
  const lines = changelog.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith(`## [${version}]`));
  if (start < 0) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith('## ') || /^\[[^\]]+\]:\s/.test(line));
  const body = (end < 0 ? rest : rest.slice(0, end)).join('\n').trim();
  return body.length > 0 ? body : undefined;
}

/** The notes of `tag`, or an error message saying what is missing. */
export function releaseNotes(tag, packageVersion, changelog) {
  const match = SEMVER_TAG.exec(tag);
  if (!match) return { error: `tag '${tag}' is not of the form vX.Y.Z` };
  const version = tag.slice(1);
  if (version !== packageVersion) return { error: `tag ${tag} does not match package.json version ${packageVersion}` };
  const notes = changelogSection(changelog, version);
  if (!notes) return { error: `CHANGELOG.md has no section '## [${version}]' with notes` };
  return { notes, major: `v${match[1]}` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tag = process.argv[2] ?? '';
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const result = releaseNotes(tag, pkg.version, readFileSync('CHANGELOG.md', 'utf8'));
  if (result.error) {
    console.error(result.error);
    process.exit(1);
  }
  process.stdout.write(result.notes + '\n');
}
