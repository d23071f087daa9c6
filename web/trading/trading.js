// The trading page: the order book and the tape of one symbol, prices,
// rates, placement latency and the conservation counter, all over
// server-sent events ("market" twice a second, "conservation" once a
// second, the runner's "progress", "state" and "summary").
"use strict";

(function () {
  const ps = window.polystore;
  const price = ps.chart("price", document.getElementById("chart-price"), {
    series: [{ label: "last" }, { label: "bid", color: "#3fb950" }, { label: "ask", color: "#f85149" }],
  });
  const rate = ps.chart("rate", document.getElementById("chart-rate"), {
    series: [{ label: "orders/s" }, { label: "trades/s" }],
  });
  const latency = ps.chart("latency", document.getElementById("chart-latency"), {
    series: [{ label: "p50" }, { label: "p99", color: "#f85149" }],
  });
  let symbol = null;
  let t0 = null;
  let seen = 0;
  const tape = [];
  const lastTrade = {};
  let tradesWindow = [];

  function cell(tr, text, cls) {
    const td = tr.insertCell();
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function choose(sym) {
    symbol = sym;
    tape.length = 0;
    price.reset();
    document.querySelectorAll("#symbols button").forEach((b) => b.classList.toggle("active", b.textContent === sym));
    ps.set("book-symbol", sym);
    drawTape();
  }

  function symbolsNav(names) {
    const nav = document.getElementById("symbols");
    if (nav.children.length === names.length) return;
    nav.textContent = "";
    for (const n of names) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = n;
      b.addEventListener("click", () => choose(n));
      nav.appendChild(b);
    }
    if (symbol === null) choose(names[0]);
  }

  function drawSide(id, levels, reverse) {
    const body = document.querySelector("#" + id + " tbody");
    body.textContent = "";
    const rows = levels.slice(0, 12);
    const maxQ = Math.max(1e-12, ...rows.map((l) => Number(l.quantity)));
    if (reverse) rows.reverse();
    for (const l of rows) {
      const tr = body.insertRow();
      cell(tr, l.price);
      const q = cell(tr, l.quantity);
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.style.width = (100 * Number(l.quantity) / maxQ).toFixed(1) + "%";
      q.appendChild(bar);
      cell(tr, String(l.orders));
    }
  }

  function drawTape() {
    const body = document.querySelector("#tape tbody");
    body.textContent = "";
    for (const t of tape.slice(0, 20)) {
      const tr = body.insertRow();
      cell(tr, new Date(t.time).toLocaleTimeString("en-GB"));
      cell(tr, t.price, t.takerSide);
      cell(tr, t.quantity);
      cell(tr, t.takerSide, t.takerSide);
    }
  }

  ps.stream("trading", {
    market(m) {
      if (t0 === null) t0 = m.t;
      const names = Object.keys(m.symbols).sort();
      if (names.length === 0) return;
      symbolsNav(names);
      let count = 0;
      for (const n of names) {
        const s = m.symbols[n];
        count += s.count;
        if (s.last) lastTrade[n] = s.last;
        if (n === symbol) {
          for (const t of s.trades) tape.unshift(t);
          tape.length = Math.min(tape.length, 50);
        }
      }
      seen += count;
      tradesWindow.push([m.t, count]);
      tradesWindow = tradesWindow.filter((x) => x[0] > m.t - 5);
      const s = m.symbols[symbol];
      if (!s) return;
      drawSide("asks", s.depth.asks, true);
      drawSide("bids", s.depth.bids, false);
      drawTape();
      const bid = s.depth.bids.length ? Number(s.depth.bids[0].price) : null;
      const ask = s.depth.asks.length ? Number(s.depth.asks[0].price) : null;
      ps.set("last", lastTrade[symbol] || "–");
      ps.set("spread", bid !== null && ask !== null ? (ask - bid).toFixed(2) : "–");
      ps.set("trades", ps.fmt(seen));
      ps.set("lag", ps.fmt(names.reduce((a, n) => a + m.symbols[n].lag, 0)));
      const last = lastTrade[symbol] ? Number(lastTrade[symbol]) : null;
      if (last !== null || bid !== null || ask !== null) price.push(m.t - t0, last, bid, ask);
    },
    conservation(c) {
      ps.set("violations", ps.fmt(c.violations));
      ps.set("checks", ps.fmt(c.checks));
      const card = document.getElementById("violations-card");
      card.classList.toggle("good", c.violations === 0);
      card.classList.toggle("bad", c.violations > 0);
      if (c.last) card.title = c.last;
    },
    progress(p) {
      const m = p.metrics;
      ps.set("ops", ps.fmt(m.ops, "/s"));
      ps.set("tps", ps.fmt(m.tps, "/s"));
      ps.set("p50", ps.fmt(m.p50, "ms"));
      ps.set("p99", ps.fmt(m.p99, "ms"));
      rate.push(p.elapsed, m.ops, m.tps);
      latency.push(p.elapsed, m.p50, m.p99);
    },
    state(s) {
      ps.set("phase", s.phase === "sale running" ? "orders flowing" : s.phase);
      if (s.phase === "sale running") document.getElementById("summary").textContent = "";
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
