/** @type {{ layer: string; folders: string[]; ordered?: boolean }[]} */
const layers = require("./layers.cjs");

const folderPath = (folders) => `^src/(${folders.join("|")})/`;

/** For each folder, the folders it may not import: every one above it, and its peers. */
function layerRules() {
  const rules = [];
  layers.forEach(({ layer, folders, ordered }, i) => {
    const above = layers.slice(0, i).flatMap((l) => l.folders);
    folders.forEach((folder, j) => {
      const sideways = ordered ? folders.slice(0, j) : folders.filter((f) => f !== folder);
      const forbidden = [...above, ...sideways];
      if (forbidden.length === 0) return;
      rules.push({
        name: `layer-${folder}`,
        comment:
          `src/${folder} (${layer}) may import only the layers below it (see layers.cjs and ` +
          `docs/architecture.md): not ${forbidden.join(", ")}.`,
        severity: "error",
        from: { path: `^src/${folder}/` },
        to: { path: folderPath(forbidden) },
      });
    });
  });
  return rules;
}

/** Frameworks live at the edges only: Probot in src/app, @actions/* in src/action, commander in src/cli. */
const frameworkRules = [
  ["probot", "app"],
  ["@actions/", "action"],
  ["commander", "cli"],
].map(([module, folder]) => ({
  name: `framework-${folder}`,
  comment: `Only src/${folder} may import ${module}: the core sees a RunRequest, never a framework.`,
  severity: "error",
  from: { path: "^src/", pathNot: `^src/${folder}/` },
  to: { path: `node_modules/${module.replace(/\//g, "\\/")}` },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import cycle: the modules in it can no longer be understood, tested or moved one by one.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-test-in-src",
      comment: "Shipped code never imports test code.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^test/" },
    },
    ...layerRules(),
    ...frameworkRules,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      extensions: [".ts", ".js"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
