// Applies a config's `# nn-preflight-disable-next-line` comments to its findings: a named check's finding
// on the line below moves to the suppressed list with the comment's reason. Suppressed findings are
// still reported (JSON, Markdown, text) but no longer count toward fail-on. A directive that cannot
// be honoured (no reason, an unknown check) silences nothing and becomes a config finding itself.
import type { DisableDirective } from './config/disable-comments.ts';
import { DISABLE_NEXT_LINE } from './config/disable-comments.ts';
import { closestName } from './config/problems.ts';
import type { Finding, FindingDraft } from './checks/types.ts';
import type { SuppressedFinding } from './report/types.ts';

export interface Suppression {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** drafts of config-error findings about directives that were not honoured, each with its line */
  problems: FindingDraft[];
}

/** Findings that say the config was not checked: silencing them would pass a setup nobody checked. */
function isSilenceable(finding: Finding): boolean {
  if (finding.id === 'internal-error') return false;
  return !(finding.id === 'config-error' && finding.severity === 'error');
}

export function applyDisableComments(
  findings: readonly Finding[],
  directives: readonly DisableDirective[],
  configFile: string,
  knownCheckIds: readonly string[],
): Suppression {
  const problems: FindingDraft[] = [];
  const honoured: { directive: DisableDirective; reason: string }[] = [];
  for (const directive of directives) {
    const at = { line: directive.line, column: directive.column };
    const unknown = directive.checks.filter((id) => !knownCheckIds.includes(id));
    if (directive.checks.length === 0) {
      problems.push({
        ...at,
        severity: 'warning',
        message: `The \`${DISABLE_NEXT_LINE}\` comment on line ${directive.line} names no check, so it silences nothing.`,
        fix: `Name the check and say why: \`# ${DISABLE_NEXT_LINE} <check-id> -- <reason>\`.`,
        evidence: { directiveLine: directive.line },
      });
    } else if (unknown.length > 0) {
      const hints = unknown.map((id) => {
        const close = closestName(id, knownCheckIds);
        return close ? `\`${id}\` (did you mean \`${close}\`?)` : `\`${id}\``;
      });
      problems.push({
        ...at,
        severity: 'warning',
        message: `The \`${DISABLE_NEXT_LINE}\` comment on line ${directive.line} names ${hints.join(', ')}, which ${unknown.length === 1 ? 'is not a check' : 'are not checks'}, so it silences nothing.`,
        fix: 'Use the check id the finding shows (the list: docs/CHECKS.md).',
        evidence: { directiveLine: directive.line, unknown },
      });
    } else if (directive.reason === undefined) {
      problems.push({
        ...at,
        severity: 'warning',
        message: `The \`${DISABLE_NEXT_LINE}\` comment on line ${directive.line} gives no reason, so it silences nothing: a silenced finding must say why for the next reader.`,
        fix: `Add the reason after \` -- \`: \`# ${DISABLE_NEXT_LINE} ${directive.checks.join(', ')} -- <reason>\`.`,
        evidence: { directiveLine: directive.line, checks: directive.checks },
      });
    } else honoured.push({ directive, reason: directive.reason });
  }

  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const match =
      finding.file === configFile && finding.line !== undefined && isSilenceable(finding)
        ? honoured.find(({ directive }) => directive.line + 1 === finding.line && directive.checks.includes(finding.id))
        : undefined;
    if (match) suppressed.push({ ...finding, suppression: { reason: match.reason, line: match.directive.line } });
    else kept.push(finding);
  }
  return { findings: kept, suppressed, problems };
}
