/**
 * A fake authentik API on 127.0.0.1 for the pull, diff and push tests. It is a real HTTP or HTTPS
 * server with the request and response shapes of authentik's API: flows, flow export and import,
 * stage bindings, blueprint instances, the managed import, version and `users/me`. Pushed
 * blueprints are checked and applied to an in-memory store (fake-authentik-store.ts), so a
 * later pull or diff sees them. Faults can be injected per path: statuses, delays, dropped
 * connections, non-JSON responses and entries the server rejects.
 *
 * The release in `version` (2025.12.1 unless given) decides the behaviours that differ between
 * authentik releases: whether the managed import exists and whether `apply/` waits for the apply.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { exportFlow } from './fake-authentik-export.js';
import {
  json,
  methodNotAllowed,
  multipartFile,
  NOT_FOUND,
  paginate,
  releaseAtLeast,
} from './fake-authentik-http.js';
import type { Answer } from './fake-authentik-http.js';
import { routeObjects } from './fake-authentik-objects.js';
import { FakeStore, importBlueprint, ImportCrash } from './fake-authentik-store.js';
import type {
  FakeInstance,
  FakeTask,
  ImportOutcome,
  StoredObject,
} from './fake-authentik-store.js';
import { createTestCertificates } from './fake-authentik-tls.js';
import type { TestCertificates } from './fake-authentik-tls.js';

export type { FakeInstance, StoredObject } from './fake-authentik-store.js';

/** The token the fake accepts unless the test gives another. */
export const FAKE_TOKEN = 'ak-test-token-0123456789';

/** Options of {@link FakeAuthentik.start}. */
export interface FakeAuthentikOptions {
  token?: string;
  /** Serve HTTPS with a certificate from a fresh test CA (see `caFile`). */
  tls?: boolean;
  version?: string;
  /**
   * Whether `POST /managed/blueprints/import/` exists. authentik added it in 2026.5, so the
   * default follows `version`. Without it the request reaches the detail route and gets 405.
   */
  managedImport?: boolean;
  /** Whether `POST /flows/instances/import/` exists; true unless given. */
  flowImport?: boolean;
  /**
   * Milliseconds between `apply/` and the apply. 0 applies before responding, as releases
   * before 2025.8 do. The default follows `version`: 0 before 2025.8, else a short delay.
   */
  applyDelayMs?: number;
  /** The server process's environment, read by `!Env`. */
  env?: Record<string, string>;
}

/** A fault injected into the responses to matching requests. */
export interface Fault {
  method?: string;
  /** The request path without query, or a pattern for it. */
  path: string | RegExp;
  /** How many requests it hits; every one when absent. */
  times?: number;
  /**
   * The kind of fault. `status` responds with `status` and `body`, and `delay` waits `delayMs`
   * before responding. `drop` closes the connection without a response, and `drop-after` handles
   * the request before closing it. `html` responds 200 with a web page.
   */
  action: 'status' | 'delay' | 'drop' | 'drop-after' | 'html';
  status?: number;
  body?: unknown;
  delayMs?: number;
}

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

const API = '/api/v3';

const DEFAULT_VERSION = '2025.12.1';

/** Milliseconds a queued apply waits by default on releases that queue it (2025.8 and later). */
const QUEUED_APPLY_DELAY_MS = 10;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The fake server. Start it with `FakeAuthentik.start()` and `close()` it after the test. */
export class FakeAuthentik {
  readonly store = new FakeStore();
  readonly requests: RecordedRequest[] = [];
  readonly token: string;
  url = '';
  /** The PEM file of the test CA, when serving HTTPS. */
  caFile: string | undefined;
  /** Entries of these models are rejected by the importer with the message. */
  readonly rejections: { model: string; message: string }[] = [];
  /**
   * Entries of these models fail only when an instance is applied, not in the dry run of a save,
   * as when the server's data changed between the two.
   */
  readonly applyRejections: { model: string; message: string }[] = [];
  env: Record<string, string>;
  applyDelayMs: number;
  private readonly faults: Fault[] = [];
  private server: Server | undefined;
  private certificates: TestCertificates | undefined;
  private lastApplied = Date.parse('2025-01-01T00:00:00Z');
  private readonly pending = new Set<NodeJS.Timeout>();

  private constructor(private readonly options: FakeAuthentikOptions) {
    this.token = options.token ?? FAKE_TOKEN;
    this.env = { ...options.env };
    const version = options.version ?? DEFAULT_VERSION;
    this.applyDelayMs =
      options.applyDelayMs ?? (releaseAtLeast(version, 2025, 8) ? QUEUED_APPLY_DELAY_MS : 0);
    this.store.create(
      'authentik_core.user',
      { username: 'akadmin', name: 'authentik Default Admin', is_superuser: true },
      1,
    );
  }

