/**
 * Pulling flows from a server into a project. Every flow is downloaded and read before the
 * project changes, and all of them are imported in one transaction at the end, so a failure
 * (a dropped connection, an unreadable export) leaves the project as it was.
 *
 * Each export goes through the blueprint writer and reader once more before the import. The
 * writer drops the server's primary keys where a natural key identifies the object and writes
 * references as `!KeyOf`. So the project gets the same objects as from an imported Stagecraft
 * file, matched to the objects the project already has by their identifiers.
 */
import { createHash } from 'node:crypto';

import { readBlueprint } from '../../shared/blueprint/reader.js';
import { validateDocument } from '../../shared/blueprint/validate.js';
import { writeBlueprint } from '../../shared/blueprint/writer.js';
import { StagecraftError } from '../../shared/errors.js';
import type { PullReport, PullResult } from '../../shared/server/types.js';
import { importBlueprints } from '../blueprints/import.js';
import type { LoadedBlueprint } from '../blueprints/load.js';
import { isFatalProblem } from '../blueprints/load.js';
import { createLogger } from '../log.js';
import type { ProjectStore } from '../project/index.js';
import type { AuthentikApi } from './api.js';
import { fetchRemoteFlow, KeyLookup } from './remote.js';

const log = createLogger('server.pull');

/** Options of {@link pullFlows}. */
export interface PullOptions {
  /** Called before each step, e.g. `Downloading flow default-authentication-flow`. */
  onStep?: (detail: string) => void;
}

/**
 * Downloads flows with their stages, prompts, policies and bindings and imports them into the
 * project as one undo step. Throws `server-flow-not-found` for an unknown slug and
 * `blueprint-invalid` when an export cannot be imported; the project is unchanged then.
 */
export async function pullFlows(
  api: AuthentikApi,
  store: ProjectStore,
  slugs: string[],
  options: PullOptions = {},
): Promise<PullResult> {
  const step = options.onStep ?? (() => undefined);
  const host = new URL(api.server).host;
  const lookup = new KeyLookup(api);
  const version = store.info().authentikVersion;

  const loaded: LoadedBlueprint[] = [];
  const reports: PullReport[] = [];
  for (const slug of slugs) {
    step(`Downloading flow ${slug}`);
    const remote = await fetchRemoteFlow(api, slug, lookup);

    const file = `${host}/${slug}.yaml`;
    const written = writeBlueprint(remote.objects, { name: `${slug} from ${host}` });
    const document = readBlueprint(written.text, { file });
    const problems = validateDocument(document, { authentikVersion: version });
    const fatal = problems.find(isFatalProblem);
    if (fatal !== undefined) {
      throw new StagecraftError(
        'blueprint-invalid',
        `The flow ${slug} from ${api.server} cannot be imported: ${fatal.message} Nothing was pulled.`,
        { slug, problems },
      );
    }

    loaded.push({
      path: file,
      sha256: createHash('sha256').update(remote.text).digest('hex'),
      document,
      problems,
    });
    reports.push({
      slug,
      entries: remote.objects.length,
      lookups: remote.lookups,
      unresolved: remote.unresolved,
      problems,
    });
  }

  step('Saving the pulled objects');
  const result = importBlueprints(store, loaded);
  log.info('flows pulled', {
    server: api.server,
    project: store.path,
    slugs,
    created: result.created,
    updated: result.updated,
  });

  return { server: api.server, flows: reports, created: result.created, updated: result.updated };
}
