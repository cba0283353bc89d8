// Translation mode of the session page (docs/translation.md, "In the UI").
// app.js flips the translate icon and fires `ia:translate-toggle`; this file does the rest:
// a target-language picker next to the icon, one request per trace card when that card is
// open, and an exact revert. Rule of the UI: application text is only ever set with
// textContent. The server sends, per io block, the texts of the page's [data-translatable]
// elements in document order (rendered by the same code as the page), so nothing is parsed.
(function () {
  "use strict";
  var toggle = document.getElementById("translate-toggle");
  if (!toggle) return;

  var csrf = document.body.getAttribute("data-csrf") || "";
  var base = "/project/" + encodeURIComponent(toggle.dataset.projectId || "");
  var STORE = "ia-translate-target";
  var MAX_PARALLEL = 3;       // a 20-card page must not start 20 Apertium processes at once
  var enabled = false;
  var generation = 0;         // bumped on every change of mode or target: late answers are dropped
  var status = null;          // the server's status answer, once known
  var originals = new WeakMap();     // element -> its original text
  var translations = new WeakMap();  // element -> its translated text
  var answers = {};           // traceId + "|" + target -> the server's answer (same page visit)
  var queue = [], active = 0;

  // -- the language picker -------------------------------------------------------------
  var picker = document.createElement("select");
  picker.id = "translate-target";
  picker.className = "translate-target";
  picker.setAttribute("aria-label", "Translate into");
  picker.title = "Translate into";
  picker.hidden = true;
  toggle.insertAdjacentElement("afterend", picker);
  var notice = document.createElement("span");
  notice.className = "translate-notice";
  notice.setAttribute("role", "status");
  picker.insertAdjacentElement("afterend", notice);

  function stored() {
    try { return localStorage.getItem(STORE); } catch (e) { return null; }
  }
  function remember(code) {
    try { localStorage.setItem(STORE, code); } catch (e) { /* private mode: not remembered */ }
  }
  function primary(tag) { return String(tag || "").split(/[-_]/)[0].toLowerCase(); }

  function defaultTarget(codes) {
    var wanted = [stored()];
    (navigator.languages || [navigator.language]).forEach(function (t) { wanted.push(primary(t)); });
    wanted.push("en");
    for (var i = 0; i < wanted.length; i++) {
      if (wanted[i] && codes.indexOf(wanted[i]) >= 0) return wanted[i];
    }
    return codes[0];
  }

  function loadStatus() {
    return fetch(base + "/translate/status", {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (s) {
        status = s;
        if (!s.available) {
          toggle.title = "Translation is not available: " + (s.hint || "no engine");
          return s;
        }
        while (picker.firstChild) picker.removeChild(picker.firstChild);
        s.targetLanguages.forEach(function (code) {
          var o = document.createElement("option");
          o.value = code;
          o.textContent = (s.languageNames && s.languageNames[code]) || code;
          picker.appendChild(o);
        });
        picker.value = defaultTarget(s.targetLanguages);
        picker.hidden = false;
        toggle.title = "Translate content (" + s.engines.join(", ") + ")";
        return s;
      });
  }
  var ready = loadStatus().catch(function () { status = null; });

  picker.addEventListener("change", function () {
    remember(picker.value);
    if (!enabled) return;
    // A new language: start over from the original text, then translate what is open.
    revertAll();
    translateOpenCards();
  });

  // -- one card ------------------------------------------------------------------------
  function cardStatus(card, text, isError) {
    var body = card.querySelector(".card-body");
    if (!body) return;
    var el = body.querySelector(":scope > .translate-state");
    if (!text) { if (el) el.remove(); return; }
    if (!el) {
      el = document.createElement("p");
      el.className = "translate-state";
      body.insertBefore(el, body.firstChild);
    }
    el.classList.toggle("alert", !!isError);
    el.classList.toggle("error", !!isError);
    el.setAttribute("role", isError ? "alert" : "status");
    el.textContent = text;
  }

  function targetsOf(block, data) {
    // The elements whose text the answer replaces, in document order.
    if (data.json !== null && data.json !== undefined) {
      var pre = block.querySelector(".io-json > pre.json");
      return pre ? [pre] : [];
    }
    return Array.prototype.slice.call(block.querySelectorAll("[data-translatable]"));
  }

  function setBlock(block, translated) {
    block.querySelectorAll("[data-translated]").forEach(function (el) {
      var text = translated ? translations.get(el) : originals.get(el);
      if (text !== undefined) el.textContent = text;
    });
    block.setAttribute("data-showing", translated ? "translation" : "original");
    var btn = block.querySelector(".translate-label button");
    if (btn) btn.textContent = translated ? "Show original" : "Show translation";
  }

  // Returns a problem to show, or null; `done.changed` says whether any text was swapped.
  function applyBlock(block, data, answer, done) {
    var texts = data.json !== null && data.json !== undefined ? [data.json] : data.texts;
    var els = targetsOf(block, data);
    if (els.length !== texts.length) return "the translation does not fit this view";
    var changed = false;
    els.forEach(function (el, i) { if (el.textContent !== texts[i]) changed = true; });
    if (!els.length || !changed) return null;  // nothing reads differently: no label
    done.changed = true;
    els.forEach(function (el, i) {
      if (!originals.has(el)) originals.set(el, el.textContent);
      translations.set(el, texts[i]);
      el.setAttribute("data-translated", "");
      el.textContent = texts[i];
    });
    var label = document.createElement("div");
    label.className = "translate-label";
    var what = document.createElement("span");
    what.textContent = "Translated from " + (answer.sourceLanguageName || answer.sourceLanguage || "?") +
      " · " + (answer.engine || "?") + (answer.cached ? " (cached)" : "");
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "btn small translate-original";
    btn.addEventListener("click", function () {
      setBlock(block, block.getAttribute("data-showing") !== "translation");
    });
    label.appendChild(what);
    label.appendChild(document.createTextNode(" "));
    label.appendChild(btn);
    var head = block.querySelector("h3");
    if (head) head.insertAdjacentElement("afterend", label); else block.insertBefore(label, block.firstChild);
    setBlock(block, true);
    return null;
  }

  function apply(card, answer) {
    var problems = [], done = { changed: false };
    ["input", "output"].forEach(function (io) {
      var block = card.querySelector('[data-io-block="' + io + '"]');
      if (!block || !answer.blocks || !answer.blocks[io]) return;
      var problem = applyBlock(block, answer.blocks[io], answer, done);
      if (problem) problems.push(io + ": " + problem);
    });
    card.setAttribute("data-translation", answer.targetLanguage);
    if (problems.length) cardStatus(card, "Not translated (" + problems.join("; ") + ")", true);
    else if (!done.changed) {
      cardStatus(card, "Nothing to translate into " +
        (answer.targetLanguageName || answer.targetLanguage) + ".", false);
    } else cardStatus(card, null);
  }

  function fail(card, message) {
    card.setAttribute("data-translation", "failed");
    cardStatus(card, "Translation failed: " + message, true);
  }

  function request(card, target, gen) {
    var id = card.getAttribute("data-trace-id");
    var key = id + "|" + target;
    if (answers[key]) return Promise.resolve(answers[key]);
    return fetch(base + "/traces/" + encodeURIComponent(id) + "/translate", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf
      },
      body: JSON.stringify({ target: target })
    }).then(function (r) {
      return r.json().catch(function () { return { message: "HTTP " + r.status }; })
        .then(function (j) {
          if (!r.ok) throw new Error(j.message || "HTTP " + r.status);
          if (gen === generation) answers[key] = j;
          return j;
        });
    });
  }

  function pump() {
    while (active < MAX_PARALLEL && queue.length) {
      var job = queue.shift();
      if (job.gen !== generation) continue;
      active++;
      run(job).then(function () { active--; pump(); });
    }
  }

  function run(job) {
    var card = job.card;
    return request(card, job.target, job.gen)
      .then(function (answer) { if (job.gen === generation) apply(card, answer); },
            function (err) { if (job.gen === generation) fail(card, err.message || String(err)); })
      .then(function () {
        if (job.gen !== generation) return;
        card.classList.remove("translating");
        card.removeAttribute("aria-busy");
      });
  }

  function translateCard(card) {
    if (!enabled || !status || !status.available) return;
    var details = card.querySelector(":scope > details");
    if (details && !details.open) return;  // folded cards wait until they are opened
    var target = picker.value;
    var state = card.getAttribute("data-translation");
    if (state === target || state === "pending") return;
    card.setAttribute("data-translation", "pending");
    card.classList.add("translating");
    card.setAttribute("aria-busy", "true");
    cardStatus(card, "Translating…", false);
    queue.push({ card: card, target: target, gen: generation });
    pump();
  }

  function translateOpenCards() {
    document.querySelectorAll("article.trace-card[data-trace-id]").forEach(translateCard);
  }

  // -- the whole page --------------------------------------------------------------------
  function revertAll() {
    generation++;
    queue = [];
    document.querySelectorAll("[data-translated]").forEach(function (el) {
      var text = originals.get(el);
      if (text !== undefined) el.textContent = text;
      el.removeAttribute("data-translated");
    });
    document.querySelectorAll(".translate-label, .translate-state").forEach(function (el) { el.remove(); });
    document.querySelectorAll("[data-showing]").forEach(function (el) { el.removeAttribute("data-showing"); });
    document.querySelectorAll("article.trace-card[data-translation]").forEach(function (card) {
      card.removeAttribute("data-translation");
      card.classList.remove("translating");
      card.removeAttribute("aria-busy");
    });
  }

  function setPressed(on) {
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    document.body.setAttribute("data-translate", on ? "on" : "off");
  }

  document.addEventListener("ia:translate-toggle", function (ev) {
    var on = !!(ev.detail && ev.detail.enabled);
    if (!on) {
      enabled = false;
      notice.textContent = "";
      revertAll();
      return;
    }
    enabled = true;
    ready.then(function () {
      if (!enabled) return;
      if (!status || !status.available) {
        // Nothing can translate here: say what to install instead of pretending.
        enabled = false;
        setPressed(false);
        notice.textContent = status ? status.hint || "Translation is not available."
          : "Translation is not available (could not reach the server).";
        return;
      }
      translateOpenCards();
    });
  });

  document.addEventListener("ia:trace-toggle", function (ev) {
    if (enabled && ev.detail && ev.detail.open && ev.detail.card) translateCard(ev.detail.card);
  });

  document.addEventListener("ia:traces-loaded", function () {
    if (enabled) translateOpenCards();
  });
})();
