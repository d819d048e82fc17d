import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ActionInputs, readActionInputs } from "../../src/action/read-inputs.js";

/** The runner passes every input of action.yml, blank when the workflow gives none. */
function read(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return readActionInputs((name) => inputs[name] ?? "", env);
}

describe("the Action's inputs", () => {
  it("are read once: blanks unset, numbers converted, lists split, defaults filled", () => {
    const result = read(
      {
        github_token: " t0k ",
        max_turns: "12",
        max_cost_usd: "2.5",
        forbidden_terms: "nimbus, orion\nvega,,",
      },
      {},
    );
    expect(result).toEqual({
      ok: true,
      inputs: expect.objectContaining({
        mode: "agent",
        provider: "anthropic",
        github_token: "t0k",
        max_turns: 12,
        max_cost_usd: 2.5,
        timeout_minutes: undefined,
        prompt: undefined,
        forbidden_terms: ["nimbus", "orion", "vega"],
        bot_login: "github-actions[bot]",
        scan: "auto",
      }),
    });
  });

  it("take GITHUB_TOKEN from the environment when github_token is empty", () => {
    expect(read({}, { GITHUB_TOKEN: "from-env" })).toMatchObject({
      ok: true,
      inputs: { github_token: "from-env" },
    });
  });

  it.each([
    [{ mode: "review" }, 'The input "mode" must be agent or guard, not "review".'],
    [{ github_token: "t", max_turns: "0" }, 'The input "max_turns" must be a positive number, not "0".'],
    [
      { github_token: "t", max_cost_usd: "lots" },
      'The input "max_cost_usd" must be a positive number, not "lots".',
    ],
    [
      { github_token: "t", timeout_minutes: "-5" },
      'The input "timeout_minutes" must be a positive number, not "-5".',
    ],
    [
      { github_token: "t", provider: "openai" },
      'The input "provider" must be anthropic, bedrock or vertex, not "openai".',
    ],
    [{ mode: "guard", scan: "everything" }, 'The input "scan" must be auto, tree or pack, not "everything".'],
    [{}, 'The input "github_token" is empty: pass ${{ secrets.GITHUB_TOKEN }} or an App token.'],
    [
      { github_token: "t", plan_secret: "short" },
      'The input "plan_secret" is shorter than 32 characters: pass a long random secret, such as the output of `openssl rand -hex 32` stored as a repository secret.',
    ],
  ])("refuse %j with one sentence", (inputs, error) => {
    expect(read(inputs)).toEqual({ ok: false, error });
  });

  it("need no token in guard mode", () => {
    expect(read({ mode: "guard" })).toMatchObject({
      ok: true,
      inputs: { mode: "guard", github_token: undefined },
    });
  });

  it("are exactly those action.yml declares", () => {
    const action = parse(readFileSync(new URL("../../action.yml", import.meta.url), "utf8")) as {
      inputs: Record<string, unknown>;
    };
    expect(Object.keys(ActionInputs.shape).sort()).toEqual(Object.keys(action.inputs).sort());
  });
});
