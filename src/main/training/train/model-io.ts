/**
 * The final model of a run in tfjs layers format: model.json + weights.bin, each written atomically, loaded
 * with a file-free handler so it works in plain Node on any backend. Kept apart from the run registry so that
 * reading run folders (the app's main process) never loads tfjs.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, DataError } from '../../../shared/errors';
import '../model/lrn';
import { writeFileAtomic } from './atomic';
import { readStoredBytes, readStoredJson, sha256Hex } from './stored';
import { tf } from './tf';

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** model.json as saveModel writes it; `weightsSha256` is absent in runs saved before checksums were. */
const modelJsonSchema = z.looseObject({
  modelTopology: z.looseObject({}),
  format: z.string().optional(),
  generatedBy: z.string().optional(),
  convertedBy: z.string().nullable().optional(),
  weightsManifest: z
    .array(
      z.looseObject({
        paths: z.tuple([z.literal('weights.bin')]),
        weights: z.array(
          z.looseObject({
            name: z.string(),
            shape: z.array(z.number().int().min(0)),
            dtype: z.enum(['float32', 'int32', 'bool']),
          }),
        ),
      }),
    )
    .length(1),
  weightsBytes: z.number().int().min(0).optional(),
  weightsSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

/** Writes model.json + weights.bin (tfjs layers format) into dir, each atomically. */
export async function saveModel(dir: string, model: tf.LayersModel): Promise<void> {
  await model.save({
    save: async (a: tf.io.ModelArtifacts) => {
      const data =
        a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
      const bytes = new Uint8Array(data);
      writeFileAtomic(path.join(dir, 'weights.bin'), bytes);
      const json = {
        modelTopology: a.modelTopology,
        format: a.format ?? 'layers-model',
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
        // checked on load: a flipped byte in weights.bin must refuse the model, not predict from it
        weightsBytes: bytes.byteLength,
        weightsSha256: sha256Hex(bytes),
      };
      writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(json));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: data.byteLength,
        },
      };
    },
  });
}

/** Loads model.json + weights.bin from dir with a file-free handler (works in plain Node, any backend). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const jsonFile = path.join(dir, 'model.json');
  if (!existsSync(jsonFile))
    throw new ConfigError('run', `${dir} has no model.json (the run has not finished)`);
  const json = readStoredJson(jsonFile, modelJsonSchema);
  const specs = json.weightsManifest[0].weights;
  const expected = specs.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1) * DTYPE_BYTES[w.dtype], 0);
  if (json.weightsBytes !== undefined && json.weightsBytes !== expected)
    throw new DataError(jsonFile, `lists weights of ${expected} bytes but records ${json.weightsBytes}`, {
      field: 'weightsBytes',
    });
  const weightsFile = path.join(dir, 'weights.bin');
  // runs saved before checksums existed are checked for their length only
  const buf = readStoredBytes(weightsFile, { bytes: expected, sha256: json.weightsSha256 });
  const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  return tf.loadLayersModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy ?? undefined,
      weightSpecs: specs as tf.io.WeightsManifestEntry[],
      weightData,
    }),
  });
}

/** The final model of a run folder. */
export function loadRunModel(runDir: string): Promise<tf.LayersModel> {
  return loadModel(runDir);
}
