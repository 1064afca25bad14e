// Floor: a naive host-call bridge, as a plugin's worker would make one. The worker posts a request
// on a MessagePort, sleeps in Atomics.wait, and reads the answer with receiveMessageOnPort.
import { receiveMessageOnPort, workerData, parentPort } from "node:worker_threads";

const { port, signal } = workerData;
const flag = new Int32Array(signal);

parentPort.on("message", ({ calls }) => {
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    Atomics.store(flag, 0, 0);
    port.postMessage(i);
    Atomics.wait(flag, 0, 0);
    receiveMessageOnPort(port);
  }
  parentPort.postMessage(((performance.now() - start) * 1000) / calls);
});
