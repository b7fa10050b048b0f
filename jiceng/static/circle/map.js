// The 15-minute service circle map: walking network, places, residential points, recommended sites.
// All words come from the page (#circle-labels); all data from layers.json, for the visible area only.
(function () {
  "use strict";
  var el = document.getElementById("circle-map");
  if (!el || !window.L) return;
  var cfg = JSON.parse(document.getElementById("circle-config").textContent);
  var T = JSON.parse(document.getElementById("circle-labels").textContent);
  var status = document.getElementById("circle-status");

  var KIND = {
    centre_district: { color: "#7a1419", mark: "区" },
    centre_subdistrict: { color: "#c0272d", mark: "街" },
    centre_community: { color: "#e0622a", mark: "社" },
    neighbourhood: { color: "#6a3d9a", mark: "邻" },
    org_life_base: { color: "#1f5fa8", mark: "基" },
    other: { color: "#555555", mark: "他" }
  };
  var NEAR = "#1b8a3a", MID = "#f08c00", FAR = "#d32f2f", OUT = "#777777";
  var COVERED_STREET = "#5cbf73", OTHER_STREET = "#b9b9b9";

  function fmt(s) {
    var args = Array.prototype.slice.call(arguments, 1), i = 0;
    return String(s).replace(/%s/g, function () { return args[i++]; });
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function num(n) { return Math.round(n).toLocaleString("zh-CN"); }

  var map = L.map(el, { preferCanvas: true, zoomSnap: 0.5, minZoom: 3, maxZoom: 19 });
  var notes = [];
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution || "", maxZoom: 19 }).addTo(map);
  } else {
    notes.push(T.noTiles);
  }
  if (cfg.bounds) {
    map.fitBounds(cfg.bounds, { padding: [12, 12] });
  } else {
    map.setView([35, 105], 4);
  }
  var renderer = L.canvas({ padding: 0.2 });
  var networkLayer = L.layerGroup().addTo(map);
  var pointLayer = L.layerGroup().addTo(map);
  var placeLayer = L.layerGroup().addTo(map);
  var pickLayer = L.layerGroup().addTo(map);

  var limit = cfg.limit, half = limit / 2;
  function distanceColor(d) {
    if (d == null) return FAR;
    if (d <= half) return NEAR;
    if (d <= limit) return MID;
    return FAR;
  }

  // Legend, which also switches layers on and off.
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "circle-legend");
    var kinds = Object.keys(KIND).map(function (k) {
      return '<div><span class="sq" data-style="background:' + KIND[k].color + '">' + KIND[k].mark + "</span>" +
        esc(cfg.kinds[k]) + "</div>";
    }).join("");
    div.innerHTML = "<details" + (window.innerWidth < 720 ? "" : " open") + "><summary>" + esc(T.legend) + "</summary>" +
      "<h3>" + esc(T.residential) + "</h3>" +
      '<div><span class="sw" data-style="background:' + NEAR + '"></span>' + esc(fmt(T.near, num(half))) + "</div>" +
      '<div><span class="sw" data-style="background:' + MID + '"></span>' + esc(fmt(T.mid, num(half), num(limit))) + "</div>" +
      '<div><span class="sw" data-style="background:' + FAR + '"></span>' + esc(fmt(T.far, num(limit))) + "</div>" +
      "<h3>" + esc(T.network) + "</h3>" +
      '<div><span class="ln" data-style="background:' + COVERED_STREET + '"></span>' + esc(T.coveredStreet) + "</div>" +
      '<div><span class="ln" data-style="background:' + OTHER_STREET + '"></span>' + esc(T.otherStreet) + "</div>" +
      '<details class="circle-legend-kinds"><summary><strong>' + esc(T.places) + "</strong></summary>" + kinds + "</details>" +
      '<div><span class="sq" data-style="background:#ffd23f;color:#000;border:1px solid #000">1</span>' + esc(T.recommended) + "</div></details>";
    applyStyles(div);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  L.control.layers(null, (function () {
    var o = {};
    o[T.network] = networkLayer; o[T.points] = pointLayer; o[T.places] = placeLayer; o[T.recommended] = pickLayer;
    return o;
  })(), { position: "topright", collapsed: true }).addTo(map);

  function drawNetwork(net) {
    networkLayer.clearLayers();
    if (!net) return 0;
    if (net.other.length) {
      L.polyline(net.other, { renderer: renderer, color: OTHER_STREET, weight: 1.2, opacity: 0.9, interactive: false })
        .addTo(networkLayer);
    }
    if (net.covered.length) {
      L.polyline(net.covered, { renderer: renderer, color: COVERED_STREET, weight: 2.2, opacity: 0.85, interactive: false })
        .addTo(networkLayer);
    }
    if (net.simplified) notes.push(T.simplified);
    return net.other.length + net.covered.length;
  }

  // Dots grow with the population they stand for, and shrink as the map zooms out so a
  // whole district stays legible.
  function radius(pop) {
    var scale = Math.max(0.35, Math.min(1.3, Math.pow(2, (map.getZoom() - 15) / 2)));
    return Math.max(2, Math.min(11, (2.5 + Math.sqrt(pop) / 5) * scale));
  }

  function drawPoints(pts) {
    pointLayer.clearLayers();
    pts.rows.forEach(function (r) {
      var lat = r[0], lon = r[1], pop = r[2], d = r[3], place = r[4], name = r[5], com = pts.communities[r[6]];
      var m = L.circleMarker([lat, lon], {
        renderer: renderer, radius: radius(pop), color: "#ffffff", weight: map.getZoom() >= 14 ? 1 : 0.5,
        fillColor: distanceColor(d), fillOpacity: 0.85
      });
      var reach = (d == null)
        ? esc(fmt(T.none, num(limit * 2)))
        : esc(T.nearest) + "：" + esc(pts.place_names[String(place)] || "") + "，" + esc(fmt(T.walk, num(d)));
      m.bindPopup("<h4>" + esc(name) + "</h4>" + (com ? esc(com) + "<br>" : "") + num(pop) + " " + esc(T.people) +
        "<br>" + reach);
      m.addTo(pointLayer);
    });
    if (pts.truncated) notes.push(T.truncated);
    return pts.rows.length;
  }

  // The Content-Security-Policy refuses style attributes in markup, so colours and sizes are
  // set through the CSSOM: data-style in built HTML is copied into el.style.
  function applyStyles(root) {
    root.querySelectorAll("[data-style]").forEach(function (el) {
      el.style.cssText = el.getAttribute("data-style");
    });
  }

  function pin(k, counted, size) {
    var el = document.createElement("div");
    el.className = "circle-pin" + (counted ? "" : " off");
    el.style.background = k.color;
    el.style.width = el.style.height = size + "px";
    el.style.fontSize = Math.round(size * 0.55) + "px";
    el.textContent = k.mark;
    return el;
  }

  function drawPlaces(places) {
    placeLayer.clearLayers();
    var z = map.getZoom(), size = z >= 14 ? 26 : z >= 12.5 ? 22 : 18;
    places.forEach(function (p) {
      var k = KIND[p.kind] || KIND.other;
      var icon = L.divIcon({
        className: "", iconSize: [size, size], iconAnchor: [size / 2, size / 2], popupAnchor: [0, -size / 2],
        html: pin(k, p.counted, size)
      });
      var html = "<h4>" + esc(p.name) + "</h4>" + esc(cfg.kinds[p.kind] || "") +
        "<br>" + esc(T.hours) + "：" + esc(p.hours) +
        (p.services ? "<br>" + esc(T.services) + "：" + esc(p.services) : "") +
        (p.address ? "<br>" + esc(T.address) + "：" + esc(p.address) : "") +
        (p.counted ? "" : '<br><em>' + esc(T.notCounted) + "</em>") +
        '<br><a href="' + cfg.placeUrl + p.id + '/">' + esc(T.detail) + "</a>";
      L.marker([p.lat, p.lon], { icon: icon, title: p.name, zIndexOffset: p.counted ? 1000 : 0 })
        .bindPopup(html).addTo(placeLayer);
    });
    return places.length;
  }

  var pending = null, timer = null;
  function load() {
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); }).join(",");
    var q = cfg.query ? cfg.query + "&" : "";
    if (q.indexOf("region=") < 0) q += "region=" + encodeURIComponent(cfg.region) + "&";
    if (pending) pending.abort();
    pending = new AbortController();
    status.textContent = T.loading;
    fetch(cfg.layersUrl + "?" + q + "bbox=" + bbox, { signal: pending.signal, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        notes = cfg.tileUrl ? [] : [T.noTiles];
        el.dataset.edges = drawNetwork(data.network);
        el.dataset.points = drawPoints(data.points);
        el.dataset.places = drawPlaces(data.places);
        el.dataset.loaded = "1";
        status.textContent = notes.join(" ");
      })
      .catch(function (e) { if (e.name !== "AbortError") status.textContent = T.failed; });
  }
  map.on("moveend", function () { clearTimeout(timer); timer = setTimeout(load, 250); });
  load();

  function drawPicks() {
    var node = document.getElementById("recommend-data");
    pickLayer.clearLayers();
    if (!node) return;
    JSON.parse(node.textContent).forEach(function (p) {
      var icon = L.divIcon({ className: "", iconSize: [30, 30], iconAnchor: [15, 15],
        html: '<div class="circle-pick">' + p.rank + "</div>" });
      L.marker([p.lat, p.lon], { icon: icon, zIndexOffset: 2000, title: T.recommended + " " + p.rank })
        .bindPopup("<h4>" + esc(T.recommended) + " " + p.rank + "</h4>" + esc(fmt(T.gain, num(p.gain))))
        .addTo(pickLayer);
    });
  }
  document.body.addEventListener("htmx:afterSwap", function (e) {
    if (e.target && e.target.id === "recommend") drawPicks();
  });
})();
