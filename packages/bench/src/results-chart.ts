import { barChart } from "./chart.js";
import type { HeadOfLine, SlowUpstreamRun } from "./isolation.js";
import type { NdLatency } from "./nd.js";
import type { PeerResult } from "./peer.js";

/** What one benchmark run records in results.json. */
export interface Results {
  machine: { cpu?: string; cores: number; node: string };
  floor: { bareCallMicros: number; bareImagesMicros: number; workerRoundTripMicros: number; naiveBridgeMicros: number };
  nd: NdLatency;
  hostCallMicros: number;
  peers: PeerResult[];
  callsPerSecond: Record<number, number>;
  /** Absent in runs from before the isolation benchmarks. */
  isolation?: Isolation;
}

/** The isolation runs: slow upstreams, head-of-line blocking, memory per extra thread. */
export interface Isolation {
  ndSlowUpstream: SlowUpstreamRun;
  peerSlowUpstream?: SlowUpstreamRun;
  ndHeadOfLineHung: HeadOfLine;
  ndHeadOfLineRunaway: HeadOfLine;
  peerHeadOfLineHung?: HeadOfLine;
  bytesPerExtraThread: number;
}

const present = <T>(value: T | undefined, bar: (value: T) => { label: string; value: number }) =>
  value === undefined ? [] : [bar(value)];

/** The SVG chart of BENCHMARKS.md: call latency (log scale) and throughput. */
export function resultsChart({ floor, nd, hostCallMicros, peers, callsPerSecond, isolation }: Results): string {
  const floorSum = floor.workerRoundTripMicros + 2 * floor.naiveBridgeMicros + floor.bareImagesMicros;
  return barChart([
    {
      title: "Warm call latency, median, log scale (lower is better)",
      unit: "µs",
      scale: "log",
      bars: [
        { label: "floor: bare JS→Wasm call", value: floor.bareCallMicros },
        { label: "floor: worker round trip", value: floor.workerRoundTripMicros },
        { label: "floor: naive host-call bridge", value: floor.naiveBridgeMicros },
        { label: "floor: round trip + 2 bridges + images call", value: floorSum },
        { label: "nd: one cache get in a plugin", value: hostCallMicros },
        { label: "nd: GetArtistBiography", value: nd.biographyMicros },
        { label: "nd: GetArtistImages (2 cache calls)", value: nd.imagesMicros },
        ...peers.flatMap((p) => [
          ...present(p.biographyMicros, (value) => ({ label: `extism ${p.mode}: biography`, value })),
          ...present(p.imagesMicros, (value) => ({ label: `extism ${p.mode}: images (2 vars)`, value })),
        ]),
      ],
    },
    {
      title: "Throughput, GetArtistBiography (higher is better)",
      unit: "calls/s",
      bars: [
        ...Object.entries(callsPerSecond).map(([workers, value]) => ({ label: `nd: ${workers} worker(s), pipelined`, value })),
        ...peers.flatMap((p) => present(p.callsPerSecond, (value) => ({ label: `extism ${p.mode}, 1 in flight`, value }))),
      ],
    },
    ...(isolation ? isolationPanels(isolation) : []),
  ]);
}

function isolationPanels(isolation: Isolation) {
  const { ndSlowUpstream, peerSlowUpstream, ndHeadOfLineHung, ndHeadOfLineRunaway, peerHeadOfLineHung } = isolation;
  return [
    {
      title: "64 calls / 8 plugins / 100 ms upstream, 2 CPU slots (lower is better)",
      unit: "ms",
      bars: [
        { label: "ideal (every call at once)", value: ndSlowUpstream.idealMillis },
        { label: "nd: threads already started", value: ndSlowUpstream.warmMillis },
        { label: "nd: first storm (threads start)", value: ndSlowUpstream.coldMillis },
        ...present(peerSlowUpstream, (run) => ({ label: "extism runInWorker, 8 plugins", value: run.warmMillis })),
      ],
    },
    {
      title: "Plugin B's call while plugin A blocks 8 calls, p99 (lower is better)",
      unit: "ms",
      bars: [
        { label: "nd: A on a hung upstream", value: ndHeadOfLineHung.p99Millis },
        { label: "nd: A in 8 runaway loops", value: ndHeadOfLineRunaway.p99Millis },
        ...present(peerHeadOfLineHung, (run) => ({ label: "extism runInWorker: A hung", value: run.p99Millis })),
      ],
    },
  ];
}
