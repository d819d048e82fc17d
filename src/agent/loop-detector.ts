/**
 * Notices a model going round in circles: the same tool call with the same input several times in a row.
 * The first time it is told; if it carries on, the run stops.
 */
export class LoopDetector {
  private last = "";
  private repeats = 0;
  private warned = false;

  constructor(private readonly threshold = 3) {}

  /** "ok", "warn" (tell the model once) or "stop". */
  observe(name: string, input: unknown): "ok" | "warn" | "stop" {
    const key = `${name}\0${JSON.stringify(input)}`;
    this.repeats = key === this.last ? this.repeats + 1 : 1;
    this.last = key;
    if (this.repeats < this.threshold) return "ok";
    if (!this.warned) {
      this.warned = true;
      return "warn";
    }
    return "stop";
  }
}
