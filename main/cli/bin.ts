/** Process entry point of the `stagecraft` command line. */
import type { CommandIo } from './command.js';
import { runCli } from './main.js';

const io: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
};

process.exitCode = await runCli(process.argv.slice(2), io);
