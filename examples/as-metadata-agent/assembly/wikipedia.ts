// Page summaries from the Wikipedia REST API (GET /api/rest_v1/page/summary/<title>).
import { JSON } from "json-as";
import { ExternalImage, Result } from "@nd/protocol/assembly";
import { fetchText } from "./fetch";

@json
class WikiImage {
  source: string = "";
  width: i32 = 0;
  height: i32 = 0;
}

@json
class WikiPageUrls {
  page: string = "";
}

@json
class WikiContentUrls {
  desktop: WikiPageUrls | null = null;
}

@json
export class WikiSummary {
  title: string = "";
  extract: string = "";
  thumbnail: WikiImage | null = null;
  originalimage: WikiImage | null = null;
  @alias("content_urls")
  contentUrls: WikiContentUrls | null = null;

  /** The thumbnail and the original image, largest last, as the host wants them. */
  images(): Array<ExternalImage> {
    const images = new Array<ExternalImage>();
    const thumbnail = this.thumbnail;
    if (thumbnail !== null && thumbnail.source != "") images.push(new ExternalImage(thumbnail.source, thumbnail.width));
    const original = this.originalimage;
    if (original !== null && original.source != "") images.push(new ExternalImage(original.source, original.width));
    return images;
  }
}

/** The summary of the page titled `title`, or plugin:not_found. */
export function pageSummary(baseUrl: string, title: string): Result<WikiSummary> {
  if (title == "") return Result.notFound<WikiSummary>();
  const url = baseUrl + "/api/rest_v1/page/summary/" + encodeURIComponent(title.replaceAll(" ", "_"));
  const body = fetchText(url);
  if (!body.isOk) return body.forward<WikiSummary>();
  return Result.ok(JSON.parse<WikiSummary>(body.value!));
}
