// The arithmetic of the compiled step: Keras activations and losses with the gradients TF.js's
// autodiff gives for the same ops (src/engine/activations.ts, losses.ts), as loops over Float32Arrays.
// Where TF.js's op-by-op gradient differs from the textbook one at a boundary (relu at 0, the clip
// bounds of crossentropy, huber at |e| = delta), the TF.js form is the one written here.

const f = Math.fround;
// The crossentropy clip bounds and epsilon as the float32 values TF.js's kernels use.
const KERAS_EPSILON = f(1e-7);
const ONE_MINUS_EPSILON = f(1 - 1e-7);
const LEAKY_RELU_SLOPE = 0.2;
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_SCALE_ALPHA = 1.7580993408473768599402175208123;
// TF.js's erf (Abramowitz and Stegun 7.1.26), so gelu matches its forward pass too.
const ERF_P = 0.3275911;
const ERF_A1 = 0.254829592;
const ERF_A2 = -0.284496736;
const ERF_A3 = 1.421413741;
const ERF_A4 = -1.453152027;
const ERF_A5 = 1.061405429;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const COMPILED_ACTIVATIONS = new Set([
  'linear',
  'relu',
  'relu6',
  'leaky_relu',
  'sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'swish',
  'silu',
  'gelu',
  'hard_sigmoid',
  'exponential',
]);

function erf(x: number): number {
  const sign = Math.sign(x);
  const v = Math.abs(x);
  const t = 1 / (1 + ERF_P * v);
  return sign * (1 - ((((ERF_A5 * t + ERF_A4) * t + ERF_A3) * t + ERF_A2) * t + ERF_A1) * t * Math.exp(-v * v));
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** y = act(x) over `rows` rows of `width` values (softmax works per row). */
export function activationForward(name: string, x: Float32Array, y: Float32Array, rows: number, width: number): void {
  const n = rows * width;
  switch (name) {
    case 'linear':
      y.set(x.subarray(0, n));
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v > 0 ? v : 0;
      }
      return;
    case 'relu6':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v < 0 ? 0 : v > 6 ? 6 : v;
      }
      return;
    case 'leaky_relu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v > 0 ? v : LEAKY_RELU_SLOPE * v;
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) y[i] = sigmoid(x[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
      return;
    case 'elu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v >= 0 ? v : Math.exp(v) - 1;
      }
      return;
    case 'selu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v >= 0 ? SELU_SCALE * v : SELU_SCALE_ALPHA * (Math.exp(v) - 1);
      }
      return;
    case 'softplus':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
      }
      return;
    case 'softsign':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v / (Math.abs(v) + 1);
      }
      return;
    case 'swish':
    case 'silu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v * sigmoid(v);
      }
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = 0.5 * v * (1 + erf(v * Math.SQRT1_2));
      }
      return;
    case 'hard_sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i] + 3;
        y[i] = (v < 0 ? 0 : v > 6 ? 6 : v) / 6;
      }
      return;
    case 'exponential':
      for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]);
      return;
    case 'softmax':
      for (let r = 0; r < rows; r++) {
        const o = r * width;
        let max = -Infinity;
        for (let j = 0; j < width; j++) if (x[o + j] > max) max = x[o + j];
        let sum = 0;
        for (let j = 0; j < width; j++) {
          const e = Math.exp(x[o + j] - max);
          y[o + j] = e;
          sum += e;
        }
        for (let j = 0; j < width; j++) y[o + j] /= sum;
      }
      return;
    default:
      throw new Error(`activation '${name}' is not compiled`);
  }
}

/** dx = dy * act'(x), given the input x and output y of the forward pass. */
export function activationBackward(name: string, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, width: number): void {
  const n = rows * width;
  switch (name) {
    case 'linear':
      dx.set(dy.subarray(0, n));
      return;
    // TF.js: dy * step(x), step(0) = 0
    case 'relu':
      for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
      return;
    // clipByValue passes the gradient on the closed range [0, 6]
    case 'relu6':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        dx[i] = v >= 0 && v <= 6 ? dy[i] : 0;
      }
      return;
    case 'leaky_relu':
      for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : LEAKY_RELU_SLOPE * dy[i];
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const s = y[i];
        dx[i] = dy[i] * s * (1 - s);
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const t = y[i];
        dx[i] = dy[i] * (1 - t * t);
      }
      return;
    // EluGrad works on the output: y >= 0 ? dy : dy * (y + 1)
    case 'elu':
      for (let i = 0; i < n; i++) {
        const o = y[i];
        dx[i] = o >= 0 ? dy[i] : dy[i] * (o + 1);
      }
      return;
    case 'selu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        dx[i] = v > 0 ? dy[i] * SELU_SCALE : dy[i] * SELU_SCALE_ALPHA * Math.exp(v);
      }
      return;
    case 'softplus':
      for (let i = 0; i < n; i++) dx[i] = dy[i] * sigmoid(x[i]);
      return;
    case 'softsign':
      for (let i = 0; i < n; i++) {
        const d = Math.abs(x[i]) + 1;
        dx[i] = dy[i] / (d * d);
      }
      return;
    case 'swish':
    case 'silu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        const s = sigmoid(v);
        dx[i] = dy[i] * (s + v * s * (1 - s));
      }
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        const u = v * Math.SQRT1_2;
        dx[i] = dy[i] * (0.5 * (1 + erf(u)) + 0.5 * v * TWO_OVER_SQRT_PI * Math.exp(-u * u) * Math.SQRT1_2);
      }
      return;
    case 'hard_sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i] + 3;
        dx[i] = v >= 0 && v <= 6 ? dy[i] / 6 : 0;
      }
      return;
    case 'exponential':
      for (let i = 0; i < n; i++) dx[i] = dy[i] * y[i];
      return;
    case 'softmax':
      for (let r = 0; r < rows; r++) {
        const o = r * width;
        let dot = 0;
        for (let j = 0; j < width; j++) dot += dy[o + j] * y[o + j];
        for (let j = 0; j < width; j++) dx[o + j] = y[o + j] * (dy[o + j] - dot);
      }
      return;
    default:
      throw new Error(`activation '${name}' is not compiled`);
  }
}

