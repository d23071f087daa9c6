// The flash-sale page: stock and latency of the running sale, live.
"use strict";

(function () {
  const ps = window.polystore;
  const stock = ps.chart("stock", document.getElementById("chart-stock"), {
    series: [{ label: "remaining" }, { label: "held" }, { label: "sold" }, { label: "oversold", color: "#f85149" }],
  });
  const rate = ps.chart("rate", document.getElementById("chart-rate"), {
    series: [{ label: "reserved/s" }, { label: "sold out/s" }, { label: "errors/s", color: "#f85149" }],
  });
  const latency = ps.chart("latency", document.getElementById("chart-latency"), {
    series: [{ label: "p50" }, { label: "p99" }, { label: "p99.9" }],
  });
  let t0 = null;
  const now = () => {
    const t = Date.now() / 1000;
    if (t0 === null) t0 = t;
    return Math.round((t - t0) * 10) / 10;
  };

  ps.stream("shop", {
    stats(s) {
      ps.set("remaining", ps.fmt(s.remaining));
      ps.set("held", ps.fmt(s.held));
      ps.set("sold", ps.fmt(s.sold));
      ps.set("oversold", ps.fmt(s.oversold));
      if (s.history) ps.set("history", ps.fmt(s.history));
      document.getElementById("oversold-card").className = "card " + (s.oversold > 0 ? "bad" : "good");
      stock.push(now(), s.remaining, s.held, s.sold, s.oversold);
    },
    progress(p) {
      const m = p.metrics;
      ps.set("rps", ps.fmt(m.rps, "/s"));
      ps.set("reserved", ps.fmt(m.reserved_rate, "/s"));
      ps.set("soldout", ps.fmt(m.sold_out));
      ps.set("p50", ps.fmt(m.p50, "ms"));
      ps.set("p99", ps.fmt(m.p99, "ms"));
      if (m.orders !== undefined) ps.set("orders", ps.fmt(m.orders));
      rate.push(now(), m.reserved_rate, m.sold_out_rate, m.error_rate);
      latency.push(now(), m.p50, m.p99, m.p999);
    },
    state(s) {
      ps.set("phase", s.phase);
      if (s.phase === "sale running") {
        t0 = null;
        for (const c of [stock, rate, latency]) c.reset();
        document.getElementById("summary").textContent = "";
      }
    },
    summary(s) {
      for (const m of s.metrics || []) {
        if (m.key === "history") ps.set("history", ps.fmt(m.value));
        if (m.key === "confirmed") ps.set("orders", ps.fmt(m.value));
      }
      const box = document.getElementById("summary");
      box.textContent = "";
      const h = document.createElement("h2");
      h.textContent = "Invariants checked";
      const table = document.createElement("table");
      table.className = "checks";
      for (const c of s.checks) {
        const tr = table.insertRow();
        const ok = tr.insertCell();
        ok.textContent = c.ok ? "ok" : "FAILED";
        ok.className = c.ok ? "ok" : "fail";
        tr.insertCell().textContent = c.name;
        tr.insertCell().textContent = c.detail;
      }
      box.append(h, table);
    },
  });
})();
