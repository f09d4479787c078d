// The second half of the clean corpus and the correct variants of ../shared/cases (see clean-corpus-run.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusSetups, sharedCleanCases, testCleanSetups } from './clean-corpus-run.ts';

const setups = corpusSetups();
test('the clean corpus holds at least 40 setups', () => assert.ok(setups.length >= 40, `found ${setups.length}`));
testCleanSetups('clean corpus, part 2', setups.slice(Math.ceil(setups.length / 2)));
testCleanSetups('correct variants of ../shared/cases', sharedCleanCases());
