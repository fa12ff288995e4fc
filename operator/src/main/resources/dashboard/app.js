// The Agentfleet dashboard: polls the operator's JSON every two seconds and draws it. Every value
// goes into the page as text (textContent), never as markup. Charts are hand-drawn SVG polylines:
// three small line charts do not need a library, and the page loads nothing from elsewhere.
"use strict";

const POLL_MS = 2000;
const SVG = "http://www.w3.org/2000/svg";
let selected = null; // {namespace, name}
let writeActions = false;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    tr.appendChild(c instanceof Node ? wrapCell(c) : el("td", c));
  }
  return tr;
}

function wrapCell(node) {
  const td = document.createElement("td");
  td.appendChild(node);
  return td;
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function fmt(n, digits) {
  return n === null || n === undefined ? "–" : Number(n).toFixed(digits);
}

function age(iso) {
  if (!iso) return "–";
  return duration((Date.now() - Date.parse(iso)) / 1000);
}

function duration(s) {
  s = Math.max(0, Math.round(s));
  if (s < 120) return s + "s";
  if (s < 7200) return Math.round(s / 60) + "m";
  if (s < 172800) return Math.round(s / 3600) + "h";
  return Math.round(s / 86400) + "d";
}

async function getJson(path) {
  const r = await fetch(path, { cache: "no-store" });
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

function fromHash() {
  const m = /^#\/([^/]+)\/([^/]+)$/.exec(location.hash);
  return m ? { namespace: decodeURIComponent(m[1]), name: decodeURIComponent(m[2]) } : null;
}

function drawList(list) {
  writeActions = list.writeActions;
  const j = list.agentJoins;
  document.getElementById("joins").textContent = j.joins === 0
    ? "Room started → agent joined: no join seen in the last hour (needs LiveKit webhooks to the operator)."
    : "Room started → agent joined, last hour, every room the webhooks announced: " + j.joins +
      " joins, median " + j.p50Millis + " ms, p95 " + j.p95Millis + " ms, max " + j.maxMillis + " ms.";
  const tbody = document.querySelector("#deployments tbody");
  document.getElementById("empty").hidden = list.deployments.length > 0;
  if (!selected && list.deployments.length > 0) {
    const d = list.deployments[0];
    selected = { namespace: d.namespace, name: d.name };
  }
  fill(tbody, list.deployments.map(d => {
    const tr = row([
      d.namespace, d.name, d.agentName || "(automatic)", d.desired, d.ready, d.workers, d.calls,
      fmt(d.load, 2) + " / " + fmt(d.targetLoad, 2), d.strategy, d.rolloutPhase || "–",
      d.updateRevision || "–", d.degraded || "",
    ]);
    tr.className = "selectable";
    tr.dataset.namespace = d.namespace;
    tr.dataset.name = d.name;
    if (selected && selected.namespace === d.namespace && selected.name === d.name) {
      tr.classList.add("selected");
    }
    tr.addEventListener("click", () => {
      location.hash = "#/" + encodeURIComponent(d.namespace) + "/" + encodeURIComponent(d.name);
    });
    return tr;
  }));
}

function drawDetail(p) {
  const s = p.summary;
  document.getElementById("detail").hidden = false;
  document.getElementById("detail-title").textContent = s.namespace + "/" + s.name;
  document.getElementById("worker-count").textContent = s.workers;
  document.getElementById("ready-desired").textContent = s.ready + " / " + s.desired;
  document.getElementById("calls").textContent = s.calls;
  document.getElementById("load").textContent = fmt(s.load, 2) + " / " + fmt(s.targetLoad, 2);
  document.getElementById("note").textContent = p.note;

  const r = p.rollout;
  const step = r.step === null || r.step === undefined
    ? "–"
    : r.steps > 0 ? "step " + (r.step + 1) + " of " + r.steps : "step " + r.step;
  const kv = [
    ["strategy", r.strategy], ["phase", r.phase || "–"], ["step", step],
    ["weight", r.weight === null || r.weight === undefined ? "–" : r.weight + "%"],
    ["paused", r.paused ? "yes (spec.paused)" : "no"], ["promoted", r.promoted || "–"],
    ["waiting for", r.waitingFor || "nothing"], ["message", r.message || "–"],
    ["old workers draining", (r.drainingOldWorkers ?? 0) + " with " + (r.drainingOldCalls ?? 0) + " call(s)"],
  ];
  fill(document.querySelector("#rollout tbody"), kv.map(([k, v]) => {
    const tr = row([k, v]);
    tr.dataset.key = k;
    return tr;
  }));
  const stepCell = document.querySelector('#rollout tr[data-key="step"] td:last-child');
  stepCell.id = "rollout-step";
  document.getElementById("actions").hidden = !p.writeActions;

  const head = document.querySelector("#by-revision thead");
  const states = p.byRevision.length > 0 ? Object.keys(p.byRevision[0].states) : [];
  head.replaceChildren(row(["revision", ...states, "calls"]));
  fill(document.querySelector("#by-revision tbody"),
    p.byRevision.map(b => row([b.revision, ...states.map(st => b.states[st]), b.calls])));

  fill(document.querySelector("#workers tbody"), p.workers.map(w => {
    const tr = row([w.name, w.revision, el("span", w.state, "state-" + w.state), w.calls,
      fmt(w.load, 2), w.maxCalls ?? "–", w.restarts, duration(w.ageSeconds)]);
    tr.dataset.state = w.state;
    return tr;
  }));
  fill(document.querySelector("#jobs tbody"), p.jobs.map(j =>
    row([j.revision, j.succeeded, j.failed, j.failureRatio === null ? "–" : fmt(j.failureRatio * 100, 1) + "%"])));
  fill(document.querySelector("#revisions tbody"), p.revisions.map(v => {
    const tags = el("span");
    for (const [flag, label] of [[v.update, "update"], [v.current, "current"], [v.stable, "stable"], [v.rolledBack, "rolled back"]]) {
      if (flag) tags.appendChild(el("span", label, "tag"));
    }
    return row([v.number, v.hash, v.name, v.images.join(", "), age(v.created), tags]);
  }));
  fill(document.querySelector("#conditions tbody"), p.conditions.map(c =>
    row([c.type, c.status, c.reason || "", c.message || ""])));
  fill(document.querySelector("#events tbody"), p.events.map(e => {
    const tr = row([age(e.at), e.type, e.reason, e.message]);
    tr.className = e.type;
    return tr;
  }));

  const h = p.history;
  chart("chart-calls", h, [x => x.calls], null, 0);
  chart("chart-load", h, [x => x.load, x => x.targetLoad], 1, 2);
  chart("chart-replicas", h, [x => x.ready, x => x.desired], null, 0);
}

// One SVG line chart: the first series solid, the second dashed; the y axis from 0 to the
// largest value (or `top`), the x axis from the oldest sample kept (at most an hour ago) to now.
function chart(id, samples, series, top, digits) {
  const svg = document.getElementById(id);
  const W = 300, H = 100, L = 24, B = 12;
  const now = Date.now();
  const oldest = samples.length > 0 ? Date.parse(samples[0].at) : now;
  const from = Math.max(now - 3600 * 1000, Math.min(oldest, now - 60 * 1000));
  let max = top || 0;
  for (const s of samples) for (const f of series) { const v = f(s); if (v !== null && v > max) max = v; }
  if (max <= 0) max = 1;
  const x = t => L + (W - L - 2) * (t - from) / (now - from);
  const y = v => (H - B) - (H - B - 4) * v / max;
  const nodes = [];
  const axis = document.createElementNS(SVG, "path");
  axis.setAttribute("d", `M${L},2 V${H - B} H${W}`);
  axis.setAttribute("class", "axis");
  nodes.push(axis);
  for (const [label, yy] of [[fmt(max, digits), 10], ["0", H - B]]) {
    const t = document.createElementNS(SVG, "text");
    t.setAttribute("x", 2); t.setAttribute("y", yy); t.setAttribute("class", "axis-label");
    t.textContent = label;
    nodes.push(t);
  }
  const t = document.createElementNS(SVG, "text");
  t.setAttribute("x", L); t.setAttribute("y", H - 1); t.setAttribute("class", "axis-label");
  t.textContent = "-" + duration((now - from) / 1000);
  nodes.push(t);
  series.forEach((f, i) => {
    const pts = samples.filter(s => f(s) !== null && f(s) !== undefined)
      .map(s => x(Date.parse(s.at)).toFixed(1) + "," + y(f(s)).toFixed(1));
    if (pts.length === 0) return;
    if (pts.length === 1) pts.push((W - 2) + "," + pts[0].split(",")[1]);
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", pts.join(" "));
    line.setAttribute("class", i === 0 ? "line" : "line second");
    nodes.push(line);
  });
  svg.replaceChildren(...nodes);
}

async function act(action) {
  const out = document.getElementById("action-result");
  const token = document.getElementById("token").value;
  const r = await fetch("/dashboard/api/deployments/" + encodeURIComponent(selected.namespace) + "/" +
    encodeURIComponent(selected.name) + "/" + action,
    { method: "POST", headers: token ? { Authorization: "Bearer " + token } : {} });
  const body = await r.json().catch(() => ({}));
  out.textContent = r.ok ? action + " done" : action + " refused: " + (body.error || r.status);
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const fromUrl = fromHash();
    if (fromUrl) selected = fromUrl;
    drawList(await getJson("/dashboard/api/deployments"));
    if (selected) {
      drawDetail(await getJson("/dashboard/api/deployments/" + encodeURIComponent(selected.namespace) +
        "/" + encodeURIComponent(selected.name)));
    }
    status.textContent = "updated " + new Date().toLocaleTimeString() + (writeActions ? " · write actions on" : " · read-only");
  } catch (e) {
    status.textContent = "update failed: " + e.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const b of document.querySelectorAll("#actions button")) {
    b.addEventListener("click", () => act(b.dataset.action));
  }
  window.addEventListener("hashchange", refresh);
  refresh();
  setInterval(refresh, POLL_MS);
});
