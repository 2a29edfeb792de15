/** The model spec lives in src/shared/model.ts (the app edits it too); the engine imports it from here. */
export {
  DEFAULT_MODEL,
  MODEL_PRESETS,
  modelInput,
  type ModelPreset,
  type ModelSpec,
} from '../../../shared/model';
