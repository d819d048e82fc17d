#!/usr/bin/env node
import { run } from "probot";
import { createPatchwrightApp } from "./app.js";
import { PatchwrightOctokit } from "./octokit.js";

// `npm start`: Probot reads APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET, GHE_HOST, PORT;
// patchwright reads ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL) and PATCHWRIGHT_STATE_DIR.
await run(createPatchwrightApp().appFn, { Octokit: PatchwrightOctokit });
