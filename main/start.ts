/**
 * `npm start`: runs the desktop app where an Electron binary is installed, otherwise (or with
 * `--web`) web mode: one Node process serving the app on 127.0.0.1 for a browser tab.
 *
 *   npm start -- [--web] [--port N] [--no-open] [--project PATH]
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

import { isStagecraftError, StagecraftError } from '../shared/errors.js';
import { findElectronBinary, PROJECT_SWITCH } from './electron/binary.js';
import { configureLogging, createLogger } from './log.js';
import { defaultStartFolder } from './services/environment.js';
import { resolveStartProject } from './services/startup.js';

const log = createLogger('start');

const USAGE = `Usage: npm start -- [--web] [--port N] [--no-open] [--project PATH]

Starts Stagecraft: the desktop app where Electron is installed, otherwise web mode.

Options:
  --web           run in web mode even where Electron is installed
  --port N        web mode: listen on 127.0.0.1 port N (default: a free port)
  --no-open       web mode: print the address but do not open a browser
  --project PATH  open this .stagecraft project file (relative to the folder you start in);
                  it must exist (default: the last project, or the sample on a first start)
  --help          show this help

The project menu of the toolbar opens, creates and switches projects while the app runs.
`;

interface StartOptions {
  web: boolean;
  port: number;
  open: boolean;
  /** The --project value as given, resolved later against the start folder. */
  project: string | undefined;
}

function parseOptions(argv: string[]): StartOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      web: { type: 'boolean', default: false },
      port: { type: 'string' },
      'no-open': { type: 'boolean', default: false },
      project: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    return undefined;
  }

  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `--port ${values.port} is not a port number; give a whole number from 0 to 65535.`,
    );
  }

  if (values.project === '') {
    throw new StagecraftError(
      'usage',
      '--project needs the path of a .stagecraft project file, but is empty.',
    );
  }

  return { web: values.web, port, open: !values['no-open'], project: values.project };
}

/** Opens `url` in the default browser; a failure is logged, since the address is printed. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];

  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', (error) => {
    log.warn('could not open a browser; open the printed address yourself', { command, error });
  });
  child.unref();
}

async function startWebMode(options: StartOptions, project: string | undefined): Promise<void> {
  // Imported here, not at the top, so that launching the desktop app does not load them. The
  // services and web server took 0.4 to 0.7 s to load compiled, on two cores under load.
  const { appRoot } = await import('./services/app-root.js');
  const { createAppEnvironment, createWindowServices, testHostOverrides } =
    await import('./services/index.js');
  const { openInitialProject } = await import('./services/startup.js');
  const { startWebServer } = await import('./web/server.js');
  const { defaultRendererFolder } = await import('./web/static.js');

  const environment = createAppEnvironment({ mode: 'web' });
  const hostOverrides = testHostOverrides(process.env);
  const services = createWindowServices(
    environment,
    hostOverrides === undefined ? {} : { simulator: { hostOverrides } },
  );
  if (project === undefined) {
    await openInitialProject(services, environment);
  } else {
    // Unlike the last project, a project named on the command line must open, or start fails.
    await services.handlers.project.open({ path: project });
  }

  const server = await startWebServer({
    services,
    rendererFolder: defaultRendererFolder(appRoot()),
    port: options.port,
  });

  // The address goes to standard output, not the log, because it contains the token.
  process.stdout.write(
    `Stagecraft is running in web mode. Open this address:\n\n  ${server.pageUrl}\n\n`,
  );
  process.stdout.write('Press Ctrl+C to stop.\n');
  if (options.open) {
    openBrowser(server.pageUrl);
  }

  const stop = (signal: string) => {
    log.info('stopping', { signal });
    void server
      .close()
      .then(() => {
        services.close();
        return services.dispose();
      })
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function startElectron(binary: string, project: string | undefined): Promise<void> {
  const { buildElectronMain } = await import('./electron/build.js');
  const main = buildElectronMain();
  log.info('starting the desktop app', { binary, main, project });

  const args = project === undefined ? [main] : [main, PROJECT_SWITCH, project];
  const child = spawn(binary, args, { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function main(): Promise<number> {
  if (process.env.STAGECRAFT_LOG_LEVEL === undefined) {
    configureLogging({ level: 'info' });
  }

  const options = parseOptions(process.argv.slice(2));
  if (options === undefined) {
    process.stdout.write(USAGE);
    return 0;
  }

  // Checked before either mode starts, so a wrong path fails fast with the fix.
  const project =
    options.project === undefined
      ? undefined
      : resolveStartProject(options.project, defaultStartFolder());

  const binary = options.web ? undefined : findElectronBinary();
  if (binary !== undefined) {
    await startElectron(binary, project);
    return 0;
  }

  if (!options.web) {
    log.info('no Electron binary is installed; starting web mode');
  }
  await startWebMode(options, project);
  return 0;
}

main().catch((error: unknown) => {
  const message =
    isStagecraftError(error) || error instanceof Error ? error.message : String(error);
  log.error('start failed', { error });
  process.stderr.write(`stagecraft: ${message}\n`);
  process.exit(isStagecraftError(error) ? 2 : 1);
});
