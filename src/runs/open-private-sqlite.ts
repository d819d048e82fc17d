import { chmodSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/**
 * Opens a SQLite file of the state folder (or `:memory:`) that only this user can read: its folder is
 * made 0700 and the file 0600, and SQLite gives its -wal and -shm files the same mode. In WAL mode with
 * `synchronous=NORMAL`: a commit survives a crash or kill of the process, not a power cut.
 */
export function openPrivateSqlite(path: string, busyTimeoutMs: number): Database.Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  if (path !== ":memory:") chmodSync(path, 0o600);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return db;
}
