/**
 * The authentik API endpoints Stagecraft uses, with the responses read into Stagecraft's types.
 * Paths and fields follow authentik's viewsets (`authentik/flows/api/flows.py`,
 * `authentik/blueprints/api.py`, `authentik/admin/api/version.py`, 2025.x).
 */
import { StagecraftError } from '../../shared/errors.js';
import type {
  ServerFlow,
  ServerIdentity,
  ServerInstance,
  ServerLogEvent,
} from '../../shared/server/types.js';
import type { ApiRequest, ApiResponse, AuthentikClient } from './client.js';
import { API_PREFIX } from './url.js';
import {
  checkCommonStatus,
  detailOf,
  parseJsonBody,
  parseLogEvents,
  quoteBody,
  unexpectedAnswer,
} from './responses.js';

/** Objects per list page; authentik accepts `page_size` up to its configured maximum. */
const PAGE_SIZE = 100;

/** The maximum number of list pages read, so a misbehaving server cannot keep a listing going forever. */
const MAX_PAGES = 100;

/**
 * The one-shot import endpoints, in the order tried. Both take a multipart `file` part, validate
 * the whole blueprint, apply it when valid and respond 200 with `{success, logs}` either way
 * (400 with `success: false` only when the `file` part is missing).
 *
 * - `/flows/instances/import/` (`import_flow` in `authentik/flows/api/flows.py`, 2022.8 and
 *   later) takes any blueprint, not only flows. It is the one 2025.12 has.
 * - `/managed/blueprints/import/` (`import_` in `authentik/blueprints/api.py`) first ships in
 *   2026.5 ("blueprints: rework one-time import" in `website/docs/releases/2026/v2026.5.mdx`).
 *   It also accepts `path` and `context` parts, which Stagecraft does not send.
 *
 * NOTE: whether 2026.5 still serves the flow import was not confirmed; if it does not, the
 * managed import is used.
 *
 * A release without one of them routes the POST to the detail route of the same viewset
 * (`import` read as a slug or primary key), which maps no POST, so DRF responds 405, not 404.
 * A 403 is not taken as a missing endpoint: it stops the push and names the permission needed.
 */
export const IMPORT_ENDPOINTS = ['/flows/instances/import/', '/managed/blueprints/import/'];

/** Statuses meaning "this release has no such import endpoint": the next one is tried. */
const MISSING_ENDPOINT_STATUSES = new Set([404, 405]);

/** Permissions each import endpoint checks, for the message of a 403. */
const IMPORT_PERMISSIONS: Record<string, string> = {
  '/managed/blueprints/import/': 'add, change and delete permission on every model in the file',
  '/flows/instances/import/':
    'add and change permission on flows, stage bindings, stages, policies, policy bindings and ' +
    'prompts',
};

/** The result of a one-shot import: authentik's `{success, logs}`. */
export interface ImportAnswer {
  endpoint: string;
  success: boolean;
  logs: ServerLogEvent[];
}

/** A flow-stage binding as the bindings endpoint lists it. */
export interface ServerStageBinding {
  pk: string;
  pbmUuid: string;
  stage: string;
  order: number;
}

/** A stage or policy found by primary key: its concrete model and name. */
export interface ServerNamedObject {
  pk: string;
  model: string;
  name: string;
}

/** The writable fields of a blueprint instance. */
export interface InstanceFields {
  name?: string;
  content?: string;
  context?: Record<string, unknown>;
  enabled?: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  if (typeof value === 'string') {
    return value;
  }

  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** Reads one flow of a list response. */
function toFlow(record: Record<string, unknown>): ServerFlow {
  return {
    pk: text(record, 'pk'),
    pbmUuid: text(record, 'policybindingmodel_ptr_id'),
    slug: text(record, 'slug'),
    name: text(record, 'name'),
    title: text(record, 'title'),
    designation: text(record, 'designation'),
  };
}

/** Reads one blueprint instance of a response. */
export function toInstance(record: Record<string, unknown>): ServerInstance {
  return {
    pk: text(record, 'pk'),
    name: text(record, 'name'),
    path: text(record, 'path'),
    enabled: record.enabled !== false,
    status: text(record, 'status') || 'unknown',
    lastApplied: text(record, 'last_applied'),
    inline: text(record, 'content') !== '',
  };
}

/** Typed calls to one server. The client is the caller's; `close` it when done. */
export class AuthentikApi {
  /** Every source of the server, read on the first source lookup. */
  private sources: Promise<Record<string, unknown>[]> | undefined;

