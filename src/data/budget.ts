// The data pass of one config has a budget: bytes decoded, pixels decoded and seconds. Git stores
// identical files once, so a pull request of a few kilobytes can name gigabytes of work (300 copies of
// one 16 KB PNG of 4096x4096 pixels, a 4 MB .npz that inflates to 4 GB named as both train and
// validation); the budget turns that into a data-error naming the file, not minutes of a runner.
import { fail } from './problem.ts';
import type { DataLimits } from './types.ts';

export class DataBudget {
  private bytes = 0;
  private pixels = 0;
  private readonly started = performance.now();

  /** this config's seconds: its own limit, or what the run has left when that is less */
  private readonly seconds: number;
  private readonly runLimited: boolean;

  /** `runSecondsSpent`: data seconds the run's earlier configs took (the run's budget is shared). */
  constructor(
    readonly limits: Pick<DataLimits, 'maxDecodedBytesPerConfig' | 'maxPixelsPerConfig' | 'maxDataSecondsPerConfig'> &
      Partial<Pick<DataLimits, 'maxDataSecondsPerRun'>>,
    runSecondsSpent = 0,
  ) {
    const runLeft = (limits.maxDataSecondsPerRun ?? Infinity) - runSecondsSpent;
    this.seconds = Math.min(limits.maxDataSecondsPerConfig, runLeft);
    this.runLimited = runLeft < limits.maxDataSecondsPerConfig;
  }

  /** Seconds this budget has run so far. */
  get elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Counts `n` more bytes read or inflated for `file`; fails once the config's total passes its limit. */
  spendBytes(n: number, file: string, where: { key?: string } = {}): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxDecodedBytesPerConfig) {
      fail(
        `with this file the data of this config comes to ${formatMiB(this.bytes)} read or decoded; one config's data may come to at most ${formatMiB(this.limits.maxDecodedBytesPerConfig)} (train and validation together, each file counted every time it is named)`,
        { file, ...where },
      );
    }
    this.checkTime(file, where);
  }

  /** Counts the pixels of one more image before it is decoded. */
  spendPixels(n: number, file: string): void {
    this.pixels += n;
    if (this.pixels > this.limits.maxPixelsPerConfig) {
      fail(
        `with this image the images of this config come to ${this.pixels.toLocaleString('en-US')} pixels; one config may decode at most ${this.limits.maxPixelsPerConfig.toLocaleString('en-US')} (train and validation together, each file counted every time it is read)`,
        { file },
      );
    }
  }

  /** Fails once the data pass of this config has run longer than its seconds. */
  checkTime(file: string, where: { key?: string } = {}): void {
    if (this.elapsedSeconds > this.seconds) {
      const why = this.runLimited
        ? `the data of all configs of this run may take ${this.limits.maxDataSecondsPerRun}s together, and this config got the ${Math.max(0, Math.round(this.seconds))}s left`
        : `reading the data of this config took more than ${this.limits.maxDataSecondsPerConfig}s, the limit for one config`;
      fail(`${why}; it stopped in this file`, { file, ...where });
    }
  }

  get bytesLeft(): number {
    return Math.max(0, this.limits.maxDecodedBytesPerConfig - this.bytes);
  }

  get pixelsLeft(): number {
    return Math.max(0, this.limits.maxPixelsPerConfig - this.pixels);
  }
}

/** Bytes for a message: plain bytes below 1 MiB, else MiB. */
export function formatMiB(bytes: number): string {
  if (bytes < 1024 ** 2) return `${bytes.toLocaleString('en-US')} bytes`;
  return `${(bytes / 1024 ** 2).toFixed(bytes < 10 * 1024 ** 2 ? 1 : 0)} MiB`;
}
