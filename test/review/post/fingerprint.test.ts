import { describe, expect, it } from "vitest";
import {
  codeContext,
  fingerprint,
  readFingerprint,
  renderFingerprint,
} from "../../../src/review/post/fingerprint.js";
import { finding } from "../findings/helpers.js";

const file = ["import x from 'x';", "", "function f() {", "  stream.close();", "  stream.read();", "}"].join(
  "\n",
);

describe("fingerprint", () => {
  it("takes the commented lines, and one line either side only when they are too plain", () => {
    expect(codeContext(file, 5, 5)).toBe("  stream.read();");
    expect(codeContext(file, 4, 5)).toBe("  stream.close();\n  stream.read();");
    expect(codeContext(file, 6, 6)).toBe("  stream.read();\n}");
    expect(codeContext(file, 2, 2)).toBe("import x from 'x';\n\nfunction f() {");
  });

  it("survives lines moving, re-indenting, and numbers or case in the title", () => {
    const before = fingerprint(
      finding({ line: 5, title: "Read after close on line 5" }),
      codeContext(file, 5, 5),
    );
    const moved = `// header\n// more\n${file.replace(/^ {2}/gm, "\t")}`;
    const after = fingerprint(
      finding({ line: 7, title: "Read after  CLOSE on line 7" }),
      codeContext(moved, 7, 7),
    );
    expect(after).toBe(before);
    expect(before).toMatch(/^[0-9a-f]{16}$/);
  });

  it("changes with the code, the path, or what the finding says", () => {
    const base = fingerprint(finding(), codeContext(file, 5, 5));
    expect(fingerprint(finding(), codeContext(file.replace("read()", "readAll()"), 5, 5))).not.toBe(base);
    expect(fingerprint(finding({ path: "src/other.ts" }), codeContext(file, 5, 5))).not.toBe(base);
    expect(fingerprint(finding({ category: "performance" }), codeContext(file, 5, 5))).not.toBe(base);
    expect(fingerprint(finding({ title: "Leaks a handle" }), codeContext(file, 5, 5))).not.toBe(base);
  });

  it("is hidden in a comment and read back only from the end of the body", () => {
    const marker = renderFingerprint("0123456789abcdef");
    expect(marker).toBe("<!-- patchwright:finding 0123456789abcdef -->");
    expect(readFingerprint(`Text.\n\n${marker}\n`)).toBe("0123456789abcdef");
    expect(readFingerprint(`Quoting ${marker} in the middle.`)).toBeUndefined();
    expect(readFingerprint(null)).toBeUndefined();
  });
});
