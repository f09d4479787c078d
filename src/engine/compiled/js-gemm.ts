// The plain-JS matrix products of the compiled step (dense layers' backward pass, recurrent layers), over
// row-major blocks given by offset and row stride, four (or two) rows and four columns at a time in
// registers, sums in float64 in term order (so the blocking never changes a result). Four rows when the
// columns come in fours: each value loaded then serves four products (about 1.2x the two-row loop here).

/** C[m][n] (+)= sum over k of A[m][k] B[k][n] */
export function gemmNN(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  lda: number,
  B: Float32Array,
  bOff: number,
  ldb: number,
  C: Float32Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  let m = 0;
  for (; m + 4 <= M && N % 4 === 0; m += 4) {
    const a0 = aOff + m * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    const c0 = cOff + m * ldc;
    for (let n = 0; n < N; n += 4) {
      let p0 = 0,
        p1 = 0,
        p2 = 0,
        p3 = 0,
        q0 = 0,
        q1 = 0,
        q2 = 0,
        q3 = 0,
        r0 = 0,
        r1 = 0,
        r2 = 0,
        r3 = 0,
        s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let k = 0, bk = bOff + n; k < K; k++, bk += ldb) {
        const b0 = B[bk],
          b1 = B[bk + 1],
          b2 = B[bk + 2],
          b3 = B[bk + 3];
        const u = A[a0 + k];
        p0 += u * b0;
        p1 += u * b1;
        p2 += u * b2;
        p3 += u * b3;
        const v = A[a1 + k];
        q0 += v * b0;
        q1 += v * b1;
        q2 += v * b2;
        q3 += v * b3;
        const w = A[a2 + k];
        r0 += w * b0;
        r1 += w * b1;
        r2 += w * b2;
        r3 += w * b3;
        const x = A[a3 + k];
        s0 += x * b0;
        s1 += x * b1;
        s2 += x * b2;
        s3 += x * b3;
      }
      const o0 = c0 + n;
      const o1 = o0 + ldc;
      const o2 = o1 + ldc;
      const o3 = o2 + ldc;
      if (accumulate) {
        C[o0] += p0;
        C[o0 + 1] += p1;
        C[o0 + 2] += p2;
        C[o0 + 3] += p3;
        C[o1] += q0;
        C[o1 + 1] += q1;
        C[o1 + 2] += q2;
        C[o1 + 3] += q3;
        C[o2] += r0;
        C[o2 + 1] += r1;
        C[o2 + 2] += r2;
        C[o2 + 3] += r3;
        C[o3] += s0;
        C[o3 + 1] += s1;
        C[o3 + 2] += s2;
        C[o3 + 3] += s3;
      } else {
        C[o0] = p0;
        C[o0 + 1] = p1;
        C[o0 + 2] = p2;
        C[o0 + 3] = p3;
        C[o1] = q0;
        C[o1 + 1] = q1;
        C[o1 + 2] = q2;
        C[o1 + 3] = q3;
        C[o2] = r0;
        C[o2 + 1] = r1;
        C[o2 + 2] = r2;
        C[o2 + 3] = r3;
        C[o3] = s0;
        C[o3 + 1] = s1;
        C[o3 + 2] = s2;
        C[o3 + 3] = s3;
      }
    }
  }
  for (; m + 2 <= M; m += 2) {
    const a0 = aOff + m * lda;
    const a1 = a0 + lda;
    const c0 = cOff + m * ldc;
    const c1 = c0 + ldc;
    let n = 0;
    for (; n + 4 <= N; n += 4) {
      let p0 = 0,
        p1 = 0,
        p2 = 0,
        p3 = 0,
        q0 = 0,
        q1 = 0,
        q2 = 0,
        q3 = 0;
      for (let k = 0, bk = bOff + n; k < K; k++, bk += ldb) {
        const u = A[a0 + k];
        const v = A[a1 + k];
        const b0 = B[bk],
          b1 = B[bk + 1],
          b2 = B[bk + 2],
          b3 = B[bk + 3];
        p0 += u * b0;
        p1 += u * b1;
        p2 += u * b2;
        p3 += u * b3;
        q0 += v * b0;
        q1 += v * b1;
        q2 += v * b2;
        q3 += v * b3;
      }
      if (accumulate) {
        C[c0 + n] += p0;
        C[c0 + n + 1] += p1;
        C[c0 + n + 2] += p2;
        C[c0 + n + 3] += p3;
        C[c1 + n] += q0;
        C[c1 + n + 1] += q1;
        C[c1 + n + 2] += q2;
        C[c1 + n + 3] += q3;
      } else {
        C[c0 + n] = p0;
        C[c0 + n + 1] = p1;
        C[c0 + n + 2] = p2;
        C[c0 + n + 3] = p3;
        C[c1 + n] = q0;
        C[c1 + n + 1] = q1;
        C[c1 + n + 2] = q2;
        C[c1 + n + 3] = q3;
      }
    }
    for (; n < N; n++) {
      let p = 0,
        q = 0;
      for (let k = 0, bk = bOff + n; k < K; k++, bk += ldb) {
        p += A[a0 + k] * B[bk];
        q += A[a1 + k] * B[bk];
      }
      C[c0 + n] = accumulate ? C[c0 + n] + p : p;
      C[c1 + n] = accumulate ? C[c1 + n] + q : q;
    }
  }
  for (; m < M; m++) {
    const a0 = aOff + m * lda;
    const c0 = cOff + m * ldc;
    for (let n = 0; n < N; n++) {
      let p = 0;
      for (let k = 0, bk = bOff + n; k < K; k++, bk += ldb) p += A[a0 + k] * B[bk];
      C[c0 + n] = accumulate ? C[c0 + n] + p : p;
    }
  }
}

