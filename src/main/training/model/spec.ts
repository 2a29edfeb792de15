/**
 * The model spec lives in src/shared/model.ts (the app edits it too); the engine imports it from here, with the
 * check the builders rely on. No tfjs here, so configs resolve without loading it.
 */
import { configErrorFromZod, modelSchema } from '../../../shared/config';
import { ConfigError } from '../../../shared/errors';
import type { ModelSpec } from '../../../shared/model';

export {
  DEFAULT_MODEL,
  MODEL_PRESETS,
  modelInput,
  type ModelPreset,
  type ModelSpec,
} from '../../../shared/model';

/** Throws ConfigError for a spec the builders cannot use. */
export function validateSpec(spec: ModelSpec): void {
  // field bounds come from the one model schema; auxHeads spans two fields
  const parsed = modelSchema.safeParse(spec);
  if (!parsed.success) {
    const e = configErrorFromZod(parsed.error);
    throw new ConfigError(`model.${e.field}`, e.message.slice(e.field.length + 2));
  }
  if (spec.auxHeads && spec.preset !== 'googlenet')
    throw new ConfigError('model.auxHeads', `auxiliary heads exist only for googlenet, not '${spec.preset}'`);
}
