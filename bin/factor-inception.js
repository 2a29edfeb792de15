#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the engine needs no separate build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

register();
const here = path.dirname(fileURLToPath(import.meta.url));
const { main } = await import(path.join(here, '../src/cli/index.ts'));
process.exitCode = await main(process.argv.slice(2));
