// The two reproductions of issue 14's learning-rate example (test/lr-verdicts/): a ReLU regression on raw
// targets from 0 to about 125. Usage: node scripts/make-lr-verdict-cases.mjs test/lr-verdicts/raw-targets-sgd-0.1
// (the data is the same for both; only learning_rate differs in their preflight.yml).
import { mkdirSync, writeFileSync } from 'node:fs';
const dir = process.argv[2];
mkdirSync(dir + '/data', { recursive: true });
let a = 7;
const next = () => {
  a = (a + 0x6d2b79f5) >>> 0;
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const rows = ['x0,x1,x2,x3,y'];
for (let r = 0; r < 400; r++) {
  const x = [next(), next(), next(), next()];
  // targets from 0 to about 125, as in the example (e.g. an age or a count)
  const y = Math.max(0, Math.min(125, 10 + 80 * x[0] + 40 * x[1] * x[2] - 20 * x[3] + 8 * (next() - 0.5)));
  rows.push([...x, y].map((v) => v.toFixed(5)).join(','));
}
writeFileSync(dir + '/data/train.csv', rows.join('\n') + '\n');
