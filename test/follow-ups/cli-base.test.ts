import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs, UsageError } from '../../src/cli/args.ts';

describe('command line', () => {
  it('takes --base REF and --no-verify, and refuses what cannot work', () => {
    const settings = parseArgs(['check', 'a.preflight.yml', '--base', 'origin/main', '--no-verify']);
    assert.deepEqual([settings.base, settings.verify], ['origin/main', false]);
    assert.equal(parseArgs(['check']).verify, true);
    assert.throws(() => parseArgs(['check', '--base', 'main', '--no-smoke']), UsageError);
    assert.throws(() => parseArgs(['check', '--base=--upload-pack=x']), UsageError);
    assert.throws(() => parseArgs(['check', '--base', 'main..feature']), UsageError);
  });
});
