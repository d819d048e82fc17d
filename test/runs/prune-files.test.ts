import { existsSync, lutimesSync, mkdirSync, symlinkSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pruneOlderThan } from "../../src/runs/prune-files.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";

const DAY_MS = 86_400_000;
const NOW = new Date("2025-06-10T12:00:00Z");
const BEFORE = new Date(NOW.getTime() - 14 * DAY_MS);

/** Sets `path`'s modification time to `days` days before NOW. */
function age(path: string, days: number): void {
  const when = new Date(NOW.getTime() - days * DAY_MS);
  utimesSync(path, when, when);
}

describe("pruneOlderThan", () => {
  it("removes the files modified before the date, at any depth, and keeps the rest and the folders", async () => {
    const state = tempDir("pw-prune-");
    writeFiles(state, {
      "runs.json": "{}",
      "transcripts/old.jsonl": "{}\n",
      "transcripts/new.jsonl": "{}\n",
      "transcripts/2025/05/older.jsonl": "{}\n",
    });
    age(join(state, "runs.json"), 20);
    age(join(state, "transcripts/old.jsonl"), 15);
    age(join(state, "transcripts/new.jsonl"), 13);
    age(join(state, "transcripts/2025/05/older.jsonl"), 40);

    expect(await pruneOlderThan(state, BEFORE)).toBe(3);
    expect(existsSync(join(state, "runs.json"))).toBe(false);
    expect(existsSync(join(state, "transcripts/old.jsonl"))).toBe(false);
    expect(existsSync(join(state, "transcripts/2025/05/older.jsonl"))).toBe(false);
    expect(existsSync(join(state, "transcripts/new.jsonl"))).toBe(true);
    expect(existsSync(join(state, "transcripts/2025/05"))).toBe(true);
  });

  it("keeps a file modified exactly at the date", async () => {
    const state = tempDir("pw-prune-");
    writeFiles(state, { "edge.jsonl": "" });
    age(join(state, "edge.jsonl"), 14);
    expect(await pruneOlderThan(state, BEFORE)).toBe(0);
    expect(existsSync(join(state, "edge.jsonl"))).toBe(true);
  });

  it("neither follows nor removes symbolic links, so nothing outside the folder goes", async () => {
    const outside = tempDir("pw-outside-");
    writeFiles(outside, { "keep.jsonl": "", "nested/keep.jsonl": "" });
    age(join(outside, "keep.jsonl"), 30);
    age(join(outside, "nested/keep.jsonl"), 30);
    const state = tempDir("pw-prune-");
    mkdirSync(join(state, "transcripts"));
    symlinkSync(join(outside, "keep.jsonl"), join(state, "transcripts/file-link.jsonl"));
    symlinkSync(join(outside, "nested"), join(state, "transcripts/folder-link"));
    const old = new Date(NOW.getTime() - 30 * DAY_MS);
    lutimesSync(join(state, "transcripts/file-link.jsonl"), old, old);

    expect(await pruneOlderThan(state, BEFORE)).toBe(0);
    expect(existsSync(join(outside, "keep.jsonl"))).toBe(true);
    expect(existsSync(join(outside, "nested/keep.jsonl"))).toBe(true);
    expect(existsSync(join(state, "transcripts/file-link.jsonl"))).toBe(true);
  });

  it("counts 0 for a folder that does not exist", async () => {
    expect(await pruneOlderThan(join(tempDir("pw-prune-"), "missing"), BEFORE)).toBe(0);
  });
});