  constructor(readonly client: AuthentikClient) {}

  /** The server's base URL. */
  get server(): string {
    return this.client.url;
  }

  /**
   * Reads the server's release and the token's user. `/admin/version/` needs only a valid
   * token. authentik's public `/root/config/` carries no release, so there is no fallback: a
   * server without the endpoint reports the version as null.
   */
  async identity(): Promise<ServerIdentity> {
    const me = await this.getJson({ method: 'GET', path: '/core/users/me/' });
    const user = isRecord(me) && isRecord(me.user) ? me.user : undefined;
    if (user === undefined) {
      throw new StagecraftError(
        'server-response-invalid',
        `The response of ${this.server} to GET ${API_PREFIX}/core/users/me/ has no user; check ` +
          'that the address points at an authentik server.',
        { url: this.server },
      );
    }

    const response = await this.send({ method: 'GET', path: '/admin/version/' });
    let version: string | null = null;
    if (response.status !== 404) {
      const body = this.expectJson(response, [200]);
      version =
        isRecord(body) && typeof body.version_current === 'string' ? body.version_current : null;
    }

    return {
      url: this.server,
      version,
      user: {
        username: text(user, 'username'),
        name: text(user, 'name'),
        isSuperuser: user.is_superuser === true,
      },
    };
  }

  /** Lists the server's flows, all pages. */
  async listFlows(): Promise<ServerFlow[]> {
    const records = await this.listAll('/flows/instances/', { ordering: 'slug' });
    return records.map(toFlow);
  }

  /** Returns the flow with a slug, or undefined when the server has none. */
  async findFlow(slug: string): Promise<ServerFlow | undefined> {
    const records = await this.listAll('/flows/instances/', { slug });
    const match = records.map(toFlow).find((flow) => flow.slug === slug);

    return match;
  }

  /** Returns the flow with a primary key, or undefined. */
  async findFlowByPk(pk: string): Promise<ServerFlow | undefined> {
    const records = await this.listAll('/flows/instances/', { flow_uuid: pk });
    return records.map(toFlow).find((flow) => flow.pk === pk);
  }

  /**
   * Downloads a flow's export (YAML with hard-coded primary keys). Throws
   * `server-flow-not-found` when the server has no flow with that slug.
   *
   * `GET /flows/instances/<slug>/export/` (`export` in `authentik/flows/api/flows.py`) returns
   * the YAML in a plain Django `HttpResponse` with `Content-Disposition: attachment`, so its
   * content type is Django's default `text/html; charset=utf-8` and is not checked here. It needs
   * `authentik_flows.export_flow` on the flow and view permission on the exported models.
   */
  async exportFlow(slug: string): Promise<string> {
    const response = await this.send(
      { method: 'GET', path: `/flows/instances/${encodeURIComponent(slug)}/export/` },
      'the permission to export flows and to view flows, stages, policies, bindings and prompts',
    );
    if (response.status === 404) {
      throw new StagecraftError(
        'server-flow-not-found',
        `${this.server} has no flow with slug "${slug}" that this token may see. List the ` +
          'flows with `stagecraft pull --server … --list`.',
        { url: this.server, slug },
      );
    }
    if (response.status !== 200) {
      throw unexpectedAnswer(response, this.server, 'exported flow');
    }

    return response.text;
  }

