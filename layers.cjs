/**
 * The layers of src/, top to bottom: a folder may import its own files and folders below it, never one
 * above. Within a layer marked `ordered`, a folder may import the ones listed after it; in the others
 * (surfaces, features) the folders are peers and may not import each other. Written once: the
 * dependency-cruiser rules (.dependency-cruiser.cjs) and docs/architecture.md (checked by a test) read it.
 */
module.exports = [
  { layer: "surfaces", folders: ["app", "action", "cli"] },
  { layer: "runs", folders: ["runs"] },
  { layer: "features", folders: ["review", "maintenance"] },
  { layer: "agent", folders: ["agent"] },
  { layer: "services", folders: ["memory", "tools", "github", "workspace"], ordered: true },
  { layer: "foundation", folders: ["request", "config"], ordered: true },
  { layer: "guard", folders: ["guard"] },
];
