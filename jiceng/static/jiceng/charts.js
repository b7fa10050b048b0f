// Bar charts drawn from a json_script block: <div class="chart" data-chart="ID"> and
// {{ data|json_script:"ID" }} with {names: [...], series: [{name, data: [...]}, ...]} and an optional
// type ("line" for a trend; bars otherwise).
// The tooltip is drawn on the canvas (richText), so ECharts writes no inline style attributes
// that the Content-Security-Policy would refuse.
(function () {
  var COLORS = ["#c0272d", "#f0a020", "#2c7fb8"];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var src = document.getElementById(el.getAttribute("data-chart"));
    if (!src || !window.echarts) return;
    var d = JSON.parse(src.textContent);
    var c = echarts.init(el);
    c.setOption({
      tooltip: {trigger: "axis", renderMode: "richText"},
      legend: {data: d.series.map(function (s) { return s.name; })},
      grid: {left: 10, right: 10, bottom: 10, containLabel: true},
      xAxis: {type: "category", data: d.names, axisLabel: {rotate: 40, interval: 0}},
      yAxis: {type: "value"},
      series: d.series.map(function (s, i) {
        return {name: s.name, type: d.type || "bar", data: s.data, itemStyle: {color: COLORS[i % COLORS.length]}};
      })
    });
    window.addEventListener("resize", function () { c.resize(); });
    el.setAttribute("data-drawn", "1");
  });
})();
