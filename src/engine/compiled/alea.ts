// Baagoe's Alea generator exactly as seedrandom 3.0.5 (`seedrandom.alea`) implements it: TF.js draws
// tf.randomUniform, and so tf.dropout's masks, from this stream. With it the compiled step draws the
// same dropout masks as the TF.js step without a TF.js op per layer and step (test/engine/compiled-step.test.ts
// compares the two streams).

function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * 2.3283064365386963e-10;
  };
}

export class Alea {
  private s0: number;
  private s1: number;
  private s2: number;
  private c = 1;

  /** `seed` as TF.js passes it: a number is turned into its string form first. */
  constructor(seed: number | string) {
    const text = String(seed);
    const m = mash();
    this.s0 = m(' ');
    this.s1 = m(' ');
    this.s2 = m(' ');
    this.s0 -= m(text);
    if (this.s0 < 0) this.s0 += 1;
    this.s1 -= m(text);
    if (this.s1 < 0) this.s1 += 1;
    this.s2 -= m(text);
    if (this.s2 < 0) this.s2 += 1;
  }

  /** uniform in [0, 1) */
  next(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10;
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return this.s2;
  }
}
