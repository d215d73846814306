/* Desk map: the filtered queue from /petugas/peta/laporan.geojson, clustered
   (Leaflet.markercluster, served from static/vendor), one colour per status. */
(function () {
  "use strict";
  // Most urgent first: a cluster takes the colour of its most urgent report.
  var RANK = ["baru", "diverifikasi", "ditangani", "selesai", "ditolak", "duplikat"];
  var wrap = document.getElementById("desk-map-wrap");
  var status = document.getElementById("desk-map-status");

  function text(name) { return wrap.getAttribute("data-" + name) || ""; }
  function say(message) { if (status) status.textContent = message || ""; }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function rank(s) {
    var i = RANK.indexOf(s);
    return i < 0 ? RANK.length : i;
  }

  function popup(p) {
    var html = '<div class="desk-popup"><a class="code" href="' + esc(p.url) + '">' + esc(p.code) + "</a> " +
      '<span class="badge status-' + esc(p.status) + '">' + esc(p.status_label) + "</span>" +
      (p.assignment_requested ? ' <span class="badge badge-request">' + esc(text("requested")) + "</span>" : "") +
      "<div><strong>" + esc(p.category) + "</strong> · " + esc(p.priority_label) + "</div>" +
      "<div>" + esc(p.summary) + "</div>" +
      '<div class="small muted">' + esc(p.desa) + ", " + esc(p.kecamatan) + " · " + esc(p.created) + "</div>";
    if (p.approximate) html += '<div class="small muted"><em>' + esc(text("approx")) + "</em></div>";
    return html + '<a class="button button-small" href="' + esc(p.url) + '">' + esc(text("open")) + "</a></div>";
  }

  function pin(feature, latlng) {
    var p = feature.properties;
    var marker = window.L.marker(latlng, {
      icon: window.L.divIcon({
        className: "desk-pin desk-pin-" + p.status + (p.assignment_requested ? " desk-pin-request" : ""),
        iconSize: [20, 20],
        iconAnchor: [10, 10],
        popupAnchor: [0, -10]
      }),
      title: p.code + " · " + p.status_label,
      alt: p.code + " · " + p.status_label,
      keyboard: true,
      riseOnHover: true
    });
    marker.deskStatus = p.status;
    return marker;
  }

  function clusterIcon(cluster) {
    var best = RANK.length;
    cluster.getAllChildMarkers().forEach(function (m) { best = Math.min(best, rank(m.deskStatus)); });
    var worst = RANK[best] || "ditolak";
    var n = cluster.getChildCount();
    var size = n < 10 ? 34 : n < 100 ? 40 : 48;
    return window.L.divIcon({
      html: "<span>" + n + "</span>",
      className: "desk-cluster desk-cluster-" + worst,
      iconSize: [size, size]
    });
  }

  function draw(map, data) {
    var features = (data && data.features) || [];
    if (!features.length) { say(text("empty")); return; }
    var group = window.L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: clusterIcon
    });
    var points = window.L.geoJSON(data, {
      pointToLayer: pin,
      onEachFeature: function (feature, layer) { layer.bindPopup(popup(feature.properties), { maxWidth: 260 }); }
    });
    // Frame the reports first, so the clusters are built once at the final zoom.
    map.fitBounds(points.getBounds(), { padding: [24, 24], maxZoom: 14, animate: false });
    group.addLayers(points.getLayers());
    map.addLayer(group);
    var message = features.length === 1 ? text("count-one") : text("count-many").replace("{n}", features.length.toLocaleString("id-ID"));
    if (data.truncated) message += " " + text("truncated");
    say(message);
  }

  window.kitaamanDeskMap = function (map) {
    if (!wrap) return;
    var b = (wrap.getAttribute("data-bbox") || "").split(",").map(Number);
    map.options.zoomSnap = 0.25;
    if (b.length === 4 && !isNaN(b[0])) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { animate: false });
    var url = wrap.getAttribute("data-geojson-url");
    if (!url || !window.fetch || !window.L.markerClusterGroup) { say(text("failed")); return; }
    say(text("loading"));
    window.fetch(url, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { draw(map, data); })
      .catch(function () { say(text("failed")); });
  };
})();
