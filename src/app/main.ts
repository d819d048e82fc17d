#!/usr/bin/env node
import { run } from "probot";
import { createPatchwrightApp } from "./app.js";

// `npm start`: Probot reads APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET, GHE_HOST, PORT.
await run(createPatchwrightApp().appFn);
