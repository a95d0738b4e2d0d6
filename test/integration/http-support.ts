// Shared fixtures of the HTTP layer tests: the Discord failure cases as recordings, the policies
// of authentik's Discord guide, and a global dispatcher that refuses every connection.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { getGlobalDispatcher, MockAgent, setGlobalDispatcher } from 'undici';
import type { Dispatcher } from 'undici';

import { Redactor } from '../../main/http/redact.js';
import type { HttpExchangeData } from '../../shared/http/exchange.js';
import type { Recording } from '../../shared/http/recording.js';
import { RECORDING_FORMAT, RECORDING_VERSION } from '../../shared/http/recording.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';

const SHARED = '../shared';

/** Reads a file of the reference folder next to the repository. */
export function readShared(path: string): string {
  if (!existsSync(SHARED)) {
    throw new Error(
      `The reference folder ${SHARED} is missing; these tests read the Discord cases and guide from it.`,
    );
  }

  return readFileSync(join(SHARED, path), 'utf8');
}

/** One exchange as the case files write it. */
export interface CaseExchange {
  method: string;
  url: string;
  request_headers?: Record<string, string>;
  request_body?: string;
  status: number;
  response_headers?: Record<string, string>;
  body: JsonValue;
}

/** Reads a case's exchange file (one exchange or a list). */
export function readCaseExchanges(path: string): CaseExchange[] {
  const data = JSON.parse(readShared(path)) as CaseExchange | CaseExchange[];

  return Array.isArray(data) ? data : [data];
}

/** Turns case exchanges into a recording, redacted as record mode redacts. */
export function caseRecording(exchanges: CaseExchange[]): Recording {
  const redactor = new Redactor();
  const redacted: HttpExchangeData[] = exchanges.map((exchange) =>
    redactor.redactExchange({
      request: {
        method: exchange.method,
        url: exchange.url,
        headers: exchange.request_headers ?? {},
        body: exchange.request_body ?? null,
      },
      response: {
        status: exchange.status,
        headers: exchange.response_headers ?? {},
        body: { json: exchange.body },
      },
    }),
  );

  return {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    source: 'discord',
    providerType: 'discord',
    apiBase: 'https://discord.com/api',
    createdAt: '2026-01-01T00:00:00.000Z',
    exchanges: redacted.map((exchange) => redactor.scrubExchange(exchange)),
  };
}

/**
 * Returns the Python policies of authentik's Discord guide, in order: guild membership, guild
 * role, role sync on enrollment, role sync on authentication.
 */
export function guidePolicies(): string[] {
  const text = readShared('seed/discord-source-guide.md');
  const blocks = [...text.matchAll(/```python\n([\s\S]*?)```/g)].map((match) => match[1]!);
  if (blocks.length < 2) {
    throw new Error('The Discord guide no longer has its policy code blocks.');
  }

  return blocks;
}

/**
 * Sets a global undici dispatcher that refuses every connection, and returns a function that
 * puts the previous one back. Anything that reaches the network through undici then fails.
 */
export function refuseNetwork(): { agent: MockAgent; restore: () => void } {
  const previous: Dispatcher = getGlobalDispatcher();
  const agent = new MockAgent();
  agent.disableNetConnect();
  setGlobalDispatcher(agent);

  return {
    agent,
    restore: () => {
      setGlobalDispatcher(previous);
      void agent.close();
    },
  };
}
