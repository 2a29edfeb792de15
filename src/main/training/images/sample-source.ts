/**
 * What the trainer and predictors read: a numbered set of samples that can write themselves into a batch
 * buffer on demand, so a full intraday set never has to be in memory at once.
 */
export interface SampleSource {
  /** Number of samples. */
  readonly count: number;
  /** Shape of one sample: [height, width, channels] for images, [features] for last-bar vectors. */
  readonly shape: number[];
  /** Writes sample i (product(shape) floats, row-major HWC) into out starting at offset. */
  fill(i: number, out: Float32Array, offset: number): void;
  /** Class index of sample i: 0 down, 1 flat, 2 up; -1 if it has no label yet. */
  label(i: number): number;
  /** Sample date of sample i, 'YYYY-MM-DD'. */
  date(i: number): string;
}
