// Shared helpers of polystore's dashboard pages: live streams (server-sent
// events), live charts (uPlot when available), number formatting.
// window.polystore.charts maps chart names to {points()} for the browser tests.
"use strict";

(function () {
  const hasCharts = typeof window.uPlot !== "undefined";
  const palette = ["#58a6ff", "#3fb950", "#f0883e", "#f85149", "#bc8cff", "#e3b341"];

  function set(id, value) {
    const el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  function fmt(v, unit) {
    if (v === undefined || v === null || Number.isNaN(v)) return "–";
    if (unit === "ms") return v < 10 ? v.toFixed(2) + " ms" : v.toFixed(1) + " ms";
    if (unit === "%") return v.toFixed(1) + " %";
    if (unit === "/s") return Math.round(v).toLocaleString("en") + "/s";
    return Math.round(v).toLocaleString("en");
  }

  // stream subscribes to a topic's events; handlers maps event names to
  // functions of the parsed JSON data. #status shows the connection state:
  // "live", "reconnecting…" when the stream drops mid-run, and "run
  // finished" once the server said the run is over ("state" {"phase":
  // "done"}); after that the end of the stream (the demo exiting) is
  // expected, so the page stops reconnecting and keeps its last numbers.
  function stream(topic, handlers) {
    const es = new EventSource("/events/" + encodeURIComponent(topic));
    const status = document.getElementById("status");
    let finished = false;
    const show = (text, cls) => {
      if (!status) return;
      status.textContent = text;
      status.classList.remove("live", "finished");
      if (cls) status.classList.add(cls);
    };
    es.onopen = () => { if (!finished) show("live", "live"); };
    es.onerror = () => {
      if (finished) es.close(); // the run is over: the server may be gone for good
      else show("reconnecting…", "");
    };
    es.addEventListener("state", (e) => {
      finished = JSON.parse(e.data).phase === "done";
      if (finished) show("run finished", "finished");
      else show("live", "live");
    });
    for (const [event, fn] of Object.entries(handlers)) {
      es.addEventListener(event, (e) => fn(JSON.parse(e.data)));
    }
    return es;
  }

  // chart creates a live line chart in el. series: [{label, unit}].
  // push(x, ...ys) appends a point (x in seconds) and keeps the last max.
  function chart(name, el, opts) {
    const max = opts.max || 300;
    const data = [[]].concat(opts.series.map(() => []));
    let plot = null;
    if (hasCharts) {
      const width = () => Math.max(300, el.clientWidth - 10);
      plot = new window.uPlot({
        width: width(),
        height: opts.height || 220,
        legend: { show: true },
        scales: { x: { time: false } },
        axes: [
          { stroke: "#8a97a6", grid: { stroke: "#2a3440" }, label: opts.xLabel || "seconds" },
          { stroke: "#8a97a6", grid: { stroke: "#2a3440" } },
        ],
        series: [{ label: "t" }].concat(opts.series.map((s, i) => ({
          label: s.label, stroke: s.color || palette[i % palette.length], width: 2,
        }))),
      }, data, el);
      window.addEventListener("resize", () => plot.setSize({ width: width(), height: opts.height || 220 }));
    } else {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = "(chart unavailable)";
      el.appendChild(p);
    }
    const c = {
      push(x, ...ys) {
        data[0].push(x);
        ys.forEach((y, i) => data[i + 1].push(y === undefined ? null : y));
        if (data[0].length > max) data.forEach((a) => a.shift());
        if (plot) plot.setData(data);
      },
      reset() { data.forEach((a) => { a.length = 0; }); if (plot) plot.setData(data); },
      points() { return data[0].length; },
      drawn() { return plot !== null; },
    };
    window.polystore.charts[name] = c;
    return c;
  }

  window.polystore = { charts: {}, chartsAvailable: hasCharts, set, fmt, stream, chart };

  document.addEventListener("DOMContentLoaded", () => {
    if (!hasCharts && document.querySelector(".charts")) {
      const n = document.createElement("div");
      n.className = "notice";
      n.textContent = "Charts are off: this binary was built without uPlot. Run `npm ci` in web/ (needs Node) and restart; the numbers below are live either way.";
      document.querySelector("main").prepend(n);
    }
  });
})();