  /** Lists the stage bindings of a flow (by the flow's primary key). */
  async listStageBindings(flowPk: string): Promise<ServerStageBinding[]> {
    const records = await this.listAll('/flows/bindings/', { target: flowPk });

    return records.map((record) => ({
      pk: text(record, 'pk'),
      pbmUuid: text(record, 'policybindingmodel_ptr_id'),
      stage: text(record, 'stage'),
      order: typeof record.order === 'number' ? record.order : 0,
    }));
  }

  /** Finds a stage by primary key, with its concrete model; undefined when there is none. */
  findStage(pk: string): Promise<ServerNamedObject | undefined> {
    return this.findNamed(`/stages/all/${encodeURIComponent(pk)}/`, pk);
  }

  /** Finds a policy by primary key, with its concrete model; undefined when there is none. */
  findPolicy(pk: string): Promise<ServerNamedObject | undefined> {
    return this.findNamed(`/policies/all/${encodeURIComponent(pk)}/`, pk);
  }

  /** Finds a group by primary key; undefined when there is none. */
  async findGroup(pk: string): Promise<ServerNamedObject | undefined> {
    const found = await this.findRecord(`/core/groups/${encodeURIComponent(pk)}/`);
    return found === undefined
      ? undefined
      : { pk, model: 'authentik_core.group', name: text(found, 'name') };
  }

  /** Finds a user by primary key (an integer); the name is the username. */
  async findUser(pk: string): Promise<ServerNamedObject | undefined> {
    const found = await this.findRecord(`/core/users/${encodeURIComponent(pk)}/`);
    return found === undefined
      ? undefined
      : { pk, model: 'authentik_core.user', name: text(found, 'username') };
  }

  /**
   * Tells whether the server has a stage, policy or prompt of a model with a name. Returns
   * undefined for other models, which have no common list endpoint to ask.
   */
  async existsByName(model: string, name: string): Promise<boolean | undefined> {
    let path: string;
    if (model === 'authentik_stages_prompt.prompt') {
      path = '/stages/prompt/prompts/';
    } else if (model.startsWith('authentik_stages_')) {
      path = '/stages/all/';
    } else if (model.startsWith('authentik_policies_')) {
      path = '/policies/all/';
    } else {
      return undefined;
    }

    const records = await this.listAll(path, { name });
    return records.some((record) => record.name === name);
  }

  /** Lists the blueprint instances, all pages. */
  async listInstances(): Promise<ServerInstance[]> {
    const records = await this.listAll('/managed/blueprints/', { ordering: 'name' });
    return records.map(toInstance);
  }

  /** Returns the instance with a name, with its context, or undefined. */
  async findInstance(
    name: string,
  ): Promise<{ instance: ServerInstance; context: Record<string, unknown> } | undefined> {
    const records = await this.listAll('/managed/blueprints/', { name });
    const record = records.find((candidate) => candidate.name === name);
    if (record === undefined) {
      return undefined;
    }

    return {
      instance: toInstance(record),
      context: isRecord(record.context) ? record.context : {},
    };
  }

  /** Reads one instance. */
  async getInstance(pk: string): Promise<ServerInstance> {
    const body = await this.getJson({
      method: 'GET',
      path: `/managed/blueprints/${encodeURIComponent(pk)}/`,
    });
    if (!isRecord(body)) {
      throw new StagecraftError(
        'server-response-invalid',
        `${this.server} returned no instance ${pk}.`,
        {
          url: this.server,
        },
      );
    }

    return toInstance(body);
  }

  /**
   * Creates (no `pk`) or changes an instance. A 400 response, which is how authentik reports a
   * blueprint in `content` that fails its dry run, is returned as log events.
   */
  async saveInstance(
    pk: string | undefined,
    fields: InstanceFields,
  ): Promise<{ instance: ServerInstance } | { rejected: ServerLogEvent[] }> {
    const call: ApiRequest =
      pk === undefined
        ? { method: 'POST', path: '/managed/blueprints/', json: fields }
        : { method: 'PATCH', path: `/managed/blueprints/${encodeURIComponent(pk)}/`, json: fields };
    const response = await this.send(call, 'add and change permission on blueprint instances');

    if (response.status === 400) {
      return { rejected: validationErrors(parseJsonBody(response, this.server)) };
    }

    const body = this.expectJson(response, [200, 201]);
    if (!isRecord(body)) {
      throw unexpectedAnswer(response, this.server, 'instance');
    }
    return { instance: toInstance(body) };
  }

