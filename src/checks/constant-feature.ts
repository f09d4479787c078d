import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, nameList, staticMeta } from './shared.ts';
import { columnTransform, describeInputs } from '../config/column-preprocessing.ts';

/** Relative std below which a column carries no usable signal (float noise on a constant). */
export const NEAR_ZERO_RELATIVE_STD = 1e-6;

export const check: Check = {
  meta: staticMeta('constant-feature', 'A feature is constant', 'normalization', 'warning', ['data']),
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
    const rows = `${split.rows} training ${split.format === 'images' ? 'images' : 'rows'}`;
    return [{
      severity: divides ? 'error' : 'warning',
      message:
        `${constant.length === 1 ? 'Feature' : 'Features'} ${nameList(constant.map((c) => c.name))} ${constant.length === 1 ? 'is' : 'are'} constant over ` +
        `${rows} (${first.name} = ${fmt(first.mean)}, std ${fmt(first.std)}). ` +
        (divides
          ? `With inputs: ${describeInputs(inputs)} the pipeline divides by that ~0 spread, which turns the column into NaN or Inf and poisons every loss and gradient.`
          : 'It carries no information and only adds a useless weight to the first layer.'),
      fix: `Drop ${nameList(constant.map((c) => c.name))} from \`data.features\` (and from your training pipeline)${divides ? ', or guard the scaler against a zero std' : ''}.`,
      key: evidence.source.ranges['data.features'] ? 'data.features' : 'data.train',
      evidence: { columns: constant.map((c) => ({ name: c.name, value: c.mean, std: c.std, distinct: c.distinct })), preprocessing: inputs },
    }];
  },
};
