#!/usr/bin/env node
// The `stagecraft` command: the compiled command line from dist/ when it is up to date
// (`npm run build`), and the TypeScript sources through tsx otherwise.
import { launch } from './launch.mjs';

await launch('cli/bin');
