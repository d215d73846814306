/* Home page map: public reports from the public GeoJSON layer, drawn as circles (no icon images to fetch). */
(function () {
  "use strict";
  var COLORS = { konflik: "#b42318", bencana: "#1d4ed8", kebakaran: "#c2410c", ketertiban: "#6d28d9" };
  var wrap = document.getElementById("peta-publik-wrap");
  var status = document.getElementById("peta-publik-status");
  function say(text) { if (status) status.textContent = text || ""; }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function popup(p) {
    var html = "<strong>" + esc(p.category_name) + "</strong><br>" + esc(p.desa) + ", " + esc(p.kecamatan) +
      "<br>" + esc(p.status_label) + " · " + esc(p.date);
    if (p.approximate) html += "<br><em>" + esc(wrap.getAttribute("data-approx")) + "</em>";
    return html;
  }
  function draw(map, data) {
    var features = (data && data.features) || [];
    if (!features.length) { say(wrap.getAttribute("data-empty")); return; }
    window.L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var color = COLORS[feature.properties.group] || "#37474f";
        return window.L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 2, fillColor: color, fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, layer) { layer.bindPopup(popup(feature.properties)); }
    }).addTo(map);
  }
  window.kitaamanPetaPublik = function (map) {
    if (!wrap) return;
    var url = wrap.getAttribute("data-geojson-url");
    if (!url || !window.fetch) { say(wrap.getAttribute("data-failed")); return; }
    window.fetch(url, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { draw(map, data); })
      .catch(function () { say(wrap.getAttribute("data-failed")); });
  };
})();
