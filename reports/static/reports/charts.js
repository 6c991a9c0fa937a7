/* Dashboards and the health line, drawn with ECharts served by the platform (no CDN, no inline
 * script: the figures come from a JSON data island, <script type="application/json">).
 *
 * - Every element [data-chart=KEY] is drawn from the chart KEY of #report-data; clicking a bar,
 *   a funnel layer or a slice opens the list of records behind it (the chart's links).
 * - An element [data-health-line] draws a project's monthly health levels from the JSON island
 *   whose id it names.
 */
(function () {
  "use strict";

  var COLORS = ["#1f6fb2", "#2e9d5b", "#e0a800", "#8e44ad", "#d35400", "#c0392b", "#16a085"];
  var LEVEL_COLORS = ["#2e9d5b", "#e0a800", "#c0392b"];

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function follow(chart, params) {
    var link = chart.links[params.dataIndex];
    if (link) {
      window.location.assign(link);
    }
  }

  function barOption(chart) {
    var horizontal = chart.categories.length > 8;
    var category = { type: "category", data: chart.categories, axisLabel: { interval: 0, width: 120, overflow: "truncate" } };
    var value = { type: "value", name: chart.unit };
    return {
      color: COLORS,
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: horizontal ? 140 : 48, right: 24, top: 40, bottom: horizontal ? 24 : 60 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: chart.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.values };
      })
    };
  }

  function barLineOption(chart) {
    var option = barOption(chart);
    option.yAxis = [{ type: "value", name: chart.series[0].name }, { type: "value", name: chart.series[1].name }];
    option.xAxis = { type: "category", data: chart.categories, axisLabel: { interval: 0, rotate: 20 } };
    option.grid.left = 48;
    option.series = [
      { name: chart.series[0].name, type: "bar", data: chart.series[0].values },
      { name: chart.series[1].name, type: "line", yAxisIndex: 1, data: chart.series[1].values }
    ];
    return option;
  }

  function funnelOption(chart) {
    var s = chart.series[0];
    return {
      color: COLORS,
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
      series: [{
        type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "8%",
        label: { formatter: "{b} {c}" },
        data: chart.categories.map(function (name, i) { return { name: name, value: s.values[i] }; })
      }]
    };
  }

  function pieOption(chart) {
    var s = chart.series[0];
    var colors = chart.key.indexOf("health") >= 0 ? LEVEL_COLORS : COLORS;
    return {
      color: colors,
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{
        type: "pie", radius: ["35%", "65%"],
        label: { formatter: "{b} {c}" },
        data: chart.categories.map(function (name, i) { return { name: name, value: s.values[i] }; })
      }]
    };
  }

  var BUILDERS = { bar: barOption, bar_line: barLineOption, funnel: funnelOption, pie: pieOption };

  function drawCharts() {
    var data = readJson("report-data");
    if (!data || !window.echarts) {
      return;
    }
    var byKey = {};
    data.charts.forEach(function (c) { byKey[c.key] = c; });
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = byKey[el.getAttribute("data-chart")];
      if (!chart) {
        return;
      }
      var instance = window.echarts.init(el);
      instance.setOption((BUILDERS[chart.kind] || barOption)(chart));
      instance.on("click", function (params) { follow(chart, params); });
      el.setAttribute("data-drawn", "1");
      window.addEventListener("resize", function () { instance.resize(); });
    });
  }

  function drawHealthLines() {
    document.querySelectorAll("[data-health-line]").forEach(function (el) {
      var data = readJson(el.getAttribute("data-health-line"));
      if (!data || !window.echarts) {
        return;
      }
      var instance = window.echarts.init(el);
      instance.setOption({
        tooltip: { trigger: "axis", formatter: function (p) { return p[0].axisValue + " " + data.labels[p[0].value]; } },
        grid: { left: 56, right: 16, top: 16, bottom: 28 },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value", min: 0, max: 2, interval: 1, axisLabel: { formatter: function (v) { return data.labels[v] || ""; } } },
        visualMap: { show: false, pieces: [{ value: 0, color: LEVEL_COLORS[0] }, { value: 1, color: LEVEL_COLORS[1] }, { value: 2, color: LEVEL_COLORS[2] }] },
        series: [{ type: "line", step: "middle", data: data.levels, symbolSize: 8 }]
      });
      el.setAttribute("data-drawn", "1");
    });
  }

  function start() {
    drawCharts();
    drawHealthLines();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
