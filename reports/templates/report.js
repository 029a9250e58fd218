// Filters for the capdo report: text search and "failing only". No network, no libraries.
(function () {
  "use strict";
  var input = document.getElementById("filter");
  var failingOnly = document.getElementById("failing-only");
  if (!input || !failingOnly) { return; }
  var failing = { fail: true, error: true, missing_evidence: true, not_reviewed: true };
  var items = Array.prototype.slice.call(document.querySelectorAll("table.filterable > tbody.item"));
  var texts = null;
  function apply() {
    if (texts === null) { texts = items.map(function (el) { return el.textContent.toLowerCase(); }); }
    var query = input.value.trim().toLowerCase();
    var onlyBad = failingOnly.checked;
    items.forEach(function (el, i) {
      var show = (!query || texts[i].indexOf(query) !== -1) && (!onlyBad || failing[el.getAttribute("data-status")] === true);
      el.classList.toggle("hidden", !show);
    });
  }
  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 150); });
  failingOnly.addEventListener("change", apply);
  document.body.setAttribute("data-filters", "ready");
})();
