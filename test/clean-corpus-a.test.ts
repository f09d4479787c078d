// The first half of the clean corpus (see clean-corpus-run.ts).
import { corpusSetups, testCleanSetups } from './clean-corpus-run.ts';

const setups = corpusSetups();
testCleanSetups('clean corpus, part 1', setups.slice(0, Math.ceil(setups.length / 2)));
