#!/usr/bin/env node
// The CLI is TypeScript run through tsx, the same way tests and the local stack run it.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
