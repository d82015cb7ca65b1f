import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, whether the code runs from `src/` (tsx, jest) or from `dist/`. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const templatesDir = path.join(packageRoot, 'templates');
export const migrationsDir = path.join(packageRoot, 'migrations');
