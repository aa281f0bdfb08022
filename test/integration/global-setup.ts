import type { TestProject } from 'vitest/node';
import { VirtualClock } from '#local/clock';
import { freePorts } from '#local/free-port';
import { startLocalStack } from '#local/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The environment that points SDK clients and handlers at the shared local stack. */
    stackEnv: Record<string, string>;
    sesUrl: string;
    sesFaultsUrl: string;
    controlUrl: string;
  }
}

/** Starts one local stack for the whole integration run, on free ports, with a virtual clock. */
export default async function setup(project: TestProject) {
  const before = { ...process.env };
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const stack = await startLocalStack({
    ports: await freePorts(),
    clock: new VirtualClock(new Date('2027-03-01T00:00:00Z')),
    sesFaults: true,
  });
  const stackEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && before[key] !== value) stackEnv[key] = value;
  }
  project.provide('stackEnv', stackEnv);
  project.provide('sesUrl', stack.urls.ses);
  project.provide('sesFaultsUrl', `${stack.urls.sesApi}/_local/faults`);
  project.provide('controlUrl', `${stack.urls.gateway}/_local`);
  return () => stack.stop();
}
