// Package browsertest drives Debian's Chromium headless from Go tests
// (chromedp) to check the dashboard pages end to end.
//
//	b := browsertest.New(t)                     // skips locally, fails in CI, without chromium
//	b.Navigate(srv.URL + "/shop/")
//	b.WaitText("#sold", 10*time.Second, func(s string) bool { return s != "–" })
//	n := b.ChartPoints("stock")                 // window.polystore.charts.stock.points()
//	b.Screenshot("shop.png")                    // into the test's temp dir
//	// at cleanup: the test fails if the page logged a console error or threw
//
// Chromium is started as /usr/bin/chromium (or $POLYSTORE_CHROMIUM) with
// --headless --no-sandbox --disable-gpu --no-first-run
// --disable-background-networking --disable-component-update --disable-sync
// --disable-quic and a temporary --user-data-dir. In CI (CI=true) a missing
// Chromium, or a checkout without the chart library (web/vendor, from
// `npm ci` in web/), fails the test; elsewhere it skips it.
package browsertest
