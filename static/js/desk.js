/* Meja petugas: small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Desa codes start with their kecamatan code (pp.kk.cc.dddd), so the desa
  // list can follow the chosen kecamatan without extra data.
  function linkDesa(kecSelect, desaSelect) {
    if (!kecSelect || !desaSelect) return;
    var all = Array.prototype.slice.call(desaSelect.options).map(function (o) {
      return { value: o.value, text: o.text, selected: o.selected };
    });
    function refresh() {
      var kec = kecSelect.value;
      var current = desaSelect.value;
      desaSelect.innerHTML = "";
      all.forEach(function (o) {
        if (o.value === "" || !kec || o.value.indexOf(kec + ".") === 0) {
          var opt = document.createElement("option");
          opt.value = o.value;
          opt.textContent = o.text;
          if (o.value === current) opt.selected = true;
          desaSelect.appendChild(opt);
        }
      });
    }
    kecSelect.addEventListener("change", refresh);
    refresh();
  }

  document.querySelectorAll("form").forEach(function (form) {
    linkDesa(form.querySelector("select[name=kecamatan]"), form.querySelector("select[name=desa]"));
  });

  // Filters and bulk actions are folded on a phone; a wide screen has room for them open.
  if (window.matchMedia && window.matchMedia("(min-width: 720px)").matches) {
    document.querySelectorAll("details.fold-wide-open").forEach(function (d) { d.open = true; });
  }

  // Queue: select every report on this page.
  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input[name=pilih]").forEach(function (box) { box.checked = all.checked; });
    });
  }

  // Staff report form: show only the chosen category's extra questions.
  var staffForm = document.getElementById("staff-report");
  if (staffForm) {
    var category = staffForm.querySelector("select[name=category]");
    var blocks = staffForm.querySelectorAll(".question-block");
    var showBlocks = function () {
      blocks.forEach(function (b) { b.hidden = b.getAttribute("data-category") !== category.value; });
    };
    category.addEventListener("change", showBlocks);
    showBlocks();
  }

  // Report page map (django-leaflet calls this once the map exists).
  window.deskMapInit = function (map) {
    var el = document.getElementById("incident-point");
    if (!el) return;
    var p = JSON.parse(el.textContent);
    if (p.lat === null || p.lng === null) return;
    var ll = [p.lat, p.lng];
    L.circleMarker(ll, { radius: 9, color: "#0b5d3b", weight: 3, fillColor: "#f5c518", fillOpacity: 0.9 })
      .addTo(map).bindTooltip(p.code);
    if (p.approx) {
      L.circle(ll, { radius: 1000, color: "#5b6670", weight: 1, fill: false, dashArray: "4 4" }).addTo(map);
    }
    map.setView(ll, p.approx ? 13 : 16);
  };
})();
