// Jest loads global setup outside its own module transform, so the TypeScript preparation runs through tsx.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  // Names this run's databases; the jest workers inherit it.
  process.env.VCIO_TEST_RUN = String(process.pid);
  const { prepareTestDatabases } = await tsImport('./prepare-databases.ts', import.meta.url);
  await prepareTestDatabases();
}