/** C[m][n] (+)= sum over k of A[m][k] B[n][k] (B's rows are the columns: both read along k) */
export function gemmNT(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  lda: number,
  B: Float32Array,
  bOff: number,
  ldb: number,
  C: Float32Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  let m = 0;
  for (; m + 4 <= M && N % 4 === 0; m += 4) {
    const a0 = aOff + m * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    const c0 = cOff + m * ldc;
    for (let n = 0; n < N; n += 4) {
      const b0 = bOff + n * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let p0 = 0,
        p1 = 0,
        p2 = 0,
        p3 = 0,
        q0 = 0,
        q1 = 0,
        q2 = 0,
        q3 = 0,
        r0 = 0,
        r1 = 0,
        r2 = 0,
        r3 = 0,
        s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let k = 0; k < K; k++) {
        const w0 = B[b0 + k],
          w1 = B[b1 + k],
          w2 = B[b2 + k],
          w3 = B[b3 + k];
        const u = A[a0 + k];
        p0 += u * w0;
        p1 += u * w1;
        p2 += u * w2;
        p3 += u * w3;
        const v = A[a1 + k];
        q0 += v * w0;
        q1 += v * w1;
        q2 += v * w2;
        q3 += v * w3;
        const w = A[a2 + k];
        r0 += w * w0;
        r1 += w * w1;
        r2 += w * w2;
        r3 += w * w3;
        const x = A[a3 + k];
        s0 += x * w0;
        s1 += x * w1;
        s2 += x * w2;
        s3 += x * w3;
      }
      const o0 = c0 + n;
      const o1 = o0 + ldc;
      const o2 = o1 + ldc;
      const o3 = o2 + ldc;
      if (accumulate) {
        C[o0] += p0;
        C[o0 + 1] += p1;
        C[o0 + 2] += p2;
        C[o0 + 3] += p3;
        C[o1] += q0;
        C[o1 + 1] += q1;
        C[o1 + 2] += q2;
        C[o1 + 3] += q3;
        C[o2] += r0;
        C[o2 + 1] += r1;
        C[o2 + 2] += r2;
        C[o2 + 3] += r3;
        C[o3] += s0;
        C[o3 + 1] += s1;
        C[o3 + 2] += s2;
        C[o3 + 3] += s3;
      } else {
        C[o0] = p0;
        C[o0 + 1] = p1;
        C[o0 + 2] = p2;
        C[o0 + 3] = p3;
        C[o1] = q0;
        C[o1 + 1] = q1;
        C[o1 + 2] = q2;
        C[o1 + 3] = q3;
        C[o2] = r0;
        C[o2 + 1] = r1;
        C[o2 + 2] = r2;
        C[o2 + 3] = r3;
        C[o3] = s0;
        C[o3 + 1] = s1;
        C[o3 + 2] = s2;
        C[o3 + 3] = s3;
      }
    }
  }
  for (; m + 2 <= M; m += 2) {
    const a0 = aOff + m * lda;
    const a1 = a0 + lda;
    const c0 = cOff + m * ldc;
    const c1 = c0 + ldc;
    let n = 0;
    for (; n + 4 <= N; n += 4) {
      const b0 = bOff + n * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let p0 = 0,
        p1 = 0,
        p2 = 0,
        p3 = 0,
        q0 = 0,
        q1 = 0,
        q2 = 0,
        q3 = 0;
      for (let k = 0; k < K; k++) {
        const u = A[a0 + k];
        const v = A[a1 + k];
        const w0 = B[b0 + k],
          w1 = B[b1 + k],
          w2 = B[b2 + k],
          w3 = B[b3 + k];
        p0 += u * w0;
        p1 += u * w1;
        p2 += u * w2;
        p3 += u * w3;
        q0 += v * w0;
        q1 += v * w1;
        q2 += v * w2;
        q3 += v * w3;
      }
      if (accumulate) {
        C[c0 + n] += p0;
        C[c0 + n + 1] += p1;
        C[c0 + n + 2] += p2;
        C[c0 + n + 3] += p3;
        C[c1 + n] += q0;
        C[c1 + n + 1] += q1;
        C[c1 + n + 2] += q2;
        C[c1 + n + 3] += q3;
      } else {
        C[c0 + n] = p0;
        C[c0 + n + 1] = p1;
        C[c0 + n + 2] = p2;
        C[c0 + n + 3] = p3;
        C[c1 + n] = q0;
        C[c1 + n + 1] = q1;
        C[c1 + n + 2] = q2;
        C[c1 + n + 3] = q3;
      }
    }
    for (; n < N; n++) {
      const b0 = bOff + n * ldb;
      let p = 0,
        q = 0;
      for (let k = 0; k < K; k++) {
        p += A[a0 + k] * B[b0 + k];
        q += A[a1 + k] * B[b0 + k];
      }
      C[c0 + n] = accumulate ? C[c0 + n] + p : p;
      C[c1 + n] = accumulate ? C[c1 + n] + q : q;
    }
  }
  for (; m < M; m++) {
    const a0 = aOff + m * lda;
    const c0 = cOff + m * ldc;
    for (let n = 0; n < N; n++) {
      const b0 = bOff + n * ldb;
      let p = 0;
      for (let k = 0; k < K; k++) p += A[a0 + k] * B[b0 + k];
      C[c0 + n] = accumulate ? C[c0 + n] + p : p;
    }
  }
}

