/** Model presets and options, shared by the trainer, the study, the CLI and the app. Pure: no tfjs import. */
export const MODEL_PRESETS = ['googlenet', 'compact', 'logreg', 'mlp', 'cnn'] as const;
export type ModelPreset = (typeof MODEL_PRESETS)[number];

export interface ModelSpec {
  preset: ModelPreset;
  /** Width multiplier on every filter count (1 = the paper's counts). */
  width: number;
  /** 'paper' = 3x3 kernels in the 3x3 branches; 'original-1x1' = the original study's 1x1 mistake. */
  branch3x3: 'paper' | 'original-1x1';
  batchNorm: boolean;
  /** Local response normalisation after the stem convolutions (as in the paper). */
  lrn: boolean;
  /** Auxiliary classifier heads after 4a and 4d (googlenet only), loss weight 0.3. */
  auxHeads: boolean;
  /** Dropout before the final dense layer (fraction of units). */
  dropout: number;
}

export const DEFAULT_MODEL: ModelSpec = {
  preset: 'compact',
  width: 0.25,
  branch3x3: 'paper',
  batchNorm: false,
  lrn: true,
  auxHeads: false,
  dropout: 0.4,
};

/** Which input a preset reads: the factor image, or the last bar's factors of every channel (baselines). */
export function modelInput(preset: ModelPreset): 'image' | 'last-bar' {
  return preset === 'logreg' || preset === 'mlp' ? 'last-bar' : 'image';
}
