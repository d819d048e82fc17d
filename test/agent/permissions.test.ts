import { describe, expect, it } from "vitest";
import { commandParts, decide, matchesPattern } from "../../src/agent/permissions/rules.js";
import { policyFor } from "../../src/agent/permissions/policies.js";
import type { Rule } from "../../src/config/permission-rule.js";

const EDITOR = "str_replace_based_edit_tool";
const allowed = (rules: Rule[], tool: string, subject: string): boolean =>
  decide(rules, tool, subject).allowed;

describe("decide", () => {
  const rules: Rule[] = [
    { tool: "*", pattern: "*", decision: "allow" },
    { tool: "bash", pattern: "rm *", decision: "deny", why: "no deleting" },
    { tool: "bash", pattern: "rm -i *", decision: "allow" },
  ];

  it("lets the last matching rule win and names it", () => {
    expect(decide(rules, "bash", "rm x")).toMatchObject({
      allowed: false,
      rule: rules[1],
      reason: "denied by rule {tool: bash, pattern: rm *}: no deleting",
    });
    expect(decide(rules, "bash", "rm -i x")).toMatchObject({ allowed: true, rule: rules[2] });
    expect(allowed(rules, "grep", "rm x")).toBe(true);
  });

  it("denies by default", () => {
    expect(decide([], "bash", "ls")).toMatchObject({
      allowed: false,
      reason: expect.stringContaining("deny by default"),
    });
    expect(allowed([{ tool: "grep", pattern: "*", decision: "allow" }], "glob", "x")).toBe(false);
  });

  it("requires every part of a compound command to be allowed", () => {
    const ls: Rule[] = [{ tool: "bash", pattern: "ls*", decision: "allow" }];
    expect(allowed(ls, "bash", "ls -la && ls src")).toBe(true);
    for (const command of [
      "ls && rm x",
      "ls; rm x",
      "ls | rm x",
      "ls || rm x",
      "ls & rm x",
      "ls\nrm x",
      "ls $(rm x)",
      "ls `rm x`",
      "ls <(rm x)",
      "bash -c 'rm x'",
      "eval rm x",
    ]) {
      expect(decide(ls, "bash", command)).toMatchObject({
        allowed: false,
        reason: expect.stringContaining("`rm x`"),
      });
    }
  });
});

describe("matchesPattern", () => {
  it("* matches anything, including / and spaces; ? one character; the rest is literal", () => {
    expect(matchesPattern("edit src/*", "edit src/a/b/c.ts")).toBe(true);
    expect(matchesPattern("git push*", "git push --force origin main")).toBe(true);
    expect(matchesPattern("git push*", "git pushx")).toBe(true);
    expect(matchesPattern("git status*", "git log")).toBe(false);
    expect(matchesPattern("a?c", "abc")).toBe(true);
    expect(matchesPattern("a.c", "abc")).toBe(false);
    expect(matchesPattern("cat *", "cat")).toBe(false);
  });
});

describe("commandParts", () => {
  it("strips quotes, assignments, wrappers and harmless redirections; keeps quoted operators", () => {
    expect(commandParts("FOO=1 nohup  git   'push'")).toEqual(["git push"]);
    expect(commandParts("timeout 60 npm test 2>&1 | tail -n 5")).toEqual(["npm test", "tail -n 5"]);
    expect(commandParts("echo 'a && b' \"c; d\" > /dev/null")).toEqual(["echo a && b c; d"]);
    expect(commandParts("cat a > b")).toEqual(["cat a > b"]);
    expect(commandParts("/usr/bin/git status")).toEqual(["git status"]);
  });
});

describe("policyFor", () => {
  const review = policyFor("review");
  const implement = policyFor("implement");

  it("read-only kinds view, search and run read-only commands only", () => {
    for (const kind of ["answer", "plan", "review", "maintenance", "prompt"] as const) {
      const rules = policyFor(kind);
      expect(allowed(rules, EDITOR, "view src/a.ts")).toBe(true);
      expect(allowed(rules, EDITOR, "edit src/a.ts")).toBe(false);
      expect(allowed(rules, "grep", "grep foo")).toBe(true);
      expect(allowed(rules, "glob", "glob **/*.ts")).toBe(true);
    }
    for (const ok of [
      "ls -la",
      "git status",
      "git log --oneline -5 | head -3",
      "rg foo src",
      "find . -name '*.ts'",
      "cat a 2>/dev/null",
    ]) {
      expect(allowed(review, "bash", ok), ok).toBe(true);
    }
    for (const no of [
      "npm test",
      "rm -rf src",
      "find . -delete",
      "find . -exec rm {} +",
      "cat a > b",
      "git diff --output=x",
      "ls && touch x",
    ]) {
      expect(allowed(review, "bash", no), no).toBe(false);
    }
  });

  it("implement also edits and runs any command", () => {
    expect(allowed(implement, EDITOR, "edit src/a.ts")).toBe(true);
    expect(allowed(implement, "bash", "npm test && npx tsc --noEmit")).toBe(true);
    expect(allowed(implement, "bash", "cat a > b")).toBe(true);
  });

  it("always denies pushes, force, remotes, credentials and network tools, whatever the extra rules say", () => {
    const extra: Rule[] = [{ tool: "*", pattern: "*", decision: "allow" }];
    const denied = [
      "git push",
      "git push origin HEAD:main",
      "git -C . push",
      "ls && git push",
      "echo $(git push)",
      "git reset --hard --force",
      "git remote add x https://example.com",
      "git config --global credential.helper store",
      "curl https://example.com",
      "wget https://example.com",
      "nc example.com 80",
      "ssh host",
      "scp a host:b",
      "env FOO=1 git push",
    ];
    for (const kind of ["implement", "review"] as const) {
      const rules = policyFor(kind, extra);
      for (const command of denied)
        expect(allowed(rules, "bash", command), `${kind}: ${command}`).toBe(false);
    }
    expect(decide(policyFor("implement", extra), "bash", "git push origin x").reason).toBe(
      "denied by rule {tool: bash, pattern: git push*}: pushing is done by patchwright after the leak guard",
    );
  });

  it("denies workflow edits unless the config allows them", () => {
    expect(allowed(implement, EDITOR, "edit .github/workflows/ci.yml")).toBe(false);
    expect(allowed(implement, "bash", "cp x.yml .github/workflows/ci.yml")).toBe(false);
    expect(allowed(implement, "bash", "echo x > .github/workflows/ci.yml")).toBe(false);
    expect(allowed(implement, EDITOR, "edit .github/dependabot.yml")).toBe(true);
    const opted = policyFor("implement", [], { allowWorkflowChanges: true });
    expect(allowed(opted, EDITOR, "edit .github/workflows/ci.yml")).toBe(true);
    expect(allowed(review, EDITOR, "view .github/workflows/ci.yml")).toBe(true);
  });
});
