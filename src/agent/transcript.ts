import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * A run's transcript: one JSON object per line — the request's new messages, every response, every event.
 * Each line passes `redact` first, so a secret that reached a tool output never reaches the disk.
 */
export class Transcript {
  private constructor(
    private readonly stream: WriteStream,
    private readonly redact: (text: string) => string,
    readonly path: string,
  ) {}

  static async open(path: string, redact: (text: string) => string): Promise<Transcript> {
    // Readable by the harness alone: a sandbox user on the same host must not read other runs.
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    return new Transcript(createWriteStream(path, { flags: "a", mode: 0o600 }), redact, path);
  }

  write(record: { type: string } & Record<string, unknown>): void {
    this.stream.write(`${this.redact(JSON.stringify(record))}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
}
