import { expect, test } from "vitest";
import { toSnakeCase } from "../src/index.js";

test.each([
  ["GetArtistMBID", "get_artist_mbid"],
  ["GetArtistURL", "get_artist_url"],
  ["GetArtistUrl", "get_artist_url"],
  ["WebSocketCallback", "web_socket_callback"],
  ["OnInit", "on_init"],
  ["ScheduleOneTime", "schedule_one_time"],
  ["MBIDLookupX", "mbid_lookup_x"],
  ["Get", "get"],
])("toSnakeCase(%s) is %s", (name, expected) => {
  expect(toSnakeCase(name)).toBe(expected);
});
