/** The small, made-up catalogue the demo upstreams know. */
export interface DemoArtist {
  readonly mbid: string;
  readonly name: string;
  readonly biography: string;
  readonly related: readonly string[];
}

export interface DemoAlbum {
  readonly mbid: string;
  readonly title: string;
  readonly artist: string;
  readonly description: string;
}

export const DEMO_ARTISTS: readonly DemoArtist[] = [
  {
    mbid: "0f0b1e4c-1111-4c1a-9c57-6f9d2a6b1a01",
    name: "Nina Simone",
    biography: "Nina Simone was an American singer, songwriter and pianist. (Served by the nd demo's fake Wikipedia.)",
    related: ["Miles Davis"],
  },
  {
    mbid: "0f0b1e4c-2222-4c1a-9c57-6f9d2a6b1a02",
    name: "Miles Davis",
    biography: "Miles Davis was an American jazz trumpeter, bandleader and composer. (Served by the nd demo's fake Wikipedia.)",
    related: ["Nina Simone"],
  },
];

export const DEMO_ALBUMS: readonly DemoAlbum[] = [
  {
    mbid: "3c0b1e4c-3333-4c1a-9c57-6f9d2a6b1a03",
    title: "Kind of Blue",
    artist: "Miles Davis",
    description: "Kind of Blue is a 1959 studio album by Miles Davis. (Served by the nd demo's fake Wikipedia.)",
  },
];

export function artistNamed(name: string): DemoArtist | undefined {
  return DEMO_ARTISTS.find((artist) => artist.name.toLowerCase() === name.toLowerCase());
}
