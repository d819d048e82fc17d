// The pages' only script and stylesheet, served from this server (the CSP allows nothing else). The
// script builds every entry with textContent: what arrives over the event stream is never parsed as HTML.

export const RUN_PAGE_JS = `"use strict";
(function () {
  var list = document.getElementById("timeline");
  var status = document.getElementById("live-status");
  if (!list || list.getAttribute("data-live") !== "true") return;
  var token = new URLSearchParams(location.search).get("t") || "";
  var url = list.getAttribute("data-events") + "?t=" + encodeURIComponent(token) +
    "&after=" + encodeURIComponent(list.getAttribute("data-after") || "0");
  var source = new EventSource(url);
  function say(text) { if (status) status.textContent = text; }
  function add(tag, cls, text, parent) {
    var el = document.createElement(tag);
    el.className = cls;
    el.textContent = text;
    parent.appendChild(el);
    return el;
  }
  source.addEventListener("open", function () { say("live"); });
  source.addEventListener("error", function () { say("connection lost, trying again"); });
  source.addEventListener("entry", function (message) {
    var e = JSON.parse(message.data);
    var item = document.createElement("li");
    item.className = "entry entry-" + String(e.kind).replace(/[^a-z_]/g, "");
    item.setAttribute("data-seq", String(e.seq));
    add("time", "at", new Date(e.at).toISOString().slice(11, 19), item);
    add("span", "title", e.title, item);
    if (e.body) add("pre", "body", e.body, item);
    list.appendChild(item);
    list.setAttribute("data-after", String(e.seq));
  });
  source.addEventListener("end", function () {
    source.close();
    say("finished");
    location.reload();
  });
})();
`;

export const CSS = `:root { color-scheme: light dark; --line: #d0d7de; --muted: #57606a; --bad: #cf222e; --good: #1a7f37; }
body { font: 14px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem; }
h1 { font-size: 1.4rem; margin: 0.2rem 0; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
pre { white-space: pre-wrap; word-break: break-word; background: rgba(127,127,127,0.1); padding: 0.5rem; margin: 0.3rem 0; max-height: 24rem; overflow: auto; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; } dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.badge { border: 1px solid var(--line); border-radius: 1rem; padding: 0 0.5rem; font-size: 0.85rem; }
.state-running, .state-queued { border-color: #bf8700; } .outcome-failed, .outcome-blocked, .outcome-abandoned { color: var(--bad); }
.outcome-pr_opened, .outcome-pushed, .outcome-answered, .outcome-reviewed { color: var(--good); }
ol#timeline { list-style: none; padding: 0; } ol#timeline li { border-left: 3px solid var(--line); padding: 0.2rem 0.6rem; margin: 0.3rem 0; }
li.entry-turn { border-color: #0969da; font-weight: 600; } li.entry-tool_result { border-color: #8250df; } li.entry-guard, li.entry-limit { border-color: var(--bad); }
li.entry-report { border-color: var(--good); font-weight: 600; } .at { color: var(--muted); margin-right: 0.6rem; font-family: monospace; }
.muted { color: var(--muted); } form.inline { display: inline; } .filters select, .filters input { margin-right: 0.5rem; }
svg.chart { width: 100%; max-width: 720px; height: auto; border: 1px solid var(--line); }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; } .card { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 1rem; min-width: 8rem; }
.card b { display: block; font-size: 1.4rem; }
`;
