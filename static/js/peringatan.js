/* Area map of one warning: the areas from the inline GeoJSON (#peringatan-wilayah). */
(function () {
  "use strict";
  window.kitaamanPetaPeringatan = function (map) {
    var wrap = document.getElementById("peta-peringatan-wrap");
    var node = document.getElementById("peringatan-wilayah");
    var data = null;
    try { data = JSON.parse(node ? node.textContent : "null"); } catch (e) { data = null; }
    var b = ((wrap && wrap.getAttribute("data-bbox")) || "").split(",").map(Number);
    map.options.zoomSnap = 0.25;
    if (b.length === 4 && !isNaN(b[0])) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { animate: false });
    if (!data || !data.features || !data.features.length) return;
    var layer = window.L.geoJSON(data, {
      style: function (f) {
        return { color: "#b42318", weight: 2, fillColor: "#b42318", fillOpacity: 0.25, dashArray: f.properties.approximate ? "6 4" : null };
      },
      onEachFeature: function (f, l) {
        var text = f.properties.name;
        if (f.properties.approximate) text += " (" + wrap.getAttribute("data-approx") + ")";
        l.bindTooltip(text);
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { paddingTopLeft: [16, 16], paddingBottomRight: [16, 36], animate: false });
  };
})();