  /** Starts a fake server on a free port of 127.0.0.1. */
  static async start(options: FakeAuthentikOptions = {}): Promise<FakeAuthentik> {
    const fake = new FakeAuthentik(options);
    const handler = (request: IncomingMessage, response: ServerResponse): void => {
      fake.handle(request, response).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    };

    if (options.tls === true) {
      fake.certificates = createTestCertificates();
      fake.caFile = fake.certificates.caFile;
      fake.server = createHttpsServer(
        { key: fake.certificates.key, cert: fake.certificates.cert },
        handler,
      );
    } else {
      fake.server = createHttpServer(handler);
    }

    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    fake.url = `${options.tls === true ? 'https' : 'http'}://127.0.0.1:${port}`;
    return fake;
  }

  /** Adds a fault for the following requests. */
  inject(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /** Removes every fault and rejection. */
  clearFaults(): void {
    this.faults.length = 0;
    this.rejections.length = 0;
    this.applyRejections.length = 0;
  }

  /** Imports a blueprint into the store as the server's own state; throws when it fails. */
  seed(text: string): void {
    const outcome = importBlueprint(this.store, text, { env: this.env });
    if (!outcome.success) {
      throw new Error(
        `seeding the fake authentik failed: ${outcome.logs.map((log) => log.event).join('; ')}`,
      );
    }
  }

  /** Returns the stored flow with a slug. */
  flow(slug: string): StoredObject | undefined {
    return this.store.flow(slug);
  }

  /** Returns the stored object of a model whose field has a value. */
  find(model: string, field: string, value: unknown): StoredObject | undefined {
    return this.store.ofModel(model).find((object) => object.fields[field] === value);
  }

  /** Stops the server and removes its certificates. */
  async close(): Promise<void> {
    for (const timer of this.pending) {
      clearTimeout(timer);
    }
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    this.certificates?.remove();
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (candidate) =>
        (candidate.method === undefined || candidate.method === method) &&
        (typeof candidate.path === 'string'
          ? candidate.path === path
          : candidate.path.test(path)) &&
        (candidate.times === undefined || candidate.times > 0),
    );
    if (fault?.times !== undefined) {
      fault.times -= 1;
    }
    return fault;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams.entries());
    this.requests.push({
      method,
      path: url.pathname,
      query,
      authorization: request.headers.authorization,
    });

    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);

    const fault = this.takeFault(method, url.pathname);
    if (fault?.action === 'drop') {
      request.socket.destroy();
      return;
    }
    if (fault?.action === 'delay') {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
    }

    let answer: Answer;
    if (fault?.action === 'status') {
      answer = json(fault.status ?? 500, fault.body ?? { detail: 'Injected failure' });
    } else if (fault?.action === 'html') {
      answer = {
        status: 200,
        body: '<!doctype html><title>Login</title>',
        contentType: 'text/html',
      };
    } else {
      answer = this.authorize(request) ?? this.route(method, url.pathname, query, body, request);
    }

    if (fault?.action === 'drop-after') {
      request.socket.destroy();
      return;
    }
    this.send(response, answer);
  }

  private send(response: ServerResponse, answer: Answer): void {
    const text =
      answer.contentType === undefined ? JSON.stringify(answer.body) : String(answer.body);
    response.writeHead(answer.status, {
      ...answer.headers,
      'content-type': answer.contentType ?? 'application/json',
      'content-length': Buffer.byteLength(text),
      vary: 'Accept, Cookie',
    });
    response.end(text);
  }

  /**
   * Checks the bearer token as authentik does: its `TokenAuthentication` has no
   * `authenticate_header`, so DRF turns every authentication failure into 403.
   */
  private authorize(request: IncomingMessage): Answer | undefined {
    const header = request.headers.authorization;
    if (header === undefined) {
      return json(403, { detail: 'Authentication credentials were not provided.' });
    }
    if (!header.startsWith('Bearer ')) {
      return json(403, { detail: 'Unsupported authentication type' });
    }
    if (header.slice('Bearer '.length) !== this.token) {
      return json(403, { detail: 'Token invalid/expired' });
    }
    return undefined;
  }

  private route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: Buffer,
    request: IncomingMessage,
  ): Answer {
    if (!path.startsWith(`${API}/`)) {
      return NOT_FOUND;
    }
    const route = path.slice(API.length);
    const contentType = request.headers['content-type'] ?? '';
    let match: RegExpExecArray | null;

    if (method === 'GET' && route === '/core/users/me/') {
      return json(200, {
        user: { pk: 1, username: 'akadmin', name: 'authentik Default Admin', is_superuser: true },
      });
    }
    if (method === 'GET' && route === '/admin/version/') {
      const version = this.options.version ?? DEFAULT_VERSION;
      return json(200, {
        version_current: version,
        version_latest: version,
        build_hash: '',
        outdated: false,
      });
    }
    if (method === 'GET' && route === '/flows/instances/') {
      return paginate(this.listFlows(query), query);
    }
    if (
      method === 'GET' &&
      (match = /^\/flows\/instances\/([^/]+)\/export\/$/.exec(route)) !== null
    ) {
      const flow = this.store.flow(decodeURIComponent(match[1]!));
      if (flow === undefined) {
        return NOT_FOUND;
      }
      // authentik returns a plain Django HttpResponse, so the YAML comes with Django's default
      // content type.
      return {
        status: 200,
        body: exportFlow(this.store, flow),
        contentType: 'text/html; charset=utf-8',
        headers: {
          'content-disposition': `attachment; filename="${String(flow.fields.slug)}.yaml"`,
        },
      };
    }
    if (method === 'POST' && route === '/flows/instances/import/') {
      return this.options.flowImport === false
        ? methodNotAllowed(method)
        : this.importUpload(body, contentType);
    }
    if (method === 'POST' && route === '/managed/blueprints/import/') {
      const version = this.options.version ?? DEFAULT_VERSION;
      const available = this.options.managedImport ?? releaseAtLeast(version, 2026, 5);
      return available ? this.importUpload(body, contentType) : methodNotAllowed(method);
    }
    if (method === 'GET' && route === '/flows/bindings/') {
      const bindings = this.store
        .ofModel('authentik_flows.flowstagebinding')
        .filter((binding) => query.target === undefined || binding.fields.target === query.target)
        .map((binding) => ({
          pk: binding.pk,
          policybindingmodel_ptr_id: binding.pbmUuid,
          ...binding.fields,
        }));
      return paginate(bindings, query);
    }
    if (
      method === 'GET' &&
      (match = /^\/(stages|policies)\/all\/([^/]*)\/?$/.exec(route)) !== null
    ) {
      return this.namedObjects(
        match[1] === 'stages' ? 'authentik_stages_' : 'authentik_policies_',
        match[2]!,
        query,
      );
    }
    if (method === 'GET' && route === '/stages/prompt/prompts/') {
      const prompts = this.store
        .ofModel('authentik_stages_prompt.prompt')
        .filter((prompt) => query.name === undefined || prompt.fields.name === query.name)
        .map((prompt) => ({ pk: prompt.pk, ...prompt.fields }));
      return paginate(prompts, query);
    }
    if (method === 'GET' && (match = /^\/core\/(groups|users)\/([^/]+)\/$/.exec(route)) !== null) {
      const model = match[1] === 'groups' ? 'authentik_core.group' : 'authentik_core.user';
      const key = match[1] === 'users' ? Number(match[2]) : match[2];
      const found = this.store.ofModel(model).find((object) => object.pk === key);
      return found === undefined ? NOT_FOUND : json(200, { pk: found.pk, ...found.fields });
    }
    const objects = routeObjects(this.store, method, route, query);
    if (objects !== undefined) {
      return objects;
    }
    if (route.startsWith('/managed/blueprints/')) {
      return this.instances(method, route, query, body);
    }

    return NOT_FOUND;
  }

  private listFlows(query: Record<string, string>): unknown[] {
    return this.store
      .ofModel('authentik_flows.flow')
      .filter((flow) => query.slug === undefined || flow.fields.slug === query.slug)
      .filter((flow) => query.flow_uuid === undefined || flow.pk === query.flow_uuid)
      .map((flow) => ({
        pk: flow.pk,
        policybindingmodel_ptr_id: flow.pbmUuid,
        ...flow.fields,
        export_url: `${API}/flows/instances/${String(flow.fields.slug)}/export/`,
      }));
  }

  private namedObjects(prefix: string, key: string, query: Record<string, string>): Answer {
    const objects = this.store.objects.filter((object) => object.model.startsWith(prefix));
    const shape = (object: StoredObject): Record<string, unknown> => ({
      pk: object.pk,
      name: object.fields.name,
      component: 'ak-form',
      meta_model_name: object.model,
    });

    if (key === '') {
      return paginate(
        objects
          .filter((object) => query.name === undefined || object.fields.name === query.name)
          .map(shape),
        query,
      );
    }
    const found = objects.find((object) => object.pk === key);
    return found === undefined ? NOT_FOUND : json(200, shape(found));
  }

  private runImport(text: string, context?: Record<string, unknown>): ImportOutcome {
    return importBlueprint(this.store, text, {
      env: this.env,
      context,
      rejections: this.rejections,
    });
  }

  private importUpload(body: Buffer, contentType: string): Answer {
    const text = multipartFile(body, contentType);
    if (text === undefined) {
      return json(400, { logs: [], success: false });
    }

    try {
      return json(200, this.runImport(text));
    } catch (error) {
      if (error instanceof ImportCrash) {
        return { status: 500, body: 'Internal Server Error', contentType: 'text/plain' };
      }
      throw error;
    }
  }

  private instanceBody(instance: FakeInstance): Record<string, unknown> {
    return { ...instance, managed_models: [], metadata: {} };
  }

  private instances(
    method: string,
    route: string,
    query: Record<string, string>,
    body: Buffer,
  ): Answer {
    const data: unknown = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
    const fields = isRecord(data) ? data : {};
    const match = /^\/managed\/blueprints\/([^/]+)\/(apply\/)?$/.exec(route);

    if (route === '/managed/blueprints/' && method === 'GET') {
      const list = this.store.instances
        .filter((instance) => query.name === undefined || instance.name === query.name)
        .map((instance) => this.instanceBody(instance));
      return paginate(list, query);
    }
    if (route === '/managed/blueprints/' && method === 'POST') {
      return this.saveInstance(undefined, fields);
    }

    if (match === null) {
      return NOT_FOUND;
    }
    // DRF checks the method before looking the object up.
    if (match[2] === undefined && method === 'POST') {
      return methodNotAllowed(method);
    }
    const instance = this.store.instances.find((candidate) => candidate.pk === match[1]);
    if (instance === undefined) {
      return NOT_FOUND;
    }
    if (match[2] !== undefined) {
      if (method !== 'POST') {
        return methodNotAllowed(method);
      }
      this.apply(instance);
      return json(200, this.instanceBody(instance));
    }
    if (method === 'GET') {
      return json(200, this.instanceBody(instance));
    }
    if (method === 'PATCH') {
      return this.saveInstance(instance, fields);
    }

    return methodNotAllowed(method);
  }

  private saveInstance(
    instance: FakeInstance | undefined,
    fields: Record<string, unknown>,
  ): Answer {
    const content = typeof fields.content === 'string' ? fields.content : undefined;
    if (instance === undefined && (typeof fields.name !== 'string' || fields.name === '')) {
      return json(400, { name: ['This field is required.'] });
    }
    if (instance === undefined && (content ?? '') === '') {
      return json(400, { non_field_errors: ['Either path or content must be set.'] });
    }

    if (content !== undefined && content !== '') {
      // authentik dry-runs the content with the context the instance has before this request.
      const outcome = importBlueprint(this.store.clone(), content, {
        env: this.env,
        context: instance?.context ?? {},
        rejections: this.rejections,
      });
      if (!outcome.success) {
        return json(400, {
          content: ['Failed to validate blueprint', ...outcome.logs.map((log) => `- ${log.event}`)],
        });
      }
    }

    const saved: FakeInstance = instance ?? {
      pk: randomUUID(),
      name: String(fields.name),
      path: '',
      context: {},
      content: '',
      enabled: true,
      status: 'unknown',
      last_applied: '2025-01-01T00:00:00Z',
      last_applied_hash: '',
    };
    if (typeof fields.name === 'string') {
      saved.name = fields.name;
    }
    if (isRecord(fields.context)) {
      saved.context = fields.context;
    }
    if (content !== undefined) {
      saved.content = content;
    }
    if (typeof fields.enabled === 'boolean') {
      saved.enabled = fields.enabled;
    }
    if (instance === undefined) {
      this.store.instances.push(saved);
    }

    return json(instance === undefined ? 201 : 200, this.instanceBody(saved));
  }

  /**
   * Applies an instance as authentik's `apply_blueprint` actor does
   * (authentik/blueprints/v1/tasks.py): a task related to the instance records the importer's
   * log events when the apply fails, and the instance gets status `error` or `successful`.
   */
  private apply(instance: FakeInstance): void {
    const task: FakeTask = {
      message_id: randomUUID(),
      actor_name: 'authentik.blueprints.v1.tasks.apply_blueprint',
      state: 'queued',
      mtime: new Date().toISOString(),
      rel_obj_app_label: 'authentik_blueprints',
      rel_obj_model: 'blueprintinstance',
      rel_obj_id: instance.pk,
      uid: `authentik.blueprints.v1.tasks.apply_blueprint:${instance.name}`,
      logs: [],
      previous_logs: [],
      aggregated_status: 'queued',
    };
    this.store.tasks.push(task);

    const run = (): void => {
      const outcome = importBlueprint(this.store, instance.content, {
        env: this.env,
        context: instance.context,
        rejections: [...this.rejections, ...this.applyRejections],
      });
      if (outcome.success) {
        this.lastApplied += 1000;
        instance.last_applied = new Date(this.lastApplied).toISOString();
        instance.status = 'successful';
      } else {
        instance.status = 'error';
        task.logs = outcome.logs;
      }
      task.state = 'done';
      task.mtime = new Date().toISOString();
      task.aggregated_status = outcome.success ? 'done' : 'warning';
    };

    if (this.applyDelayMs === 0) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      run();
    }, this.applyDelayMs);
    this.pending.add(timer);
  }
}