  /**
   * Asks the server to apply an instance; returns the instance as the response shows it. On
   * 2025.8 and later the response comes before the apply (see managed.ts).
   */
  async applyInstance(pk: string): Promise<ServerInstance> {
    const response = await this.send(
      { method: 'POST', path: `/managed/blueprints/${encodeURIComponent(pk)}/apply/` },
      'the permission to view blueprint instances',
    );
    const body = this.expectJson(response, [200]);
    if (!isRecord(body)) {
      throw unexpectedAnswer(response, this.server, 'instance');
    }

    return toInstance(body);
  }

  /**
   * Sends a blueprint to the first import endpoint the server has, as one multipart file. A 404
   * or 405 moves on to the next endpoint (see IMPORT_ENDPOINTS). Throws
   * `server-endpoint-missing` when neither exists; `success: false` is returned, not thrown.
   */
  async importBlueprint(
    content: string,
    onEndpoint?: (path: string) => void,
  ): Promise<ImportAnswer> {
    for (const endpoint of IMPORT_ENDPOINTS) {
      onEndpoint?.(endpoint);
      const response = await this.send(
        {
          method: 'POST',
          path: endpoint,
          file: { field: 'file', name: 'stagecraft.yaml', text: content },
        },
        IMPORT_PERMISSIONS[endpoint],
      );
      if (MISSING_ENDPOINT_STATUSES.has(response.status)) {
        continue;
      }

      const body = this.expectJson(response, [200, 400]);
      if (!isRecord(body) || typeof body.success !== 'boolean') {
        throw unexpectedAnswer(response, this.server, '`success` field');
      }
      return {
        endpoint: `${API_PREFIX}${endpoint}`,
        success: body.success,
        logs: parseLogEvents(body.logs),
      };
    }

    throw new StagecraftError(
      'server-endpoint-missing',
      `${this.server} has neither ${IMPORT_ENDPOINTS.map((path) => API_PREFIX + path).join(' nor ')}. ` +
        'It is not an authentik server, or a release too old for blueprints (before 2022.8).',
      { url: this.server },
    );
  }

  /**
   * Finds a source by primary key, with its concrete model and slug; undefined when there is
   * none. Sources are addressed by slug and `/sources/all/` has no primary key filter
   * (`authentik/core/api/sources.py`), so the list is read once per API client.
   */
  async findSource(pk: string): Promise<ServerNamedObject | undefined> {
    this.sources ??= this.listAll('/sources/all/', {});
    const found = (await this.sources).find((record) => text(record, 'pk') === pk);
    if (found === undefined || typeof found.meta_model_name !== 'string') {
      return undefined;
    }

    return { pk, model: found.meta_model_name.toLowerCase(), name: text(found, 'slug') };
  }

  /** Finds a property mapping by primary key, with its concrete model and name. */
  findPropertyMapping(pk: string): Promise<ServerNamedObject | undefined> {
    return this.findNamed(`/propertymappings/all/${encodeURIComponent(pk)}/`, pk);
  }

  /**
   * Reads the first page of a list, for endpoints whose full listing may be long and whose
   * newest entries come first (`ordering`).
   */
  async listFirstPage(
    path: string,
    query: Record<string, string>,
    pageSize: number,
  ): Promise<Record<string, unknown>[]> {
    const body = await this.getJson({
      method: 'GET',
      path,
      query: { ...query, page_size: pageSize },
    });
    if (!isRecord(body) || !Array.isArray(body.results)) {
      throw new StagecraftError(
        'server-response-invalid',
        `The response of ${this.server} to GET ${API_PREFIX}${path} has no results list; check ` +
          'that the address points at an authentik server.',
        { url: this.server, path },
      );
    }

    return body.results.filter(isRecord);
  }

