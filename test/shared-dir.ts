// Where the shared specs and labelled cases live: beside the project folder (`../shared`), as on the
// developers' machines and in CI; NN_PREFLIGHT_SHARED points elsewhere. There is no fallback: the tests
// that read it fail when it is missing (test/shared-dir.test.ts says so first), they never skip.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const besideProject = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared');

export const SHARED_DIR = process.env.NN_PREFLIGHT_SHARED ?? besideProject;
export const SHARED_CASES_DIR = path.join(SHARED_DIR, 'cases');