export const COMPILED_LOSSES = new Set([
  'mean_squared_error',
  'mean_absolute_error',
  'huber',
  'binary_crossentropy',
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
]);

/**
 * The batch-mean loss of predictions p (rows x width) against targets y (rows x yWidth: width, or 1 for
 * class ids), and, when dp is given, its gradient with respect to p.
 */
export function lossAndGradient(name: string, fromLogits: boolean, p: Float32Array, y: Float32Array, rows: number, width: number, dp?: Float32Array): number {
  let total = 0;
  const perRow = 1 / rows;
  const perValue = 1 / (rows * width);
  switch (name) {
    case 'mean_squared_error':
      for (let i = 0; i < rows * width; i++) {
        const d = p[i] - y[i];
        total += d * d;
        if (dp) dp[i] = 2 * d * perValue;
      }
      return total * perValue;
    case 'mean_absolute_error':
      for (let i = 0; i < rows * width; i++) {
        const d = p[i] - y[i];
        total += Math.abs(d);
        if (dp) dp[i] = Math.sign(d) * perValue;
      }
      return total * perValue;
    case 'huber':
      // 0.5 q^2 + (|e| - q) with q = min(|e|, 1): the gradient is e inside [-1, 1] (closed), sign(e) outside.
      for (let i = 0; i < rows * width; i++) {
        const d = p[i] - y[i];
        const e = Math.abs(d);
        const q = e <= 1 ? e : 1;
        total += 0.5 * q * q + (e - q);
        if (dp) dp[i] = (e <= 1 ? d : Math.sign(d)) * perValue;
      }
      return total * perValue;
    case 'binary_crossentropy':
      for (let i = 0; i < rows * width; i++) {
        const v = p[i];
        const t = y[i];
        if (fromLogits) {
          const a = Math.abs(v);
          const e = Math.exp(-a);
          total += (v > 0 ? v : 0) - v * t + Math.log1p(e);
          if (dp) dp[i] = ((v > 0 ? 1 : 0) - t - (Math.sign(v) * e) / (1 + e)) * perValue;
        } else {
          const inRange = v >= KERAS_EPSILON && v <= ONE_MINUS_EPSILON;
          const c = v < KERAS_EPSILON ? KERAS_EPSILON : v > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : v;
          const positive = f(c + KERAS_EPSILON);
          const negative = f(f(1 - c) + KERAS_EPSILON);
          total += -(t * Math.log(positive) + (1 - t) * Math.log(negative));
          if (dp) dp[i] = inRange ? -(t / positive - (1 - t) / negative) * perValue : 0;
        }
      }
      return total * perValue;
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy': {
      const sparse = name === 'sparse_categorical_crossentropy';
      const yWidth = sparse ? 1 : width;
      for (let r = 0; r < rows; r++) {
        const o = r * width;
        // the target row: one-hot of a class id (out of range: all zero, as tf.oneHot gives), or as given
        const id = sparse ? Math.trunc(y[r * yWidth]) : -1;
        const target = (j: number) => (sparse ? (j === id ? 1 : 0) : y[o + j]);
        if (fromLogits) {
          let max = -Infinity;
          for (let j = 0; j < width; j++) if (p[o + j] > max) max = p[o + j];
          let sum = 0;
          for (let j = 0; j < width; j++) sum += Math.exp(p[o + j] - max);
          const logSum = Math.log(sum) + max;
          let targetSum = 0;
          for (let j = 0; j < width; j++) {
            const t = target(j);
            targetSum += t;
            total -= t * (p[o + j] - logSum);
          }
          if (dp) for (let j = 0; j < width; j++) dp[o + j] = (Math.exp(p[o + j] - logSum) * targetSum - target(j)) * perRow;
        } else {
          let sum = 0;
          for (let j = 0; j < width; j++) sum += p[o + j];
          sum = f(sum);
          // d loss / d normalized_j, then through normalized = p / sum
          let weighted = 0;
          for (let j = 0; j < width; j++) {
            const t = target(j);
            const q = f(p[o + j] / sum);
            const c = q < KERAS_EPSILON ? KERAS_EPSILON : q > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : q;
            total -= t * Math.log(c);
            const dq = q >= KERAS_EPSILON && q <= ONE_MINUS_EPSILON ? -t / c : 0;
            if (dp) dp[o + j] = dq;
            weighted += dq * p[o + j];
          }
          if (dp) for (let j = 0; j < width; j++) dp[o + j] = (dp[o + j] / sum - weighted / (sum * sum)) * perRow;
        }
      }
      return total * perRow;
    }
    default:
      throw new Error(`loss '${name}' is not compiled`);
  }
}
