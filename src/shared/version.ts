import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths.js';

const packageJsonPath = path.join(packageRoot, 'package.json');

/** The package version, read once from package.json (works from src/ and dist/). */
export const packageVersion: string = (
  JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as { version: string }
).version;
