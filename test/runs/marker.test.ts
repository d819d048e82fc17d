import { describe, expect, it } from "vitest";
import { checkPlan, planRecord, readMarker, renderMarker } from "../../src/runs/marker.js";

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
});