  private async findNamed(path: string, pk: string): Promise<ServerNamedObject | undefined> {
    const found = await this.findRecord(path);
    if (found === undefined || typeof found.meta_model_name !== 'string') {
      return undefined;
    }

    return { pk, model: found.meta_model_name.toLowerCase(), name: text(found, 'name') };
  }

  /** Reads one object; undefined for 404 (and 400, which a malformed primary key gives). */
  async findRecord(path: string): Promise<Record<string, unknown> | undefined> {
    const response = await this.send({ method: 'GET', path });
    if (response.status === 404 || response.status === 400) {
      return undefined;
    }

    const body = this.expectJson(response, [200]);
    return isRecord(body) ? body : undefined;
  }

  /** Reads every page of a list endpoint (at most MAX_PAGES pages). */
  async listAll(path: string, query: Record<string, string>): Promise<Record<string, unknown>[]> {
    const records: Record<string, unknown>[] = [];

    for (let page = 1; page <= MAX_PAGES;) {
      const body = await this.getJson({
        method: 'GET',
        path,
        query: { ...query, page, page_size: PAGE_SIZE },
      });
      if (!isRecord(body) || !Array.isArray(body.results)) {
        throw new StagecraftError(
          'server-response-invalid',
          `The response of ${this.server} to GET ${API_PREFIX}${path} has no results list; check ` +
            'that the address points at an authentik server.',
          { url: this.server, path },
        );
      }

      records.push(...body.results.filter(isRecord));
      const next = isRecord(body.pagination) ? body.pagination.next : 0;
      if (typeof next !== 'number' || next <= page) {
        break;
      }
      page = next;
    }

    return records;
  }

  private async getJson(call: ApiRequest): Promise<unknown> {
    const response = await this.send(call);
    return this.expectJson(response, [200]);
  }

  private async send(call: ApiRequest, permissionHint?: string): Promise<ApiResponse> {
    const response = await this.client.send(call);
    checkCommonStatus(response, this.server, permissionHint);

    return response;
  }

  private expectJson(response: ApiResponse, statuses: number[]): unknown {
    if (!statuses.includes(response.status)) {
      const detail = detailOf(response.text) ?? quoteBody(response.text);
      throw new StagecraftError(
        response.status === 404 ? 'server-endpoint-missing' : 'server-response-invalid',
        `${this.server} responded to ${response.request} with HTTP ${response.status}` +
          `${detail === '' ? '' : `: ${detail}`}. ` +
          (response.status === 404
            ? 'The server release may lack this endpoint.'
            : 'Check the address and the server release.'),
        { url: this.server, request: response.request, status: response.status },
      );
    }

    return parseJsonBody(response, this.server);
  }
}

/**
 * Reads a DRF validation error body (`{"field": ["message", ...]}` or a list) as log events, so
 * a rejected instance reads like a rejected import. authentik's content check responds with
 * `{"content": ["Failed to validate blueprint", "- <event>", ...]}`.
 */
export function validationErrors(body: unknown): ServerLogEvent[] {
  const events: ServerLogEvent[] = [];
  const add = (field: string, value: unknown): void => {
    const messages = Array.isArray(value) ? value : [value];
    for (const message of messages) {
      const textValue = typeof message === 'string' ? message : JSON.stringify(message);
      const event = textValue.replace(/^- /, '');
      events.push({
        level: 'error',
        event: field === 'non_field_errors' ? event : `${field}: ${event}`,
      });
    }
  };

  if (isRecord(body)) {
    for (const [field, value] of Object.entries(body)) {
      add(field, value);
    }
  } else if (Array.isArray(body)) {
    add('non_field_errors', body);
  }

  return events;
}
