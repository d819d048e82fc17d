import { z } from "zod";
import type { OctokitLike } from "./octokit-like.js";

const PAGE_SIZE = 100;

/** A list endpoint's items, page by page (100 a page, at most `maxPages`), each page checked with `item`. */
export async function* listPages<T>(
  octokit: OctokitLike,
  route: string,
  params: object,
  item: z.ZodType<T>,
  maxPages = 30,
): AsyncGenerator<T[]> {
  for (let page = 1; page <= maxPages; page++) {
    const { data } = await octokit.request(route, { ...params, per_page: PAGE_SIZE, page });
    const items = z.array(item).parse(data);
    yield items;
    if (items.length < PAGE_SIZE) return;
  }
}
