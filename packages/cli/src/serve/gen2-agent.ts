import { gen2 } from "@nd/protocol";
import { PluginCallError, type PluginManager } from "@nd/runtime";

type Json = Record<string, unknown>;
type MetadataExport = keyof typeof gen2.CAPABILITIES.MetadataAgent;

/**
 * Asks a generation-2 MetadataAgent what `method` (generation 1's name, e.g. GetArtistBiography)
 * asks, through its `nd_*` export, and answers in generation 1's JSON shape, so one chain
 * serves both generations. Unknown methods answer undefined (not implemented here).
 */
export async function askGen2Agent(manager: PluginManager, id: string, method: string, request: Json): Promise<Json | undefined> {
  const key = `${method[0]!.toLowerCase()}${method.slice(1)}` as MetadataExport;
  const exportName = gen2.CAPABILITIES.MetadataAgent[key];
  if (exportName === undefined) return undefined;
  const output = await manager.callExport(id, exportName, JSON.stringify(gen2Request(method, request)));
  const answer = decode(id, exportName, output);
  return method === "GetAlbumInfo" ? { info: answer } : answer;
}

/** Generation 2 names the top songs' artist `name` and leaves an empty `mbid` out, as Navidrome sends it. */
function gen2Request(method: string, request: Json): Json {
  const { artistName, mbid, ...rest } = request;
  return {
    ...rest,
    ...(method === "GetArtistTopSongs" && { name: artistName }),
    ...(typeof mbid === "string" && mbid !== "" && { mbid }),
  };
}

/** Empty output (or null) is the empty answer, as in Navidrome; anything but a JSON object fails the call. */
function decode(id: string, exportName: string, output: Uint8Array): Json {
  if (output.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(output));
  } catch (error) {
    throw new PluginCallError(id, `${exportName} answered output that is not JSON: ${(error as Error).message}`);
  }
  if (value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new PluginCallError(id, `${exportName} answered JSON that is not an object`);
  return value as Json;
}
