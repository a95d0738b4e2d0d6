/**
 * The `requests` calls of policies and property mappings, sent through the HTTP layer.
 *
 * An evaluator that bridges HTTP (the Python pool) runs each evaluation once in `layer` mode:
 * Python waits while each call goes through the run's HTTP layer and is written to the trace.
 *
 * Other evaluators return only the responses they are given before the run. So an evaluation
 * runs, and every request it made without a response is sent through the HTTP layer. The
 * evaluation then runs again with those responses, until it makes no new request. Expressions
 * have no side effects outside the evaluation result, so only the last run's result counts.
 * NOTE: on this path a request repeated within one evaluation gets the same response again, so
 * a rate limit counts it once.
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
import type { EvaluateOptions, ExpressionEvaluator } from '../types.js';
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
    // NOTE: on the rerun path binary bodies (avatar images) reach the sandbox as text, because
    // recorded responses have no field for bytes. The pool's bridge passes the real bytes.
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
  constructor(
    private readonly inner: ExpressionEvaluator,
    private readonly http: TracedHttp,
  ) {}

  get bridgesHttp(): boolean | undefined {
    return this.inner.bridgesHttp;
  }

  async evaluate(request: EvaluationRequest, options?: EvaluateOptions): Promise<EvaluationResult> {
    if (request.mode === 'validate') {
      return this.inner.evaluate(request, options);
    }

    const by = `${request.kind === 'policy' ? 'policy' : 'property mapping'} ${request.name}`;
    const given = request.http?.responses ?? [];
    if (this.inner.bridgesHttp === true && given.length === 0) {
      return this.inner.evaluate(
        { ...request, http: { mode: 'layer', responses: [] } },
        { ...options, http: this.http.senderFor(by) },
      );
    }

    const responses: RecordedExchange[] = [...given];
    const sentRequests = new Map<string, { request: HttpRequestData; result: TracedResult }>();
    const givenKeys = new Set(responses.map((item) => requestKey(item.method, item.url)));

    let result = await this.run(request, responses);
    for (let rerun = 0; rerun < MAX_RERUNS; rerun += 1) {
      const withoutResponse = result.http.filter((exchange) => {
        const key = requestKey(exchange.method, exchange.url);
        return !exchange.matched && !sentRequests.has(key) && !givenKeys.has(key);
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

      // Given in the evaluation request's own responses.
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
      this.http.record(toRequest(exchange), traced, by, 'sandbox');
    }
  }
}
