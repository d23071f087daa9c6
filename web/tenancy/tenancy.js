// The tenancy page: per-tenant answer rates, throttling and latency while
// one tenant floods, the attacks refused, and the live isolation check
// (foreign rows seen, which must stay 0), over server-sent events.
"use strict";

(function () {
  const ps = window.polystore;
  const rate = ps.chart("rate", document.getElementById("chart-rate"), {
    series: [{ label: "flooding tenant" }, { label: "flooding, throttled", color: "#f85149" }, { label: "quiet tenants" }],
  });
  const latency = ps.chart("latency", document.getElementById("chart-latency"), {
    series: [{ label: "quiet p50" }, { label: "quiet p99" }, { label: "flooding p99", color: "#f0883e" }],
  });
  const isolation = ps.chart("isolation", document.getElementById("chart-isolation"), {
    series: [{ label: "attacks refused/s" }, { label: "foreign rows", color: "#f85149" }],
  });
  let prevRefused = 0, prevElapsed = 0;

  function cell(tr, text, cls) {
    const td = tr.insertCell();
    td.textContent = text;
    if (cls) td.className = cls;
  }

  function mark(id, good) {
    const el = document.getElementById(id);
    if (!el) return;
    el.classList.toggle("good", good);
    el.classList.toggle("bad", !good);
  }

  ps.stream("tenancy", {
    tenants(l) {
      // Latencies of a tenant without answers in the last second are unknown.
      let all = 0, quietRate = 0, quietP50 = 0, quietP99 = 0, quiet = 0;
      let floodRate = 0, floodThrottled = 0, floodP99 = null;
      for (const t of l.tenants) {
        all += t.rate;
        if (t.flooding) {
          floodRate = t.rate; floodThrottled = t.throttled; floodP99 = t.rate > 0 ? t.p99 : null;
        } else if (t.rate > 0) {
          quietRate += t.rate; quietP50 = Math.max(quietP50, t.p50); quietP99 = Math.max(quietP99, t.p99); quiet++;
        }
      }
      ps.set("rps", ps.fmt(all, "/s"));
      if (quiet) ps.set("p99", ps.fmt(quietP99, "ms"));
      ps.set("throttled", ps.fmt(floodThrottled, "/s"));
      ps.set("foreign", ps.fmt(l.foreign));
      ps.set("attacks", ps.fmt(l.attacks));
      ps.set("refused", ps.fmt(l.refused));
      ps.set("revoked", ps.fmt(l.revoked));
      ps.set("quota", ps.fmt(l.quota, "/s"));
      mark("foreign-card", l.foreign === 0);
      mark("refused-card", l.refused === l.attacks);
      const dt = Math.max(l.elapsed - prevElapsed, 1); // the last event may follow closely
      const refusedRate = l.elapsed >= prevElapsed ? Math.max(l.refused - prevRefused, 0) / dt : 0;
      prevRefused = l.refused; prevElapsed = l.elapsed;
      rate.push(l.elapsed, floodRate, floodThrottled, quietRate);
      latency.push(l.elapsed, quiet ? quietP50 : null, quiet ? quietP99 : null, floodP99);
      isolation.push(l.elapsed, refusedRate, l.foreign);

      const body = document.querySelector("#tenants tbody");
      body.textContent = "";
      for (const t of l.tenants) {
        const tr = body.insertRow();
        if (t.flooding) tr.className = "flooding";
        cell(tr, t.flooding ? t.name + " (flooding)" : t.name);
        cell(tr, ps.fmt(t.rate, "/s"), "num");
        cell(tr, ps.fmt(t.throttled, "/s"), "num");
        cell(tr, t.rate > 0 ? ps.fmt(t.p50, "ms") : "–", "num");
        cell(tr, t.rate > 0 ? ps.fmt(t.p99, "ms") : "–", "num");
        cell(tr, ps.fmt(t.requests), "num");
        cell(tr, ps.fmt(t.refused), "num");
      }
    },
    state(s) {
      ps.set("phase", s.phase === "sale running" ? "traffic running" : s.phase);
      if (s.phase === "sale running") {
        document.getElementById("summary").textContent = "";
        rate.reset(); latency.reset(); isolation.reset();
        prevRefused = 0; prevElapsed = 0;
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
