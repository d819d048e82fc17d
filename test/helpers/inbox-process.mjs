// A server's delivery inbox (dist/) whose queue never answers, for the crash test: it takes <count>
// deliveries, says "taken" on stdout once they are stored, and waits to be killed.
// Arguments: <inbox file> <count>
import { setInterval } from "node:timers";
import { DeliveryInbox } from "../../dist/runs/queue/delivery-inbox.js";

const [path, count] = process.argv.slice(2);
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const inbox = new DeliveryInbox(path, { forward: () => new Promise(() => {}), log: quiet });
for (let i = 0; i < Number(count); i++)
  inbox.take(
    { id: `d-${i}`, name: "issue_comment", payload: { n: i, body: "é\u2028" } },
    `issue_comment:${i}`,
  );
process.stdout.write("taken\n");
setInterval(() => {}, 1 << 30);
