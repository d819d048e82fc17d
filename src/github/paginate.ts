import type { Octokit } from "@octokit/core";
import { composePaginateRest, type PaginatingEndpoints } from "@octokit/plugin-paginate-rest";
import { z } from "zod";
import type { OctokitLike } from "./octokit-like.js";

const PAGE_SIZE = 100;
/** 10,000 items: far past any thread we read; more is refused rather than read without end. */
export const MAX_PAGES = 100;

/** A list went on past the pages a caller allows: an error, so nothing acts on part of a list unawares. */
export class TooManyPagesError extends Error {
  constructor(route: string, maxPages: number) {
    super(
      `GitHub listed more than ${maxPages * PAGE_SIZE} items at ${route}; patchwright reads at most that many.`,
    );
    this.name = "TooManyPagesError";
  }
}

type PageParams<R extends keyof PaginatingEndpoints> = Omit<
  PaginatingEndpoints[R]["parameters"],
  "per_page" | "page"
>;

/**
 * A list endpoint's items, page by page (100 a page), following the `next` links GitHub sends, each page
 * checked with `item`. Throws TooManyPagesError when a `next` link is left after `maxPages` pages.
 */
export function listPages<R extends keyof PaginatingEndpoints, T>(
  octokit: OctokitLike,
  route: R,
  params: PageParams<R>,
  item: z.ZodType<T>,
  maxPages = MAX_PAGES,
): AsyncGenerator<T[]> {
  // Page 1 asked for by number, as every later page's link does.
  return checkedPages(octokit, route, { ...params, page: 1 }, item, maxPages);
}

/**
 * As listPages, for a list GitHub pages by cursor (webhook deliveries): its `next` links carry a `cursor`,
 * and the endpoint knows no `page` parameter, so none is sent. A caller that has read enough (a list
 * newest first, read back to a date) leaves the loop, and no further page is asked for.
 */
export function listCursorPages<R extends keyof PaginatingEndpoints, T>(
  octokit: OctokitLike,
  route: R,
  params: Omit<PageParams<R>, "cursor">,
  item: z.ZodType<T>,
  maxPages = MAX_PAGES,
): AsyncGenerator<T[]> {
  return checkedPages(octokit, route, params, item, maxPages);
}

async function* checkedPages<R extends keyof PaginatingEndpoints, T>(
  octokit: OctokitLike,
  route: R,
  params: object,
  item: z.ZodType<T>,
  maxPages: number,
): AsyncGenerator<T[]> {
  // The iterator uses only `request` of the Octokit it is given (plugin-paginate-rest's iterator.js).
  const pages = composePaginateRest.iterator(octokit as Octokit, route, {
    ...params,
    per_page: PAGE_SIZE,
  } as PaginatingEndpoints[R]["parameters"]);
  let read = 0;
  for await (const response of pages) {
    read++;
    yield z.array(item).parse(response.data);
    if (read >= maxPages && /rel="next"/.test(response.headers.link ?? "")) {
      throw new TooManyPagesError(route, maxPages);
    }
  }
}
