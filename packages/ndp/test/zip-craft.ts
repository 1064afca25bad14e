import { crc32, deflateRawSync } from "node:zlib";

/**
 * One entry of a hand-made zip. Fields left out get honest values; set them to lie
 * the way hostile archives do (sizes, CRC, attributes, flags).
 */
export interface CraftedEntry {
  name: string;
  data: Uint8Array | string;
  /** 0 stored, 8 deflate (default), anything else written as is. */
  method?: number;
  flags?: number;
  externalAttributes?: number;
  declaredSize?: number;
  crc?: number;
}

const UTF8_NAMES = 0x800;
const MADE_BY_UNIX = (3 << 8) | 20;

/** Writes a zip byte by byte, so tests can make archives no zip library would. */
export function craftZip(entries: CraftedEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const record = recordOf(entry);
    const local = Buffer.concat([localHeader(record), record.name, record.stored]);
    centrals.push(Buffer.concat([centralHeader(record, offset), record.name]));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  return new Uint8Array(Buffer.concat([...locals, central, endOfCentralDirectory(entries.length, central.length, offset)]));
}

interface Record {
  name: Buffer;
  stored: Buffer;
  method: number;
  flags: number;
  crc: number;
  size: number;
  externalAttributes: number;
}

function recordOf(entry: CraftedEntry): Record {
  const data = Buffer.from(entry.data);
  const method = entry.method ?? 8;
  return {
    name: Buffer.from(entry.name, "utf8"),
    stored: method === 8 ? deflateRawSync(data) : data,
    method,
    flags: UTF8_NAMES | (entry.flags ?? 0),
    crc: entry.crc ?? crc32(data),
    size: entry.declaredSize ?? data.length,
    externalAttributes: entry.externalAttributes ?? (0o100644 << 16) >>> 0,
  };
}

function localHeader(record: Record): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(record.flags, 6);
  header.writeUInt16LE(record.method, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(0x21, 12);
  header.writeUInt32LE(record.crc, 14);
  header.writeUInt32LE(record.stored.length, 18);
  header.writeUInt32LE(record.size, 22);
  header.writeUInt16LE(record.name.length, 26);
  header.writeUInt16LE(0, 28);
  return header;
}

function centralHeader(record: Record, localOffset: number): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(MADE_BY_UNIX, 4);
  header.writeUInt16LE(20, 6);
  header.writeUInt16LE(record.flags, 8);
  header.writeUInt16LE(record.method, 10);
  header.writeUInt16LE(0, 12);
  header.writeUInt16LE(0x21, 14);
  header.writeUInt32LE(record.crc, 16);
  header.writeUInt32LE(record.stored.length, 20);
  header.writeUInt32LE(record.size, 24);
  header.writeUInt16LE(record.name.length, 28);
  header.writeUInt32LE(record.externalAttributes, 38);
  header.writeUInt32LE(localOffset, 42);
  return header;
}

function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  record.writeUInt16LE(count, 8);
  record.writeUInt16LE(count, 10);
  record.writeUInt32LE(size, 12);
  record.writeUInt32LE(offset, 16);
  return record;
}
