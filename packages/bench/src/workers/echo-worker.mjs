// Floor: the cheapest worker round trip (a message in, the same message out).
import { parentPort } from "node:worker_threads";

parentPort.on("message", (message) => parentPort.postMessage(message));
