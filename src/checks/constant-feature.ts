import type { Evidence } from '../evidence/types.ts';
import type { Check, Finding, FindingDraft, FixVariant } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, nameList, staticMeta } from './shared.ts';
import { columnTransform, describeInputs } from '../config/column-preprocessing.ts';
import { copyConfig } from '../config/copy.ts';
import { withoutFeatures } from '../data/without-features.ts';

/** Relative std below which a column carries no usable signal (float noise on a constant). */
export const NEAR_ZERO_RELATIVE_STD = 1e-6;

/** The constant columns leave the feature list and the sample rows, so the fix run trains without them. */
function dropConstantFeatures(evidence: Evidence, finding: Finding): FixVariant | undefined {
  const columns = finding.evidence.columns;
  if (!Array.isArray(columns) || !evidence.data) return undefined;
  const names = columns.map((c) => (c as { name?: unknown }).name).filter((n): n is string => typeof n === 'string');
  const train = withoutFeatures(evidence.data.train.split, names);
  const validationSplit = evidence.data.validation?.split;
  const validation = validationSplit ? withoutFeatures(validationSplit, names) : undefined;
  if (!train || (validationSplit && !validation)) return undefined;
  const config = copyConfig(evidence.config);
  config.data.features = train.featureNames;
  if (config.model.input_shape) config.model.input_shape = [train.featureNames.length];
  return { change: `drop the constant feature${names.length === 1 ? '' : 's'} ${names.join(', ')} from data.features`, config, splits: { train, validation } };
}

type Constant = { columns: string[]; rows: number; images: boolean; first: string; value: number; std: number; divides: boolean; preprocessing: string };

export const messages = defineMessages({
  'constant-columns': says<Constant>(
    (d) =>
      `${d.columns.length === 1 ? 'Feature' : 'Features'} ${nameList(d.columns)} ${d.columns.length === 1 ? 'is' : 'are'} constant over ` +
      `${d.rows} training ${d.images ? 'images' : 'rows'} (${d.first} = ${fmt(d.value)}, std ${fmt(d.std)}). ` +
      (d.divides
        ? `With inputs: ${d.preprocessing} the pipeline divides by that ~0 spread, which turns the column into NaN or Inf and poisons every loss and gradient.`
        : 'It carries no information and only adds a useless weight to the first layer.'),
    (d) =>
      `${d.columns.length === 1 ? 'Feature' : `${d.columns.length} features, e.g.`} ${d.first} ${d.columns.length === 1 ? 'is' : 'are'} constant (= ${fmt(d.value)}) over ${d.rows} training ${d.images ? 'images' : 'rows'}` +
      (d.divides ? `, and inputs: ${d.preprocessing} divides by its ~0 spread.` : '.'),
  ),
});

export const check: Check = {
  meta: {
    ...staticMeta('constant-feature', 'A feature is constant', 'normalization', 'warning', ['data']),
    section: 'scales',
    fix: dropConstantFeatures,
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data) return [];
    const constant = data.train.split.features.filter(
      (c) => c.numeric > 0 && c.text === 0 && (c.distinct === 1 || c.std <= NEAR_ZERO_RELATIVE_STD * Math.max(1, Math.abs(c.mean))),
    );
    if (constant.length === 0) return [];
    const inputs = evidence.config.preprocessing.inputs;
    // Standardize and minmax divide by the column's std or range: ~0 gives Inf/NaN inputs.
    const divides = constant.some((c) => ['standardize', 'minmax'].includes(columnTransform(inputs, c.name) as string));
    const first = constant[0];
    // A column's count is its cells; an image channel has one per pixel, so rows come from the split.
    const split = data.train.split;
    return [
      {
        severity: divides ? 'error' : 'warning',
        message: message(messages, 'constant-columns', {
          columns: constant.map((c) => c.name),
          rows: split.rows,
          images: split.format === 'images',
          first: first.name,
          value: first.mean,
          std: first.std,
          divides,
          preprocessing: describeInputs(inputs),
        }),
        fix: `Drop ${nameList(constant.map((c) => c.name))} from \`data.features\` (and from your training pipeline)${divides ? ', or guard the scaler against a zero std' : ''}.`,
        key: evidence.source.ranges['data.features'] ? 'data.features' : 'data.train',
        evidence: { columns: constant.map((c) => ({ name: c.name, value: c.mean, std: c.std, distinct: c.distinct })), preprocessing: inputs },
      },
    ];
  },
};
