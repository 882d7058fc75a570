(function () {
  "use strict";
  // Interaction only: every fact is already in the page. Never builds markup from text
  // (textContent and createElement only), so nothing from a document can execute. Listeners
  // are delegated from the document, so start-up cost does not grow with the report.
  var doc = document;
  doc.documentElement.classList.add("js");
  function all(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }
  function byId(id) { return doc.getElementById(id); }
  function words(s) { return (s || "").split(" ").filter(Boolean); }
  function closest(el, sel) { return el && el.closest ? el.closest(sel) : null; }
  function markOf(ev) {
    var m = closest(ev.target, "svg.timeline a.mark");
    return m && m.getAttribute("data-claim") ? m : null;
  }

  // claim table columns, in order (rows carry no per-cell classes to keep large pages small)
  var COLS = {about: 0, value: 1, modality: 2, source: 3, published: 4, speaker: 5, quote: 6};
  function cell(row, name) { var c = row && row.cells[COLS[name]]; return c ? c.textContent : ""; }

  // ---- claim details on focus / hover -------------------------------------------------
  var panel = byId("detail");
  var pinned = null;
  var pubLit = [];
  function unlightPubs() { pubLit.forEach(function (m) { m.classList.remove("pub-hl"); }); pubLit = []; }
  function showClaim(mark, pin) {
    var id = mark.getAttribute("data-claim");
    var row = byId("claim-" + id);
    if (!row || !panel) { return; }
    if (pinned && !pin && pinned !== id) { return; }
    ["value", "about", "published", "source", "speaker", "modality"].forEach(function (f) {
      panel.querySelector(".d-" + f).textContent = cell(row, f) || "—";
    });
    panel.querySelector(".d-quote").textContent = cell(row, "quote");
    panel.querySelector(".d-row").setAttribute("href", "#claim-" + id);
    var t = panel.querySelector(".d-text");
    t.hidden = !byId("q-" + id);
    t.setAttribute("href", "#q-" + id);
    panel.hidden = false;
    unlightPubs();
    var src = row.getAttribute("data-source");
    var svg = mark.ownerSVGElement;
    if (svg && src) {
      all("a.mark.kind-pub", svg).forEach(function (p) {
        if (p.getAttribute("data-source") === src) { p.classList.add("pub-hl"); pubLit.push(p); }
      });
    }
    if (pin) { pinned = id; }
  }
  function hideClaim(force) {
    if (!panel || (pinned && !force)) { return; }
    pinned = null;
    panel.hidden = true;
    unlightPubs();
  }
  doc.addEventListener("focusin", function (ev) { var m = markOf(ev); if (m) { showClaim(m, false); } });
  doc.addEventListener("focusout", function (ev) { if (markOf(ev)) { hideClaim(false); } });
  doc.addEventListener("mouseover", function (ev) {
    var m = markOf(ev);
    if (m && !m.contains(ev.relatedTarget)) { showClaim(m, false); }
  });
  doc.addEventListener("mouseout", function (ev) {
    var m = markOf(ev);
    if (m && !m.contains(ev.relatedTarget)) { hideClaim(false); }
  });

  // ---- choosing a finding highlights exactly its claims -----------------------------------
  var chosen = null;
  var lit = [];
  function clearSelection() {
    lit.forEach(function (e) { e.classList.remove("hl", "selecting", "selected"); });
    lit = [];
    all("button.choose[aria-pressed=true]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    chosen = null;
  }
  function light(el, cls) { el.classList.add(cls); lit.push(el); }
  // large reports leave the side-by-side quotes out of the markup: build them from the claim rows
  function fillQuotes(li, claimIds) {
    var box = li.querySelector(".quotes[data-lazy]");
    if (!box || box.getAttribute("data-filled")) { return; }
    claimIds.map(function (c) { return byId("claim-" + c); }).filter(Boolean).forEach(function (row) {
      var fig = doc.createElement("figure");
      fig.className = "q";
      var bq = doc.createElement("blockquote");
      bq.textContent = cell(row, "quote");
      var cap = doc.createElement("figcaption");
      var strong = doc.createElement("strong");
      strong.textContent = cell(row, "value");
      cap.appendChild(strong);
      var speaker = cell(row, "speaker");
      cap.appendChild(doc.createTextNode(" · about " + cell(row, "about") + (speaker ? " · " + speaker : "") +
        " · " + cell(row, "modality") + " · " + cell(row, "source") + ", published " + cell(row, "published")));
      fig.appendChild(bq);
      fig.appendChild(cap);
      box.appendChild(fig);
    });
    box.setAttribute("data-filled", "1");
  }
  function choose(fid) {
    var li = byId("finding-" + fid);
    if (!li) { return; }
    if (chosen === fid) { clearSelection(); return; }
    clearSelection();
    chosen = fid;
    var order = words(li.getAttribute("data-claims"));  // in time order
    var ids = {};
    order.forEach(function (c) { ids[c] = true; });
    light(li, "selected");
    var btn = li.querySelector("button.choose");
    if (btn) { btn.setAttribute("aria-pressed", "true"); }
    order.forEach(function (c) {
      all('svg.timeline a.mark[data-claim="' + c + '"]').forEach(function (m) {
        light(m, "hl");
        if (m.ownerSVGElement && !m.ownerSVGElement.classList.contains("selecting")) { light(m.ownerSVGElement, "selecting"); }
      });
      var r = byId("claim-" + c);
      if (r) { light(r, "hl"); }
      var q = byId("q-" + c);
      if (q) {
        all("mark[data-claims]", q.parentNode).forEach(function (m) {
          if (words(m.getAttribute("data-claims")).some(function (x) { return ids[x]; }) && !m.classList.contains("hl")) { light(m, "hl"); }
        });
      }
    });
    all('svg.timeline .link[data-finding="' + fid + '"]').forEach(function (l) { light(l, "hl"); });
    fillQuotes(li, order);
  }
  doc.addEventListener("click", function (ev) {
    var b = closest(ev.target, "button.choose");
    if (b) { choose(b.getAttribute("data-finding")); return; }
    var l = closest(ev.target, "svg.timeline .link[data-finding]");
    if (l) { choose(l.getAttribute("data-finding")); return; }
    var m = markOf(ev);
    if (m) { ev.preventDefault(); pinned = null; showClaim(m, true); return; }
    if (closest(ev.target, "#detail .close")) { hideClaim(true); }
  });
  doc.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { clearSelection(); hideClaim(true); }
  });

  // ---- findings filters ------------------------------------------------------------------
  var form = byId("filters");
  if (form) {
    var sel = {kind: byId("f-kind"), severity: byId("f-severity"), subject: byId("f-subject")};
    var count = byId("f-count");
    var apply = function () {
      var items = all("#finding-list > li.finding");
      var shown = 0;
      items.forEach(function (li) {
        var ok = Object.keys(sel).every(function (k) {
          return !sel[k].value || li.getAttribute("data-" + k) === sel[k].value;
        });
        li.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + " of " + items.length + " shown";
    };
    Object.keys(sel).forEach(function (k) { sel[k].addEventListener("change", apply); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  }

  // ---- open folded sections when a link points into them; print everything -------------
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? byId(id) : null;
    if (!el) { return; }
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") { p.open = true; }
    }
    el.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  if (location.hash) { reveal(); }
  window.addEventListener("beforeprint", function () { all("details").forEach(function (d) { d.open = true; }); });
})();
