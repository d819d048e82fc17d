import { describe, expect, it } from "vitest";
import { readFrustration, type ThreadEntry } from "../../src/request/frustration.js";

const ASKED: ThreadEntry = { by: "person", author: "octocat", text: "@patchwright fix the pagination bug" };
const ANSWERED: ThreadEntry[] = [ASKED, { by: "patchwright" }];
const signals = (text: string, thread: ThreadEntry[] = ANSWERED) =>
  readFrustration(thread, { author: "octocat", text }).signals;

describe("frustration signals", () => {
  it("notices the same request repeated after an answer, not before one", () => {
    expect(signals("Fix the pagination bug!")).toEqual(["repeated"]);
    expect(signals("fix the pagination bug", [ASKED])).toEqual([]);
    expect(signals("fix the pagination bug in page.js")).toEqual([]);
  });

  it.each([
    ["en", "It's still broken."],
    ["en", "This doesn’t work"],
    ["en", "wrong again"],
    ["en", "useless"],
    ["fr", "Ça ne marche toujours pas"],
    ["fr", "toujours cassé"],
    ["de", "Funktioniert immer noch nicht"],
    ["de", "das ist wieder falsch"],
    ["es", "sigue sin funcionar"],
    ["es", "No funciona"],
  ])("notices that it did not help (%s: %s)", (_lang, text) => {
    expect(signals(text)).toContain("not fixed");
  });

  it.each([
    ["en", "what the fucking hell is this"],
    ["en", "this is crap"],
    ["fr", "putain, encore raté"],
    ["de", "So ein Scheiß"],
    ["es", "qué mierda"],
  ])("notices swearing (%s: %s)", (_lang, text) => {
    expect(signals(text)).toContain("swearing");
  });

  it("notices shouting: mostly capitals over several words", () => {
    expect(signals("WHY DID YOU CHANGE THE TESTS")).toContain("shouting");
    expect(signals("I SAID THE TESTS, NOT THE CODE, ok?")).toContain("shouting");
  });

  it.each(["continue", "again", "Try again please", "nochmal bitte", "otra vez", "réessaie s'il te plaît"])(
    "notices a retry loop after an answer (%s)",
    (text) => {
      expect(signals(text)).toEqual(["retry"]);
      expect(signals(text, [ASKED])).toEqual([]);
    },
  );

  it("does not count what the person quotes or pastes", () => {
    expect(
      signals("Here is the log:\n\n```\nERROR: DOES NOT WORK, STILL BROKEN\n```\n\ncan you add a retry?"),
    ).toEqual([]);
    expect(signals("> ERROR: DOES NOT WORK AT ALL TODAY\n\nplease handle this message")).toEqual([]);
    expect(signals("rename `MAX_RETRY_COUNT_VALUE` and `DEFAULT_PAGE_SIZE` please")).toEqual([]);
  });

  it("does not take ordinary words for signals", () => {
    expect(signals("add a debug flag and a scrap folder")).toEqual([]);
    expect(signals("the Shiitake example should continue to work after the change")).toEqual([]);
    expect(signals("use the NASA API and the HTTP GET")).toEqual([]);
    expect(signals("document that it does work offline")).toEqual([]);
    expect(signals("@patchwright")).toEqual([]);
  });

  it("counts the rounds patchwright answered and a frustrated comment followed", () => {
    const thread: ThreadEntry[] = [
      ASKED,
      { by: "patchwright" },
      { by: "person", author: "octocat", text: "still broken" },
      { by: "patchwright" },
      { by: "person", author: "hubot", text: "thanks, looks closer" },
      { by: "patchwright" },
      { by: "person", author: "octocat", text: "wrong again" },
      { by: "person", author: "octocat", text: "useless" },
      { by: "patchwright" },
    ];
    expect(readFrustration(thread, { author: "octocat", text: "try again" })).toEqual({
      signals: ["retry"],
      rounds: 3,
    });
    expect(readFrustration(thread, { author: "octocat", text: "now add a test" })).toEqual({
      signals: [],
      rounds: 0,
    });
  });

  it("notices a revert of patchwright's commit before the request, only after an answer", () => {
    const request = { author: "octocat", text: "fix the sorting instead", revertedOurCommits: 1 };
    expect(readFrustration(ANSWERED, request)).toEqual({ signals: ["reverted"], rounds: 1 });
    expect(readFrustration([ASKED], request)).toEqual({ signals: [], rounds: 0 });
    expect(readFrustration(ANSWERED, { ...request, text: "still broken", revertedOurCommits: 2 })).toEqual({
      signals: ["not fixed", "reverted"],
      rounds: 1,
    });
    expect(readFrustration(ANSWERED, { ...request, revertedOurCommits: 0 }).signals).toEqual([]);
  });
});
