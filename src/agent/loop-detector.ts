/**
 * Notices a model going round in circles: the same tool call with the same input several times in a
 * row, or turn after turn in which every call fails. The first time it is told; if it carries on, the
 * run stops.
 */
export class LoopDetector {
  private last = "";
  private repeats = 0;
  private failingTurns = 0;
  private warnedRepeat = false;
  private warnedFailing = false;

  constructor(
    private readonly repeatThreshold = 3,
    private readonly failingTurnsThreshold = 5,
  ) {}

  /** After each call: "ok", "warn" (tell the model once) or "stop". */
  observe(name: string, input: unknown): "ok" | "warn" | "stop" {
    const key = `${name}\0${JSON.stringify(input)}`;
    this.repeats = key === this.last ? this.repeats + 1 : 1;
    this.last = key;
    if (this.repeats < this.repeatThreshold) return "ok";
    if (!this.warnedRepeat) {
      this.warnedRepeat = true;
      return "warn";
    }
    return "stop";
  }

  /** After each turn with tool calls: whether all of them failed. */
  observeTurn(allFailed: boolean): "ok" | "warn" | "stop" {
    this.failingTurns = allFailed ? this.failingTurns + 1 : 0;
    if (this.failingTurns < this.failingTurnsThreshold) return "ok";
    if (!this.warnedFailing) {
      this.warnedFailing = true;
      this.failingTurns = 0;
      return "warn";
    }
    return "stop";
  }
}
