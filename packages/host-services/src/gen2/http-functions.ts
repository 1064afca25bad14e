import { ServiceError } from "../errors.js";
import { pluginResponseHeaders } from "../http/canonical-headers.js";
import { HttpExchangeFailure } from "../http/http-exchange.js";
import type { Gen2Http } from "./gen2-http.js";
import type { UserFunction } from "./gen2-services.js";
import { omitEmpty } from "./json-envelope.js";
import { readHttpRequest } from "./http-request-fields.js";

/** HTTP (`http`): http_send; 4xx and 5xx are results, a refusal or failure is the error envelope. */
export const HTTP_FUNCTIONS: Record<string, UserFunction> = {
  async http_send(services, request, options) {
    const fields = request.object("request");
    const parsed = readHttpRequest(fields);
    const http = services.http as Gen2Http;
    try {
      const answer = await http.send(
        { ...parsed, followRedirects: !fields.bool("noFollowRedirects"), timeoutMs: fields.int32("timeoutMs") },
        options.signal,
      );
      const headers = pluginResponseHeaders(answer.headers);
      return { result: omitEmpty({ statusCode: answer.status, headers, body: answer.body }) };
    } catch (error) {
      if (!(error instanceof HttpExchangeFailure)) throw error;
      throw new ServiceError(`${parsed.method} ${parsed.url.href}: ${error.message}`, { cause: error });
    }
  },
};
