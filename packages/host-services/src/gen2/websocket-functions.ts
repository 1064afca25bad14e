import { ServiceError } from "../errors.js";
import type { WebSocketService } from "../websocket/websocket-service.js";
import type { Gen2Services, UserFunction } from "./gen2-services.js";

const socketsOf = (services: Gen2Services) => services.websocket as WebSocketService;

function done(answer: { error: string }): object {
  if (answer.error) throw new ServiceError(answer.error);
  return {};
}

/** WebSocket (`websocket`): generation 1's connections (bounded queues, limits) under v0.63's rules. */
export const WEBSOCKET_FUNCTIONS: Record<string, UserFunction> = {
  async websocket_connect(services, request, options) {
    const answer = await socketsOf(services).connect(
      { url: request.string("url"), headers: request.stringMap("headers"), connectionId: request.string("connectionId") },
      options,
    );
    if (answer.error) throw new ServiceError(answer.error);
    return { newConnectionId: answer.connectionId };
  },
  async websocket_sendtext(services, request) {
    const sockets = socketsOf(services);
    return done(await sockets.sendText({ connectionId: request.string("connectionId"), message: request.string("message") }));
  },
  async websocket_sendbinary(services, request) {
    const sockets = socketsOf(services);
    return done(await sockets.sendBinary({ connectionId: request.string("connectionId"), data: request.bytes("data") }));
  },
  async websocket_closeconnection(services, request) {
    return done(
      await socketsOf(services).close({
        connectionId: request.string("connectionId"),
        code: request.int32("code"),
        reason: request.string("reason"),
      }),
    );
  },
};
