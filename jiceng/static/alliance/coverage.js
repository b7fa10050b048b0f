// Coverage rate per subdistrict as a bar chart; words come from the page so this file holds none.
(function () {
  var el = document.getElementById("coverage-chart");
  var script = document.currentScript;
  if (!el || !window.echarts) return;
  var d = JSON.parse(document.getElementById("coverage-data").textContent);
  var narrow = el.clientWidth < 560;
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {
      // Drawn on the canvas: an HTML tooltip carries style attributes the CSP refuses.
      trigger: "axis", renderMode: "richText",
      formatter: function (p) {
        var i = p[0].dataIndex;
        return d.names[i] + "\n" + script.dataset.rate + "：" + d.rates[i] + "%\n" +
          script.dataset.covered + " " + d.covered[i] + " / " + script.dataset.total + " " + d.total[i];
      }
    },
    grid: narrow ? {left: 8, right: 40, top: 10, bottom: 10, containLabel: true}
                 : {left: 50, right: 10, top: 20, bottom: 90},
    xAxis: narrow ? {type: "value", max: 100, axisLabel: {formatter: "{value}%"}}
                  : {type: "category", data: d.names, axisLabel: {rotate: 40, interval: 0}},
    yAxis: narrow ? {type: "category", data: d.names, inverse: true, axisLabel: {width: 90, overflow: "truncate"}}
                  : {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
    series: [{
      name: script.dataset.rate, type: "bar", data: d.rates, itemStyle: {color: "#c0272d"},
      label: {show: true, position: narrow ? "right" : "top", formatter: "{c}%"}
    }]
  });
  if (narrow) el.style.height = Math.max(240, d.names.length * 34 + 40) + "px";
  chart.resize();
  el.setAttribute("data-drawn", "1");
  window.addEventListener("resize", function () { chart.resize(); });
})();
