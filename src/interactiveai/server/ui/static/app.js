// InteractiveAI UI behaviour. Vanilla JS, no dependencies.
// Rule: data from applications is only ever placed with textContent, never as HTML. The one
// place HTML is parsed is a page of trace cards rendered (and escaped) by our own server.
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf") || "";

  function toast(text) {
    var el = document.getElementById("toast");
    if (!el) return;
    el.textContent = text;
    el.classList.add("show");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { el.classList.remove("show"); }, 1800);
  }

  // Times: the server writes UTC; show the viewer's local time, keep UTC in the tooltip.
  var timeFormat = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
  });
  // Dense tables drop the year when it is this year.
  var shortFormat = new Intl.DateTimeFormat(undefined, {
    month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
    hourCycle: "h23"
  });
  var thisYear = new Date().getFullYear();
  function localizeTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d.getTime())) return;
      var short = el.hasAttribute("data-short") && d.getFullYear() === thisYear;
      el.textContent = (short ? shortFormat : timeFormat).format(d);
    });
  }

  // Long text is clamped; add a "Show more" toggle where it overflows.
  function setupClamps(root) {
    root.querySelectorAll(".clamp").forEach(function (el) {
      if (el.dataset.clampReady || el.scrollHeight <= el.clientHeight + 4) return;
      el.dataset.clampReady = "1";
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn small clamp-toggle";
      b.textContent = "Show more";
      b.addEventListener("click", function () {
        var open = el.classList.toggle("expanded");
        b.textContent = open ? "Show less" : "Show more";
      });
      el.insertAdjacentElement("afterend", b);
    });
  }

  function enhance(root) {
    localizeTimes(root);
    setupClamps(root);
  }

  function post(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf },
      credentials: "same-origin"
    });
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target.closest("[data-copy]");
    if (t) {
      navigator.clipboard.writeText(t.getAttribute("data-copy")).then(
        function () { toast("Copied"); }, function () { toast("Copy failed"); });
      return;
    }
    var all = ev.target.closest("button.show-all[data-raw-url]");
    if (all) {
      all.disabled = true;
      all.textContent = "Loading…";
      fetch(all.getAttribute("data-raw-url"), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (text) {
          var io = all.closest(".io");
          var pre = io.querySelector(".raw-preview");
          pre.textContent = text;
          all.closest(".truncated-note").remove();
        })
        .catch(function () { all.disabled = false; all.textContent = "Show all (retry)"; });
    }
  });

  // Bookmark stars update in place.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.classList.contains("bookmark-form")) {
      ev.preventDefault();
      post(form).then(function (r) { return r.json().then(function (j) { return [r, j]; }); })
        .then(function (rj) {
          if (!rj[0].ok) { toast(rj[1].message || "Failed"); return; }
          var on = rj[1].bookmarked;
          var btn = form.querySelector("button.star");
          btn.classList.toggle("on", on);
          btn.textContent = on ? "★" : "☆";
          btn.setAttribute("aria-pressed", on ? "true" : "false");
          btn.title = on ? "Remove bookmark" : "Bookmark";
          form.querySelector("input[name=bookmarked]").value = on ? "0" : "1";
          toast(on ? "Bookmarked" : "Bookmark removed");
        })
        .catch(function () { toast("Failed"); });
      return;
    }
    if (form.hasAttribute("data-ajax")) {
      ev.preventDefault();
      var err = form.querySelector(".form-error");
      if (err) err.textContent = "";
      post(form).then(function (r) { return r.json().then(function (j) { return [r, j]; }); })
        .then(function (rj) {
          if (!rj[0].ok) { if (err) err.textContent = rj[1].message || "Failed"; return; }
          // Reload so the new score or comment shows with everything it changed.
          var next = form.querySelector("input[name=next]");
          var a = document.createElement("a");
          a.href = next ? next.value : location.href;
          if (a.pathname + a.search === location.pathname + location.search) {
            if (a.hash) location.hash = a.hash;
            location.reload();
          } else {
            location.assign(a.href);
          }
        })
        .catch(function () { if (err) err.textContent = "Failed to save"; });
    }
  });

  // Score configs fill in name, type and the allowed values.
  document.addEventListener("change", function (ev) {
    var sel = ev.target.closest(".config-select");
    if (!sel) return;
    var form = sel.form, opt = sel.selectedOptions[0];
    var name = form.querySelector("input[name=name]");
    var type = form.querySelector("select[name=data_type]");
    var value = form.querySelector("input[name=value]");
    var list = document.getElementById(value.getAttribute("list"));
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!opt.value) { name.readOnly = false; type.disabled = false; return; }
    name.value = opt.dataset.name; name.readOnly = true;
    type.value = opt.dataset.type; type.disabled = true;
    var cats = [];
    try { cats = JSON.parse(opt.dataset.categories || "[]"); } catch (e) { cats = []; }
    cats.forEach(function (c) {
      var o = document.createElement("option");
      o.value = String(c.label);
      list.appendChild(o);
    });
    value.placeholder = opt.dataset.min || opt.dataset.max
      ? (opt.dataset.min || "…") + " to " + (opt.dataset.max || "…")
      : (cats.length ? cats.map(function (c) { return c.label; }).join(", ") : "value");
  });

  // Trace cards: announce folding (the translation feature listens), expand/collapse all.
  function watchCards(root) {
    root.querySelectorAll(".trace-card > details").forEach(function (d) {
      if (d.dataset.watched) return;
      d.dataset.watched = "1";
      d.addEventListener("toggle", function () {
        var card = d.parentElement;
        document.dispatchEvent(new CustomEvent("ia:trace-toggle", {
          detail: { traceId: card.getAttribute("data-trace-id"), open: d.open, card: card }
        }));
      });
    });
  }
  function setAll(open) {
    document.querySelectorAll(".trace-card > details").forEach(function (d) { d.open = open; });
  }
  var ea = document.getElementById("expand-all"), ca = document.getElementById("collapse-all");
  if (ea) ea.addEventListener("click", function () { setAll(true); });
  if (ca) ca.addEventListener("click", function () { setAll(false); });

  // Translation hook (docs/ui.md): the button only flips state and tells listeners.
  var tr = document.getElementById("translate-toggle");
  if (tr) tr.addEventListener("click", function () {
    var on = tr.getAttribute("aria-pressed") !== "true";
    tr.setAttribute("aria-pressed", on ? "true" : "false");
    document.body.setAttribute("data-translate", on ? "on" : "off");
    document.dispatchEvent(new CustomEvent("ia:translate-toggle", {
      detail: { enabled: on, sessionId: tr.dataset.sessionId, projectId: tr.dataset.projectId }
    }));
  });

  // Big sessions: the next page of trace cards loads as the end of the list comes into view.
  var loading = false;
  function loadMore(link) {
    if (loading) return;
    loading = true;
    var list = document.getElementById("trace-list");
    var cards = list.querySelectorAll(".trace-card");
    var last = cards[cards.length - 1];
    var url = link.getAttribute("href") + (last ? "&prev=" + encodeURIComponent(last.dataset.end) : "");
    link.textContent = "Loading…";
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        // Server-rendered, autoescaped markup of our own template (no scripts in it).
        var doc = new DOMParser().parseFromString(html, "text/html");
        var frag = document.createDocumentFragment();
        Array.prototype.slice.call(doc.body.childNodes).forEach(function (n) {
          frag.appendChild(document.importNode(n, true));
        });
        link.remove();
        list.appendChild(frag);
        enhance(list);
        watchCards(list);
        observeMore();
        document.dispatchEvent(new CustomEvent("ia:traces-loaded", { detail: { list: list } }));
      })
      .catch(function () { link.textContent = "Load more traces (retry)"; })
      .then(function () { loading = false; });
  }
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) loadMore(e.target); });
  }, { rootMargin: "600px" }) : null;
  function observeMore() {
    var link = document.querySelector("#trace-list .load-more");
    if (!link) return;
    link.addEventListener("click", function (ev) { ev.preventDefault(); loadMore(link); });
    if (observer) observer.observe(link);
  }

  // Theme toggle.
  function toggleTheme() {
    var dark = document.documentElement.getAttribute("data-theme") !== "dark";
    document.documentElement.setAttribute("data-theme", dark ? "dark" : "light");
    try { localStorage.setItem("ia-theme", dark ? "dark" : "light"); } catch (e) { /* ignore */ }
  }
  var themeBtn = document.getElementById("theme-toggle");
  if (themeBtn) themeBtn.addEventListener("click", toggleTheme);

  // Keyboard: / search, j/k move between traces or rows, o fold, n/p pages, t theme, b bookmark.
  var current = -1;
  function items() {
    var cards = document.querySelectorAll(".trace-card");
    if (cards.length) return cards;
    return document.querySelectorAll("table.grid tbody tr a.session-link, table.grid tbody tr a.user-link, .tree-link");
  }
  function move(delta) {
    var list = items();
    if (!list.length) return;
    current = Math.max(0, Math.min(list.length - 1, current + delta));
    var el = list[current];
    document.querySelectorAll(".trace-card.current").forEach(function (c) { c.classList.remove("current"); });
    if (el.classList.contains("trace-card")) {
      el.classList.add("current");
      el.querySelector("summary").focus();
    } else {
      el.focus();
    }
    el.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || ev.target.isContentEditable) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    var k = ev.key;
    if (k === "/") { var s = document.getElementById("search"); if (s) { ev.preventDefault(); s.focus(); s.select(); } }
    else if (k === "j") move(1);
    else if (k === "k") move(-1);
    else if (k === "o") { var c = document.querySelector(".trace-card.current > details"); if (c) c.open = !c.open; }
    else if (k === "n") { var n = document.getElementById("next-page"); if (n) n.click(); }
    else if (k === "p") { var p = document.getElementById("prev-page"); if (p) p.click(); }
    else if (k === "t") toggleTheme();
    else if (k === "b") { var b = document.getElementById("bookmark-toggle"); if (b) b.click(); }
  });

  enhance(document);
  watchCards(document);
  observeMore();
})();
