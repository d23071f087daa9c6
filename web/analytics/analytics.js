// The analytics page: live event rates, the last 60 minutes from the Redis
// counters (counts, unique users, percentiles from the sketches) and the
// segment table, all over server-sent events.
"use strict";

(function () {
  const ps = window.polystore;
  const types = ["page_view", "click", "search", "add_to_cart", "purchase", "signup"];
  const rate = ps.chart("rate", document.getElementById("chart-rate"), {
    series: types.map((t) => ({ label: t })),
  });
  const minutes = ps.chart("minutes", document.getElementById("chart-minutes"), {
    series: [{ label: "events" }, { label: "unique users" }], xLabel: "minutes ago", max: 120,
  });
  const latency = ps.chart("latency", document.getElementById("chart-latency"), {
    series: [{ label: "p50" }, { label: "p95" }, { label: "p99", color: "#f85149" }], xLabel: "minutes ago", max: 120,
  });
  let t0 = null;

  // The last 60 minutes: loaded whole (GET /analytics/series) each time the
  // event stream opens, then kept up to date by the minutes each "live"
  // event carries. Until the snapshot is in, those are held back.
  let minutesByT = null; // Map: minute start (unix s) -> point
  let pending = [];
  let from = 0;
  // The last live event's seq: a gap means the hub skipped deltas for this
  // page (it sends a subscriber that fell behind only the latest event).
  let lastSeq = null;

  function cell(tr, text, cls) {
    const td = tr.insertCell();
    td.textContent = text;
    if (cls) td.className = cls;
  }

  // merge keeps a minute's newest figures: a minute's count only grows.
  function merge(points) {
    for (const p of points) {
      const old = minutesByT.get(p.t);
      if (!old || p.count >= old.count) minutesByT.set(p.t, p);
    }
  }

  function render() {
    for (const t of minutesByT.keys()) if (t < from) minutesByT.delete(t);
    const points = [...minutesByT.values()].sort((a, b) => a.t - b.t);
    minutes.reset();
    latency.reset();
    if (points.length === 0) return;
    const lastT = points[points.length - 1].t;
    for (const p of points) {
      const ago = (p.t - lastT) / 60;
      minutes.push(ago, p.count, p.uniques);
      const pv = p.types.page_view;
      latency.push(ago, pv ? pv.p50 : null, pv ? pv.p95 : null, pv ? pv.p99 : null);
    }
    // The current minute may have just started: show the latest minute with values.
    for (let i = points.length - 1; i >= 0; i--) {
      const pv = points[i].types.page_view;
      if (pv && pv.p50 !== null) {
        ps.set("p50", ps.fmt(pv.p50, "ms"));
        ps.set("p95", ps.fmt(pv.p95, "ms"));
        ps.set("p99", ps.fmt(pv.p99, "ms"));
        break;
      }
    }
  }

  function loadSnapshot() {
    minutesByT = null;
    pending = [];
    fetch("/analytics/series?minutes=60")
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error("series: HTTP " + r.status))))
      .then((s) => {
        minutesByT = new Map();
        from = Math.max(from, s.from);
        merge(s.points);
        for (const l of pending) {
          from = Math.max(from, l.from);
          merge(l.points);
        }
        pending = [];
        ps.set("uniques", ps.fmt(s.uniques));
        render();
      })
      .catch(() => setTimeout(loadSnapshot, 1000));
  }

  const es = ps.stream("analytics", {
    live(l) {
      if (t0 === null) t0 = l.t;
      let all = 0, total = 0;
      for (const v of Object.values(l.rates)) all += v;
      for (const v of Object.values(l.totals)) total += v;
      ps.set("eps", ps.fmt(all, "/s"));
      ps.set("total", ps.fmt(total));
      ps.set("backlog", ps.fmt(l.backlog));
      if (l.uniques) ps.set("uniques", ps.fmt(l.uniques));
      rate.push(l.t - t0, ...types.map((t) => l.rates[t] || 0));
      const gap = lastSeq !== null && l.seq !== lastSeq + 1;
      lastSeq = l.seq;
      if (gap && minutesByT !== null) loadSnapshot();
      if (minutesByT === null) {
        pending.push(l);
        return;
      }
      from = Math.max(from, l.from);
      merge(l.points || []);
      render();
    },
    segments(rows) {
      const body = document.querySelector("#segments tbody");
      body.textContent = "";
      for (const r of rows) {
        const tr = body.insertRow();
        cell(tr, r.name);
        cell(tr, ps.fmt(r.count), "num");
        cell(tr, r.top ? r.top.id : "–");
        cell(tr, r.top ? r.top.lifetimeValue.toFixed(2) : "–", "num");
        cell(tr, r.top ? String(r.top.orderCount) : "–", "num");
      }
    },
    progress(p) {
      ps.set("ack", ps.fmt(p.metrics.p99, "ms"));
    },
    state(s) {
      ps.set("phase", s.phase);
      if (s.phase === "sale running") {
        document.getElementById("summary").textContent = "";
      }
    },
    summary(s) {
      const box = document.getElementById("summary");
      box.textContent = "";
      const h = document.createElement("h2");
      h.textContent = "Invariants checked";
      const table = document.createElement("table");
      table.className = "checks";
      for (const c of s.checks) {
        const tr = table.insertRow();
        cell(tr, c.ok ? "ok" : "FAILED", c.ok ? "ok" : "fail");
        cell(tr, c.name);
        cell(tr, c.detail);
      }
      box.append(h, table);
    },
  });
  es.addEventListener("open", () => {
    lastSeq = null;
    loadSnapshot();
  });
})();
