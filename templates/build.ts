// Writes templates/compiled/index.ts, or with --check (CI) fails when the committed file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { compiledModulePath, compileTemplates, TemplateBuildError } from './compile.ts';

const check = process.argv.includes('--check');

try {
  const fresh = await compileTemplates();
  if (check) {
    const committed = await readFile(compiledModulePath, 'utf8').catch(() => '');
    if (committed !== fresh) {
      console.error(
        'templates/compiled/index.ts does not match its sources in templates/mails and templates/topics.\n' +
          'Run `npm run templates:build` and commit the result.',
      );
      process.exitCode = 1;
    } else {
      console.log('templates/compiled/index.ts is up to date.');
    }
  } else {
    await writeFile(compiledModulePath, fresh);
    console.log('Wrote templates/compiled/index.ts.');
  }
} catch (error) {
  if (!(error instanceof TemplateBuildError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
