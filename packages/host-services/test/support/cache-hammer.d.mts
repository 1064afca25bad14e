type CacheCall = (importName: string, request: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export interface HammerReport {
  operations: number;
  setsStored: number;
  valuesFound: number;
  /** Values that cannot have been written whole; empty when the cache never tore one. */
  torn: string[];
}

export declare const HAMMER_KEYS: readonly string[];

export declare function hammer(
  call: CacheCall,
  options: { iterations: number; seed: number; afterEach?: () => void },
): Promise<HammerReport>;
