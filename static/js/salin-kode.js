/* "Salin kode" on the page after a report is sent. */
(function () {
  "use strict";
  var btn = document.getElementById("salin-kode");
  if (!btn) return;
  var original = btn.textContent;
  function done() {
    btn.textContent = btn.getAttribute("data-done") || original;
    setTimeout(function () { btn.textContent = original; }, 2500);
  }
  function fallback(code) {
    var field = document.createElement("textarea");
    field.value = code;
    field.setAttribute("readonly", "");
    field.style.position = "absolute";
    field.style.left = "-9999px";
    document.body.appendChild(field);
    field.select();
    try { document.execCommand("copy"); done(); } catch (e) { /* the code stays on screen to note down */ }
    document.body.removeChild(field);
  }
  btn.addEventListener("click", function () {
    var code = btn.getAttribute("data-code");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code).then(done, function () { fallback(code); });
    } else {
      fallback(code);
    }
  });
})();
