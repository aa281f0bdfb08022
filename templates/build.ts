// Writes templates/compiled/index.ts, or with --check (CI) fails when the committed file is stale. Either
// fails, after writing, while a shipped language lacks a text: every missing one is listed.
import { readFile, writeFile } from 'node:fs/promises';
import { compiledModulePath, compileTemplates, TemplateBuildError } from './compile.ts';

const check = process.argv.includes('--check');

try {
  const { module, missing } = await compileTemplates();
  if (check) {
    const committed = await readFile(compiledModulePath, 'utf8').catch(() => '');
    if (committed !== module) {
      console.error(
        'templates/compiled/index.ts does not match its sources in templates/mails, templates/messages and templates/topics.\n' +
          'Run `npm run templates:build` and commit the result.',
      );
      process.exitCode = 1;
    } else {
      console.log('templates/compiled/index.ts is up to date.');
    }
  } else {
    await writeFile(compiledModulePath, module);
    console.log('Wrote templates/compiled/index.ts.');
  }
  if (missing.length > 0) {
    console.error(
      `Translations missing (${missing.length}); these fall back to English:\n${missing.map((m) => `  ${m}`).join('\n')}`,
    );
    process.exitCode = 1;
  }
} catch (error) {
  if (!(error instanceof TemplateBuildError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