/** C[m][n] = sum over k of A[k][m] B[k][n] (weight gradients: inputs^T times output gradients) */
export function gemmTN(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  lda: number,
  B: Float32Array,
  bOff: number,
  ldb: number,
  C: Float32Array,
  cOff: number,
  ldc: number,
): void {
  let m = 0;
  for (; m + 4 <= M && N % 4 === 0; m += 4) {
    const c0 = cOff + m * ldc;
    for (let n = 0; n < N; n += 4) {
      let p0 = 0,
        p1 = 0,
        p2 = 0,
        p3 = 0,
        q0 = 0,
        q1 = 0,
        q2 = 0,
        q3 = 0,
        r0 = 0,
        r1 = 0,
        r2 = 0,
        r3 = 0,
        s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let k = 0, a = aOff + m, bk = bOff + n; k < K; k++, a += lda, bk += ldb) {
        const b0 = B[bk],
          b1 = B[bk + 1],
          b2 = B[bk + 2],
          b3 = B[bk + 3];
        const u = A[a];
        p0 += u * b0;
        p1 += u * b1;
        p2 += u * b2;
        p3 += u * b3;
        const v = A[a + 1];
        q0 += v * b0;
        q1 += v * b1;
        q2 += v * b2;
        q3 += v * b3;
        const w = A[a + 2];
        r0 += w * b0;
        r1 += w * b1;
        r2 += w * b2;
        r3 += w * b3;
        const x = A[a + 3];
        s0 += x * b0;
        s1 += x * b1;
        s2 += x * b2;
        s3 += x * b3;
      }
      const o0 = c0 + n;
      const o1 = o0 + ldc;
      const o2 = o1 + ldc;
      const o3 = o2 + ldc;
      C[o0] = p0;
      C[o0 + 1] = p1;
      C[o0 + 2] = p2;
      C[o0 + 3] = p3;
      C[o1] = q0;
      C[o1 + 1] = q1;
      C[o1 + 2] = q2;
      C[o1 + 3] = q3;
      C[o2] = r0;
      C[o2 + 1] = r1;
      C[o2 + 2] = r2;
      C[o2 + 3] = r3;
      C[o3] = s0;
      C[o3 + 1] = s1;
      C[o3 + 2] = s2;
      C[o3 + 3] = s3;
    }
  }
  for (; m + 2 <= M; m += 2) {
    const c0 = cOff + m * ldc;
    const c1 = c0 + ldc;
    let n = 0;
    for (; n + 4 <= N; n += 4) {
      let p0 = 0,
        p1 = 0,
        p2 = 0,
        p3 = 0,
        q0 = 0,
        q1 = 0,
        q2 = 0,
        q3 = 0;
      for (let k = 0, a = aOff + m, bk = bOff + n; k < K; k++, a += lda, bk += ldb) {
        const u = A[a];
        const v = A[a + 1];
        const b0 = B[bk],
          b1 = B[bk + 1],
          b2 = B[bk + 2],
          b3 = B[bk + 3];
        p0 += u * b0;
        p1 += u * b1;
        p2 += u * b2;
        p3 += u * b3;
        q0 += v * b0;
        q1 += v * b1;
        q2 += v * b2;
        q3 += v * b3;
      }
      C[c0 + n] = p0;
      C[c0 + n + 1] = p1;
      C[c0 + n + 2] = p2;
      C[c0 + n + 3] = p3;
      C[c1 + n] = q0;
      C[c1 + n + 1] = q1;
      C[c1 + n + 2] = q2;
      C[c1 + n + 3] = q3;
    }
    for (; n < N; n++) {
      let p = 0,
        q = 0;
      for (let k = 0, a = aOff + m, bk = bOff + n; k < K; k++, a += lda, bk += ldb) {
        p += A[a] * B[bk];
        q += A[a + 1] * B[bk];
      }
      C[c0 + n] = p;
      C[c1 + n] = q;
    }
  }
  for (; m < M; m++) {
    const c0 = cOff + m * ldc;
    for (let n = 0; n < N; n++) {
      let p = 0;
      for (let k = 0, a = aOff + m, bk = bOff + n; k < K; k++, a += lda, bk += ldb) p += A[a] * B[bk];
      C[c0 + n] = p;
    }
  }
}
