import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { esbuildOptions, lambdaBundling, resolveEntry } from '#infra/bundling';
import { functionDefs } from '#infra/wiring';

/**
 * Production runs the AWS SDK the tests ran: every function bundles its clients instead of taking the
 * Lambda runtime's copy, which can predate fields Tandem sends (SESv2 `Simple.Headers`, `Attachments`).
 */

let workdir: string;

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'tandem-bundle-probe-'));
});
afterAll(async () => {
  await rm(workdir, { recursive: true, force: true });
});

it('leaves no package external, the AWS SDK included, in the deploy and in the benchmark', () => {
  expect(lambdaBundling.externalModules ?? []).toEqual([]);
  expect(esbuildOptions('entry.ts', 'out').external ?? []).toEqual([]);
});

it('bundles the installed SESv2 client into sendMail', async () => {
  const { metafile } = await build({
    ...esbuildOptions(resolveEntry(functionDefs.sendMail.entry), join(workdir, 'sendMail')),
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  const inputs = Object.keys(metafile.inputs);
  expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/client-sesv2/'))).toBe(true);
});

it('sends List-Unsubscribe headers and attachments through the bundled SDK, as ESM with require', async () => {
  // Prepare: a probe built with the functions' esbuild options, whose request handler records the body.
  const entry = join(workdir, 'probe.ts');
  await writeFile(
    entry,
    `import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
let body = '';
const client = new SESv2Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  maxAttempts: 1,
  requestHandler: { handle: async (request) => { body = new TextDecoder().decode(request.body); throw new Error('recorded'); } },
});
await client.send(new SendEmailCommand({
  FromEmailAddress: 'rounds@tandem.example.org',
  Destination: { ToAddresses: ['member@tandem.example.org'] },
  Content: { Simple: {
    Subject: { Data: 'Topic 1' }, Body: { Text: { Data: 'Hello' } },
    Headers: [{ Name: 'List-Unsubscribe', Value: '<https://links.example.org/u>' }],
    Attachments: [{ FileName: 'topic.txt', RawContent: new TextEncoder().encode('topic') }],
  } },
})).catch(() => {});
console.log(body);
`,
  );
  // The probe lives outside the repository: it finds the installed SDK through nodePaths only.
  await build({
    ...esbuildOptions(entry, join(workdir, 'probe')),
    nodePaths: [resolveEntry('node_modules')],
    logLevel: 'error',
  });

  // Act
  const { stdout } = await promisify(execFile)(process.execPath, [join(workdir, 'probe', 'index.mjs')]);

  // Assess
  const { Content } = JSON.parse(stdout) as {
    Content: { Simple: { Headers: unknown[]; Attachments: { FileName: string }[] } };
  };
  expect(Content.Simple.Headers).toEqual([
    { Name: 'List-Unsubscribe', Value: '<https://links.example.org/u>' },
  ]);
  expect(Content.Simple.Attachments).toMatchObject([{ FileName: 'topic.txt' }]);
});
