// capdo report: filters, search and on-demand system details. No network, no libraries.
// The details are read once from #capdo-data (JSON) and rendered when a system is opened.
// Deep links: #q=<text> fills the search box, #open=<system id> opens that system.
(function () {
  "use strict";
  var data = null;
  function load() {
    if (data === null) { data = JSON.parse(document.getElementById("capdo-data").textContent); }
    return data;
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function badge(cat) {
    var d = load(), b = el("span", "badge", d.cat[cat] ? d.cat[cat][0] : cat);
    b.style.background = d.cat[cat] ? d.cat[cat][1] : "#757575";
    return b;
  }
  function row(cells) {
    var tr = el("tr");
    cells.forEach(function (c) {
      var td = el("td");
      if (c instanceof Node) { td.appendChild(c); } else { td.textContent = c; }
      tr.appendChild(td);
    });
    return tr;
  }
  function table(headers, cls) {
    var t = el("table", cls || "findings"), head = el("tr");
    headers.forEach(function (h) { head.appendChild(el("th", null, h)); });
    var thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
    t.appendChild(el("tbody"));
    return t;
  }
  function render(sid) {
    var d = load(), s = d.s, tx = d.text, box = el("div", "sysdetail");
    var acts = d.act[sid] || [];
    box.appendChild(el("h4", null, tx.actions + " (" + acts.length + ")"));
    if (acts.length) {
      var ta = table([tx.requirement, tx.category, tx.severity, tx.deadline, tx.responsible, tx.remediation, tx.basis]);
      var firstRegime = Object.keys(d.req)[0];
      acts.forEach(function (a) {
        var title = d.req[firstRegime] && d.req[firstRegime][a[0]] !== undefined ? s[d.req[firstRegime][a[0]]] : "";
        var dl = el("span", null, s[a[3]]); dl.appendChild(el("div", "small", s[a[4]]));
        ta.tBodies[0].appendChild(row([a[0] + " " + title, badge(a[1]), s[a[2]], dl, s[a[5]], s[a[6]], s[a[7]]]));
      });
      box.appendChild(ta);
    }
    var regimes = d.sys[sid] || {};
    Object.keys(regimes).forEach(function (g) {
      var rows = regimes[g], met = [];
      box.appendChild(el("h4", null, tx.requirements + " — " + d.regime[g]));
      var tr = table([tx.requirement, tx.category, tx.target, tx.expected, tx.actual, tx.checker], "findings reqs");
      rows.forEach(function (r) {
        var title = d.req[g][r[0]] !== undefined ? s[d.req[g][r[0]]] : "";
        if (r.length < 3) { met.push(r[0] + " (" + (d.cat[r[1]] ? d.cat[r[1]][0] : r[1]) + ")"); return; }
        if (!r[2].length) { tr.tBodies[0].appendChild(row([r[0] + " " + title, badge(r[1]), "", "", "", ""])); return; }
        r[2].forEach(function (f, i) {
          var checker = el("span", null, s[f[4]]);
          if (f[5]) {
            var c = el("div", "conflict", "⚠ " + tx.conflict + ": ");
            c.appendChild(document.createTextNode(f[5].map(function (x) { return s[x[0]] + " = " + (d.status[x[1]] || x[1]); }).join("; ")));
            checker.appendChild(c);
          }
          tr.tBodies[0].appendChild(row([i === 0 ? r[0] + " " + title : "", badge(f[1]), s[f[0]], s[f[2]], s[f[3]], checker]));
        });
      });
      box.appendChild(tr);
      if (met.length) { box.appendChild(el("p", "small", tx.met + ": " + met.join(", "))); }
    });
    return box;
  }
  function toggle(button) {
    var sid = button.getAttribute("data-sys"), tr = button.closest("tr"), next = tr.nextElementSibling;
    var d = load();
    if (next && next.classList.contains("detail-row")) {
      next.remove(); button.setAttribute("aria-expanded", "false"); button.textContent = d.text.open; return;
    }
    var detail = el("tr", "detail-row"), td = el("td");
    td.colSpan = tr.children.length; td.appendChild(render(sid)); detail.appendChild(td);
    tr.parentNode.insertBefore(detail, tr.nextSibling);
    button.setAttribute("aria-expanded", "true"); button.textContent = d.text.close;
  }
  function unfold(id) {
    var more = document.getElementById(id);
    if (more) { more.classList.remove("hidden-more"); }
    var b = document.querySelector("button.more[data-more='" + id + "']");
    if (b) { b.closest("tbody").remove(); }
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest ? ev.target.closest("button.expand") : null;
    if (b) { toggle(b); }
    var m = ev.target.closest ? ev.target.closest("button.more") : null;
    if (m) { unfold(m.getAttribute("data-more")); }
  });
  var input = document.getElementById("filter");
  var failingOnly = document.getElementById("failing-only");
  var category = document.getElementById("category");
  var counter = document.getElementById("filter-count");
  var items = Array.prototype.slice.call(document.querySelectorAll("table.filterable tr.item"));
  var texts = null;
  function apply() {
    if (texts === null) { texts = items.map(function (e) { return e.textContent.toLowerCase(); }); }
    var query = input.value.trim().toLowerCase(), onlyBad = failingOnly.checked, cat = category.value;
    var shown = 0;
    if (query || onlyBad || cat) { unfold("actions-more"); }
    items.forEach(function (e, i) {
      var show = (!query || texts[i].indexOf(query) !== -1) && (!onlyBad || e.getAttribute("data-open") === "1");
      if (show && cat) {
        var own = e.getAttribute("data-category"), cats = e.getAttribute("data-cats");
        show = own ? own === cat : cats !== null && (" " + cats + " ").indexOf(" " + cat + " ") !== -1;
      }
      e.classList.toggle("hidden", !show);
      var next = e.nextElementSibling;
      if (next && next.classList.contains("detail-row")) { next.classList.toggle("hidden", !show); }
      if (show) { shown += 1; }
    });
    counter.textContent = (query || onlyBad || cat) ? shown + "/" + items.length : "";
  }
  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  failingOnly.addEventListener("change", apply);
  category.addEventListener("change", apply);
  function fromHash() {
    var h = decodeURIComponent(window.location.hash.slice(1));
    h.split("&").forEach(function (part) {
      if (part.indexOf("q=") === 0) { input.value = part.slice(2); apply(); }
      if (part.indexOf("open=") === 0) {
        var b = document.querySelector("button.expand[data-sys='" + part.slice(5).replace(/'/g, "") + "']");
        if (b && b.getAttribute("aria-expanded") !== "true") { toggle(b); }
      }
    });
  }
  fromHash();
  window.addEventListener("hashchange", fromHash);
  var fold = ["summary", "actions", "systems"].filter(function (id) {
    var node = document.getElementById(id);
    return node && node.getBoundingClientRect().top < window.innerHeight;
  });
  document.body.setAttribute("data-above-fold", fold.join(" "));
  document.body.setAttribute("data-filters", "ready");
  document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
})();
