import { fromMarkdown } from "mdast-util-from-markdown";
import { describe, expect, it } from "vitest";
import { mapProse, READ_LIMIT, READ_LINES, type ProseMap, type Span } from "../../src/request/map-prose.js";

const texts = (text: string, spans: readonly Span[]): string[] => spans.map((s) => text.slice(s.from, s.to));
const prose = (text: string): string => texts(text, mapProse(text).prose).join("|");
const filler = (chars: number): string => "Filler sentence.\n\n".repeat(Math.ceil(chars / 18));

describe("mapProse", () => {
  it("maps prose, code and quotes in document order", () => {
    const text = "Hi `x` there\n\n> quoted\nlazy\n\n```\ncode\n```\n\n- item [link](u)";
    const map: ProseMap = mapProse(text);
    expect(texts(text, map.prose)).toEqual(["Hi ", " there", "item "]);
    expect(texts(text, map.code)).toEqual(["`x`", "```\ncode\n```"]);
    expect(texts(text, map.quotes)).toEqual(["> quoted\nlazy"]);
    expect(map.readUpTo).toBe(text.length);
  });

  it("follows HTML elements across sibling nodes and maps text inside HTML blocks", () => {
    expect(prose("a <kbd>b</kbd> c <tt>d\n\ne</tt> f")).toBe("a | c | f");
    expect(prose("<div>\nshown <samp>not</samp> shown\n</div>")).toBe("\nshown | shown\n");
    // Inside a list item the html node's value lacks the indentation: offsets are mapped per line.
    const text = "- <div>\n  hi there\n  </div>";
    expect(prose(text)).toBe("hi there");
  });

  it("lets a block close the elements opened inside it", () => {
    expect(prose("> <kbd>\n\nafter")).toBe("after");
    expect(prose("<kbd>\n\n> </kbd>\n\nstill hidden")).toBe("");
  });

  it("records <blockquote> elements as quotes, to the end when unclosed", () => {
    const text = "a <blockquote>b</blockquote> c\n\n<blockquote>\n\nd";
    expect(texts(text, mapProse(text).quotes)).toEqual(["<blockquote>b</blockquote>", "<blockquote>\n\nd"]);
  });

  it("parses no more than READ_LIMIT characters of a long text", () => {
    const seen: number[] = [];
    const text = "start\n\n" + "]".repeat(65_000);
    const map = mapProse(text, (md) => {
      seen.push(md.length);
      return fromMarkdown(md);
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeLessThanOrEqual(READ_LIMIT);
    expect(map.readUpTo).toBe("start\n\n".length);
    expect(texts(text, map.prose)).toEqual(["start"]);
  });

  it("parses no more than READ_LINES lines", () => {
    const text = "- item\n\n".repeat(READ_LINES) + "after";
    const map = mapProse(text);
    expect(map.readUpTo).toBe("- item\n\n".repeat(READ_LINES / 2).length);
    expect(texts(text, map.prose)).toHaveLength(READ_LINES / 2);
  });

  it("does not count a paragraph that the cut may have split", () => {
    // The code span closes after the cut: in the part read, its backtick looks literal.
    const text = "`@patchwright fix\n" + "x\n".repeat(READ_LIMIT) + "`";
    expect(mapProse(text).prose).toEqual([]);
  });

  it("keeps reference links that are defined after the cut", () => {
    const tail = "\n\n[1]: https://example.com\n";
    expect(prose("[link text][1] and more\n\n" + filler(READ_LIMIT) + tail)).not.toContain("link text");
    expect(prose("[not a link] here\n\n" + filler(READ_LIMIT) + tail)).toContain("[not a link] here");
    expect(prose("see[^1]\n\n" + filler(READ_LIMIT) + "\n\n[^1]: a note")).toMatch(/^see\|Filler/);
  });

  it("stops reading before a line that opens too many containers", () => {
    const text = "ok\n\n" + "> ".repeat(20) + "deep\n\nafter";
    const map = mapProse(text);
    expect(map.readUpTo).toBe(4);
    expect(texts(text, map.prose)).toEqual(["ok"]);
  });

  it("maps nothing when the parser fails", () => {
    const map = mapProse("text", () => {
      throw new RangeError("Maximum call stack size exceeded");
    });
    expect(map).toEqual({ prose: [], code: [], quotes: [], readUpTo: 0 });
  });
});
