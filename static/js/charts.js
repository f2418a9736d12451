// Draws every .union-chart from the JSON next to it (json_script), with ECharts served by the portal.
// A click on a bar or slice opens the filtered list behind it.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var palette = ["#b22222", "#d4862a", "#2f7ebc", "#3a9d5d", "#7a5195", "#8c8c8c"];

  function option(spec) {
    var tooltip = { trigger: spec.kind === "pie" ? "item" : "axis" };
    if (spec.kind === "pie") {
      return {
        color: palette, tooltip: tooltip, legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie", radius: ["35%", "65%"], top: -10,
          label: { formatter: "{b}\n{c}" },
          data: spec.labels.map(function (label, i) { return { name: label, value: spec.series[0].values[i] }; })
        }]
      };
    }
    var horizontal = spec.kind === "hbar";
    // Every unit name on horizontal bars; on a narrow screen a vertical axis (twelve months) may skip
    // labels that would overlap rather than print them on top of each other.
    var category = {
      type: "category", data: spec.labels,
      axisLabel: horizontal ? { interval: 0, width: 110, overflow: "truncate" } : { interval: 0, hideOverlap: true }
    };
    var value = { type: "value", minInterval: 1, axisLabel: { hideOverlap: true } };
    return {
      color: palette, tooltip: tooltip,
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      // Room on the right for the last value label of horizontal bars (e.g. "1,200,000").
      grid: { left: 8, right: horizontal ? 36 : 16, top: spec.series.length > 1 ? 30 : 10, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({ inverse: true }, category) : value,
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.kind === "line" ? "line" : "bar", data: s.values, barMaxWidth: 28 };
      })
    };
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    if (spec.kind === "hbar") {
      // Room for every bar of every series (grouped bars need more per category) and the legend.
      var perLabel = spec.series.length > 1 ? 14 + 12 * spec.series.length : 24;
      el.style.height = Math.max(160, spec.labels.length * perLabel + (spec.series.length > 1 ? 80 : 50)) + "px";
    }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option(spec));
    chart.on("click", function (params) {
      var url = spec.urls && spec.urls[params.dataIndex];
      if (url) { window.location.href = url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-drawn", "1");
  }

  document.querySelectorAll(".union-chart").forEach(draw);
})();
