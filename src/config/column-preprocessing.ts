// What `preprocessing.inputs` does to one input column, whichever form it was written in. One place,
// so that the checks, the evidence, the smoke run and the report all read a per-column mapping alike.
import type { ColumnPreprocessing, InputPreprocessing } from './types.ts';

export type ColumnTransform = 'none' | 'standardize' | 'minmax' | { scale: number; shift: number };

export function isPerColumn(inputs: InputPreprocessing): inputs is ColumnPreprocessing {
  return typeof inputs === 'object' && 'columns' in inputs;
}

/** The one-hot columns `plan=basic`, `plan=pro`, ... that a one_hot column `plan` becomes. */
export function indicatorName(column: string, category: string): string {
  return `${column}=${category}`;
}

function declared(inputs: ColumnPreprocessing, column: string): ColumnPreprocessing['columns'][string] | undefined {
  return Object.hasOwn(inputs.columns, column) ? inputs.columns[column] : undefined;
}

/** The one_hot column an indicator name belongs to, if it is one. */
export function oneHotSource(inputs: InputPreprocessing, name: string): string | undefined {
  if (!isPerColumn(inputs)) return undefined;
  for (let at = name.indexOf('='); at > 0; at = name.indexOf('=', at + 1)) {
    const column = name.slice(0, at);
    if (declared(inputs, column) === 'one_hot') return column;
  }
  return undefined;
}

/** The affine transform one column gets; one-hot indicators (already 0/1) are left as they are. */
export function columnTransform(inputs: InputPreprocessing, column: string): ColumnTransform {
  if (!isPerColumn(inputs)) return inputs;
  const how = declared(inputs, column);
  if (how === 'one_hot' || oneHotSource(inputs, column) !== undefined) return 'none';
  return how ?? inputs.others;
}

export function oneHotColumns(inputs: InputPreprocessing): string[] {
  return isPerColumn(inputs) ? Object.keys(inputs.columns).filter((c) => declared(inputs, c) === 'one_hot') : [];
}

/** As the user wrote it, for messages: `standardize`, `{scale: 0.5, shift: 0}`, `{standardize: [a, b], one_hot: [plan], others: none}`. */
export function describeInputs(inputs: InputPreprocessing): string {
  if (typeof inputs === 'string') return inputs;
  if (!isPerColumn(inputs)) return `{scale: ${inputs.scale}, shift: ${inputs.shift}}`;
  const parts = (['standardize', 'minmax', 'one_hot', 'none'] as const)
    .map((how) => [how, Object.keys(inputs.columns).filter((c) => inputs.columns[c] === how)] as const)
    .filter(([, columns]) => columns.length > 0)
    .map(([how, columns]) => `${how}: [${columns.join(', ')}]`);
  return `{${[...parts, `others: ${inputs.others}`].join(', ')}}`;
}
