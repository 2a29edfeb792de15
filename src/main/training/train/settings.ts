/** Training settings live in src/shared/training.ts (the app edits them too); the engine imports them from here. */
export {
  DEFAULT_TRAIN,
  type EpochMetrics,
  type TrainProgress,
  type TrainSettings,
} from '../../../shared/training';
