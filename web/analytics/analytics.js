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

  function cell(tr, text, cls) {
    const td = tr.insertCell();
    td.textContent = text;
    if (cls) td.className = cls;
  }

  ps.stream("analytics", {
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
    },
    series(s) {
      ps.set("uniques", ps.fmt(s.uniques));
      minutes.reset();
      latency.reset();
      const last = s.points.length - 1;
      s.points.forEach((p, i) => {
        const ago = i - last;
        minutes.push(ago, p.count, p.uniques);
        const pv = p.types.page_view;
        latency.push(ago, pv ? pv.p50 : null, pv ? pv.p95 : null, pv ? pv.p99 : null);
      });
      // The current minute may have just started: show the latest minute with values.
      for (let i = last; i >= 0; i--) {
        const pv = s.points[i].types.page_view;
        if (pv && pv.p50 !== null) {
          ps.set("p50", ps.fmt(pv.p50, "ms"));
          ps.set("p95", ps.fmt(pv.p95, "ms"));
          ps.set("p99", ps.fmt(pv.p99, "ms"));
          break;
        }
      }
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
})();
