import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** package.json's subpath imports (`#core/*` → `./functions/core/*.ts`), to resolve aliases as Node does. */
const aliases = Object.entries(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { imports: Record<string, string> })
    .imports,
).map(([alias, target]) => {
  const [before = '', after = ''] = target.split('*');
  return { prefix: alias.replace('*', ''), before, after };
});

const posix = (path: string) => path.split(sep).join('/');

/** TypeScript sources under a folder of the repository, by their path from the root. */
const sourcesIn = (folder: string): string[] =>
  readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => posix(join(folder, file)));

/**
 * Every module a source file imports — static, type-only, re-exported or dynamic — as a path from the
 * repository root for our own modules, or as written for packages.
 */
const importsOf = (file: string): string[] => {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] as string);
  return specifiers.map((specifier) => {
    if (specifier.startsWith('.'))
      return posix(relative(root, resolve(dirname(join(root, file)), specifier)));
    const alias = aliases.find(({ prefix }) => specifier.startsWith(prefix));
    return alias
      ? posix(join(alias.before, `${specifier.slice(alias.prefix.length)}${alias.after}`))
      : specifier;
  });
};

/** Each forbidden import of the files, as `file → module`. */
const violations = (files: readonly string[], forbidden: (module: string, file: string) => boolean) =>
  files.flatMap((file) =>
    importsOf(file)
      .filter((module) => forbidden(module, file))
      .map((module) => `${file} → ${module}`),
  );

const AWS_SDK = /^@(aws-sdk|smithy)\//;

/**
 * CLI modules that may talk to AWS themselves, and why. Finding a stage's stack (CloudFormation's
 * DescribeStacks) is how the target is found, before there are ports to hand to any use case.
 */
const CLI_AWS_ALLOWED: Record<string, RegExp> = {
  'cli/stage-outputs.ts': /^@aws-sdk\/client-cloudformation$/,
};

describe('the dependency rules', () => {
  it('sees the imports of a module (cli/target.ts builds the adapters)', () => {
    // Act
    const imports = importsOf('cli/target.ts');

    // Assess
    expect(imports).toEqual(
      expect.arrayContaining([
        'functions/adapters/dynamo-store.ts',
        'functions/adapters/raw-mail-eraser.ts',
        'functions/ports/store.ts',
        'cli/errors.ts',
      ]),
    );
  });

  it('keeps every CLI module but cli/target.ts away from the adapters and the AWS SDK', () => {
    // Act
    const found = violations(
      sourcesIn('cli').filter((file) => file !== 'cli/target.ts'),
      (module, file) =>
        module.startsWith('functions/adapters/') ||
        (AWS_SDK.test(module) && !CLI_AWS_ALLOWED[file]?.test(module)),
    );

    // Assess: build the adapter in cli/target.ts and hand the use case its port.
    expect(found).toEqual([]);
  });

  it('keeps the core pure: no adapters, handlers, use cases, infrastructure, local stack, CLI or AWS SDK', () => {
    // Act
    const found = violations(
      sourcesIn('functions/core'),
      (module) =>
        /^(functions\/(adapters|handlers|use-cases)|infra|local|cli)\//.test(module) || AWS_SDK.test(module),
    );

    // Assess
    expect(found).toEqual([]);
  });

  it('writes process.env nowhere: configuration and clients are passed in', () => {
    // Prepare: an assignment to a variable, a merge into the environment, or a delete from it.
    const WRITE =
      /process\.env(\.\w+|\[[^\]]+\])\s*(=(?!=)|\?\?=|\|\|=)|Object\.assign\(\s*process\.env\b|delete\s+process\.env/;

    // Act
    const found = ['functions', 'local', 'cli', 'infra', 'bench', 'test'].flatMap((folder) =>
      sourcesIn(folder).filter((file) => WRITE.test(readFileSync(join(root, file), 'utf8'))),
    );

    // Assess: pass what a module needs (see createDeps, startLocalStack's logLevel, a child's `env`).
    expect(found).toEqual([]);
  });
});
