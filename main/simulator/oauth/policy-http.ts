/**
 * The `requests` calls of policies and property mappings, sent through the HTTP layer.
 *
 * In `replay` mode the Python sandbox returns only the responses it is given before the run.
 * So an evaluation runs, and every request it made without a response is sent through the HTTP
 * layer. The evaluation then runs again with those responses, until it makes no new request.
 * Expressions have no side effects outside the evaluation result, so only the last run's result
 * counts. Each distinct request reaches the HTTP layer once per evaluation, and the trace lists
 * the requests of that last run.
 * NOTE: a request repeated within one evaluation gets the same response again, so a rate limit
 * counts it once. The pool's synchronous bridge (`viaPool`) counts each call.
 */
import type { HttpRequestData, HttpResponseData } from '../../../shared/http/exchange.js';
import { bodyAsText } from '../../../shared/http/exchange.js';
import { normalizeUrl } from '../../../shared/http/url.js';
import type {
  EvaluationRequest,
  EvaluationResult,
  HttpExchange,
  RecordedExchange,
} from '../../../shared/simulator/evaluation.js';
import type { ExpressionEvaluator } from '../types.js';
import type { TracedHttp, TracedResult } from './http.js';

// An expression that keeps finding new URLs (a loop over pages) stops after this many reruns.
const MAX_RERUNS = 16;

function requestKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${normalizeUrl(url)}`;
}

/** Converts a response of the HTTP layer into the sandbox's recorded-response form. */
export function toRecordedExchange(
  method: string,
  url: string,
  response: HttpResponseData,
): RecordedExchange {
  const recorded: RecordedExchange = {
    method: method.toUpperCase(),
    url,
    status: response.status,
    headers: { ...response.headers },
  };
  const body = response.body;
  if (body !== null && 'json' in body) {
    recorded.json = body.json;
  } else {
    // TODO: binary bodies (avatar images) reach the sandbox as text, so `.content` differs from
    // the real bytes; the evaluation contract has no field for bytes.
    recorded.body = bodyAsText(body);
  }

  return recorded;
}

function toRequest(exchange: HttpExchange): HttpRequestData {
  return {
    method: exchange.method.toUpperCase(),
    url: exchange.url,
    headers: { ...exchange.requestHeaders },
    body: exchange.requestBody,
  };
}

/** Runs expressions with their `requests` calls sent through the HTTP layer of the run. */
export class HttpBridgeEvaluator implements ExpressionEvaluator {
  /**
   * @param viaPool True when the Python pool sends `requests` calls to the run's HTTP layer
   *   itself through its synchronous bridge (the pool's `http` option). Each evaluation then
   *   runs once in `layer` mode; otherwise in `replay` mode, as the module comment describes.
   */
  constructor(
    private readonly inner: ExpressionEvaluator,
    private readonly http: TracedHttp,
    private readonly viaPool = false,
  ) {}

  async evaluate(request: EvaluationRequest): Promise<EvaluationResult> {
    if (request.mode === 'validate') {
      return this.inner.evaluate(request);
    }

    const by = `${request.kind === 'policy' ? 'policy' : 'property mapping'} ${request.name}`;
    if (this.viaPool) {
      const result = await this.inner.evaluate({
        ...request,
        http: { mode: 'layer', responses: [] },
      });
      this.recordExchanges(result, new Map(), by);
      return result;
    }

    const responses: RecordedExchange[] = [...(request.http?.responses ?? [])];
    const sentRequests = new Map<string, { request: HttpRequestData; result: TracedResult }>();
    const given = new Set(responses.map((item) => requestKey(item.method, item.url)));

    let result = await this.run(request, responses);
    for (let rerun = 0; rerun < MAX_RERUNS; rerun += 1) {
      const withoutResponse = result.http.filter((exchange) => {
        const key = requestKey(exchange.method, exchange.url);
        return !exchange.matched && !sentRequests.has(key) && !given.has(key);
      });
      if (withoutResponse.length === 0) {
        break;
      }

      for (const exchange of withoutResponse) {
        const key = requestKey(exchange.method, exchange.url);
        const outgoing = toRequest(exchange);
        // Only the last run's exchanges go into the trace, so they are recorded at the end.
        const sent = await this.http.sendUnrecorded(outgoing);
        sentRequests.set(key, { request: outgoing, result: sent });
        if (sent.response !== undefined) {
          responses.push(toRecordedExchange(exchange.method, exchange.url, sent.response));
        }
      }

      result = await this.run(request, responses);
    }

    this.recordExchanges(result, sentRequests, by);
    return result;
  }

  private run(
    request: EvaluationRequest,
    responses: RecordedExchange[],
  ): Promise<EvaluationResult> {
    return this.inner.evaluate({ ...request, http: { mode: 'replay', responses: [...responses] } });
  }

  private recordExchanges(
    result: EvaluationResult,
    sentRequests: Map<string, { request: HttpRequestData; result: TracedResult }>,
    by: string,
  ): void {
    for (const exchange of result.http) {
      const sent = sentRequests.get(requestKey(exchange.method, exchange.url));
      if (sent !== undefined) {
        this.http.record(sent.request, sent.result, by, this.http.respondedBy);
        continue;
      }

      // Sent through the pool's bridge, or given in the evaluation request's own responses.
      const response: HttpResponseData | undefined =
        exchange.status === null
          ? undefined
          : {
              status: exchange.status,
              headers: {},
              body: exchange.responseBody === null ? null : { text: exchange.responseBody },
            };
      const traced: TracedResult =
        response === undefined ? { error: 'no recorded response' } : { response };
      this.http.record(
        toRequest(exchange),
        traced,
        by,
        this.viaPool ? this.http.respondedBy : 'sandbox',
      );
    }
  }
}
