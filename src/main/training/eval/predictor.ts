/**
 * What importance and saliency need from a model: class probabilities for a batch of images. A plain function,
 * so the CNN (train/image-predictor.ts), a stand-in in a test, or any other model can be explained the same way.
 */

/**
 * Probabilities (count x 3, row-major, rows summing to 1) of `count` images laid one after another in `images`,
 * each in the dataset's HWC order. Must not keep or modify `images`.
 */
export type ImagePredictor = (images: Float32Array, count: number) => ArrayLike<number>;
