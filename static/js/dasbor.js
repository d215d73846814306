/* SPM dashboard: print button; the folded menu opens on a wide screen; a quarter and a month exclude each other. */
(function () {
  "use strict";
  var print = document.getElementById("print-button");
  if (print) {
    print.addEventListener("click", function () { window.print(); });
  }
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  /* The menu, downloads and filter are folded on a phone; a wide screen shows them open. */
  document.querySelectorAll("details[data-open-wide]").forEach(function (d) {
    if (window.matchMedia("(min-width: 600px)").matches) { d.open = true; }
  });
  var form = document.getElementById("dasbor-filter");
  if (!form) { return; }
  var quarter = form.querySelector("[name=quarter]");
  var month = form.querySelector("[name=month]");
  if (quarter && month) {
    quarter.addEventListener("change", function () { if (quarter.value) { month.value = ""; } });
    month.addEventListener("change", function () { if (month.value) { quarter.value = ""; } });
  }
  /* Details are closed on screen but the printed page shows them. */
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.print-open").forEach(function (d) { d.dataset.wasOpen = d.open ? "1" : ""; d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details.print-open").forEach(function (d) { d.open = d.dataset.wasOpen === "1"; });
  });
}());
