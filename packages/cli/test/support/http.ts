import { request as httpRequest, type Agent, type IncomingHttpHeaders } from "node:http";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Whether the request went out on a kept-alive connection. */
  reused: boolean;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  agent?: Agent;
}

/** A request through node:http, which (unlike fetch) may set Host and reuse a chosen agent's connection. */
export function rawRequest(url: string, { method = "GET", headers = {}, body, agent }: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers, agent }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, text, reused: outgoing.reusedSocket }));
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** The JSON body of an error answer. */
export function errorOf(response: RawResponse): { kind: string; message: string } {
  return (JSON.parse(response.text) as { error: { kind: string; message: string } }).error;
}
