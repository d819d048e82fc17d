import { describe, expect, it } from "vitest";
import { checkPlan, planRecord, readMarker, renderMarker } from "../../src/runs/marker.js";
import { derivePlanKey } from "../../src/runs/plan-mac.js";

describe("the run marker", () => {
  it("keeps a plan with any text inside one closed HTML comment", () => {
    const text = "- [ ] step --> <!-- sneaky -->\n- [ ] next";
    const shown = `📝 plan\n\n${text}`;
    const marker = renderMarker({ run: "r", trigger: "t", plan: planRecord("ask", text, shown) });
    expect(marker.match(/-->|<!--/g)).toEqual(["<!--", "-->"]);
    const body = `${shown}\n\n${marker}`;
    expect(readMarker(body)?.plan?.text).toBe(text);
    expect(checkPlan(body)).toMatchObject({ status: "ok", plan: { request: "ask", text } });
  });

  it("tells an edited plan comment, an edited marker and no plan apart", () => {
    const text = "- [ ] one";
    const shown = `plan\n\n${text}`;
    const marker = renderMarker({ run: "r", trigger: "t", plan: planRecord("ask", text, shown) });
    expect(checkPlan(`${shown}\n- [ ] two\n\n${marker}`).status).toBe("edited");
    expect(checkPlan(`${shown}\n\n${marker.replace("one", "two")}`).status).toBe("edited");
    expect(checkPlan(`${shown.replace(/\n/g, "\r\n")}\n\n${marker}`).status).toBe("ok");
    expect(checkPlan(`${shown}\n\n${renderMarker({ run: "r", trigger: "t" })}`).status).toBe("none");
    expect(checkPlan(undefined).status).toBe("none");
  });

  it("with a key, accepts a plan only with its MAC for the same comment, thread and repository", () => {
    const key = derivePlanKey("k".repeat(32), "plan-secret");
    const place = { owner: "o", repo: "r", thread: 1, commentId: 7 };
    const shown = "plan\n\n- [ ] one";
    const body = (record = planRecord("ask", "- [ ] one", shown, { key, place: { ...place, run: "r1" } })) =>
      `${shown}\n\n${renderMarker({ run: "r1", trigger: "t", plan: record })}`;
    expect(checkPlan(body(), { key, place })).toMatchObject({ status: "ok", run: "r1" });
    // Without a key (the Action without plan_secret) the MAC is not looked at.
    expect(checkPlan(body()).status).toBe("ok");
    for (const elsewhere of [{ thread: 2 }, { commentId: 8 }, { repo: "other" }, { owner: "x" }])
      expect(checkPlan(body(), { key, place: { ...place, ...elsewhere } }).status).toBe("unsealed");
    const other = derivePlanKey("k".repeat(32), "app-private-key");
    expect(checkPlan(body(), { key: other, place }).status).toBe("unsealed");
    expect(checkPlan(body(planRecord("ask", "- [ ] one", shown)), { key, place }).status).toBe("unsealed");
    // The run named in the marker is covered too.
    expect(checkPlan(body().replace('"run":"r1"', '"run":"r2"'), { key, place }).status).toBe("unsealed");
  });
});
