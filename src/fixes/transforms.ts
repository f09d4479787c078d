// Each check owns its fix as a config change (`meta.fix` in src/checks/<id>.ts); the fix run looks it up here.
import { checksById } from '../checks/index.ts';
import type { Finding, FixVariant } from '../checks/types.ts';
import type { Evidence } from '../evidence/types.ts';

export type { FixVariant } from '../checks/types.ts';

/** The config change `finding`'s fix describes on this setup; undefined when its fix is not a config change. */
export function fixVariantFor(evidence: Evidence, finding: Finding): FixVariant | undefined {
  return checksById.get(finding.id)?.meta.fix?.(evidence, finding);
}
