/**
 * The final model of a run in tfjs layers format: model.json + weights.bin, each written atomically, loaded
 * with a file-free handler so it works in plain Node on any backend. Kept apart from the run registry so that
 * reading run folders (the app's main process) never loads tfjs.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../../shared/errors';
import '../model/lrn';
import { writeFileAtomic } from './atomic';
import { tf } from './tf';

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new ConfigError(file, `cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Writes model.json + weights.bin (tfjs layers format) into dir, each atomically. */
export async function saveModel(dir: string, model: tf.LayersModel): Promise<void> {
  await model.save({
    save: async (a: tf.io.ModelArtifacts) => {
      const data =
        a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
      writeFileAtomic(path.join(dir, 'weights.bin'), new Uint8Array(data));
      const json = {
        modelTopology: a.modelTopology,
        format: a.format ?? 'layers-model',
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
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
  const json = readJson<{
    modelTopology: object;
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  }>(jsonFile);
  const buf = readFileSync(path.join(dir, json.weightsManifest[0].paths[0]));
  const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  return tf.loadLayersModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy ?? undefined,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData,
    }),
  });
}

/** The final model of a run folder. */
export function loadRunModel(runDir: string): Promise<tf.LayersModel> {
  return loadModel(runDir);
}
