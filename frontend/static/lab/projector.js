// The projector view: renders the public state the server allows on the wall (facilitator/projector.py),
// polls it every 2 s, and counts the round's timer down locally between polls. Read-only: no controls.
(function () {
  "use strict";
  var root = document.getElementById("projector");
  var stateUrl = root.dataset.stateUrl;
  var pollMs = Number(root.dataset.pollMs) || 2000;
  var TIMEOUT_MS = 8000;
  var deadlineAt = null;   // Date.now() at which the open round's timer reaches 0
  var timerKey = "";       // round number and state the deadline belongs to
  var failures = 0;

  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(text) {
    return (text == null ? "" : String(text)).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }
  function byId(id) { return document.getElementById(id); }
  function seconds(s) {
    s = Math.max(0, Math.round(s));
    var m = Math.floor(s / 60), r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }
  function say(text, params) { return interpolate(text, params, true); }  // gettext's named placeholders
  // Figures in the wall's language (<html lang>, the facilitator's), as format.js writes them.
  function figure(v, digits) {
    return new Intl.NumberFormat(document.documentElement.lang || "en", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
  }
  function score(v) { return typeof v === "number" ? figure(v, 1) : "–"; }
  function units(v) { return typeof v === "number" ? figure(Math.round(v), 0) : "–"; }

  // Only what changed is replaced: the QR code and the timer are never rebuilt by a poll.
  function setHtml(el, html) {
    if (el.getAttribute("data-html") === html) return false;
    el.innerHTML = html;
    el.setAttribute("data-html", html);
    return true;
  }
  function setText(el, text) { if (el.textContent !== text) el.textContent = text; }
  function show(el, on) { if (el.hidden === on) el.hidden = !on; }

  // A long list shrinks its own type until it fits its box, so the wall never scrolls (down to 45 %).
  function fit(el) {
    el.style.fontSize = "";
    var size = 100;
    while (el.scrollHeight > el.clientHeight + 1 && size > 45) {
      size -= 7;
      el.style.fontSize = size + "%";
    }
  }
  function fitAll() { root.querySelectorAll(".pj-fit").forEach(function (el) { if (el.offsetParent) fit(el); }); }
  window.addEventListener("resize", fitAll);

  function renderPeople(s) {
    var teams = s.people || [];
    var count = s.people_count || 0;
    setText(byId("pj-people-title"), count === 0 ? gettext("Who has joined") :
      say(ngettext("%(n)s person has joined", "%(n)s people have joined", count), { n: count }));
    return setHtml(byId("pj-teams"), teams.length ? '<ul class="pj-team-list">' + teams.map(function (t) {
      return '<li class="pj-team"><h3>' + esc(t.team) + '</h3><ul class="pj-names">' + t.names.map(function (n) {
        return "<li>" + esc(n) + "</li>"; }).join("") + "</ul></li>";
    }).join("") + "</ul>" : '<p class="pj-empty">' + esc(gettext("Nobody yet: scan the code to be the first.")) + "</p>");
  }

  function renderRound(s) {
    var r = s.round, phase = s.session.state;
    var title = phase === "finished" ? gettext("The workshop has ended") : r ? say(gettext("Round %(n)s of %(total)s"), { n: r.number, total: r.total }) : gettext("Round");
    setText(byId("pj-round-title"), title);
    var note = "";
    if (phase === "finished") note = gettext("Thank you for playing.");
    else if (!r) note = "";
    else if (r.state === "paused") note = gettext("Paused by the facilitator");
    else if (r.state === "closing") note = gettext("Time is up: the plant is running the month");
    else if (r.state === "open") note = gettext("left to agree one decision per team");
    setText(byId("pj-timer-note"), note);
    var key = r ? r.number + ":" + r.state : "";
    if (r && r.state === "open") {
      var at = Date.now() + r.remaining_seconds * 1000;
      // A poll's latency would nudge the count by a fraction of a second: keep the running count unless
      // the server's differs by more than a second (extend, pause, resume) or the round changed.
      if (key !== timerKey || deadlineAt === null || Math.abs(at - deadlineAt) > 1000) deadlineAt = at;
    } else {
      deadlineAt = null;
      setText(byId("pj-timer"), r && r.state === "paused" ? seconds(r.remaining_seconds) :
        r && r.state === "closing" ? "0:00" : "--:--");
    }
    timerKey = key;
    show(byId("pj-timer"), phase !== "finished");
    tick();
  }

  function tick() {
    if (deadlineAt !== null) setText(byId("pj-timer"), seconds((deadlineAt - Date.now()) / 1000));
  }
  setInterval(tick, 250);

  function renderDisruptions(s) {
    var list = s.disruptions || [];
    show(byId("pj-disruptions"), s.session.state === "running");
    return setHtml(byId("pj-disruption-list"), list.length ? '<ul class="pj-disruption-items">' + list.map(function (d) {
      return '<li class="pj-disruption" data-id="' + d.id + '"><h3>' + esc(d.title) + "</h3><p>" + esc(d.description) +
        '</p><p class="pj-detail">' + esc(d.when) + " · " + esc(d.teams) + "</p></li>";
    }).join("") + "</ul>" : '<p class="pj-empty">' + esc(gettext("None announced this round.")) + "</p>");
  }

  function renderReveal(s) {
    var v = s.reveal;
    show(byId("pj-reveal"), !!v);
    root.classList.toggle("pj-reveal-fresh", !!(v && v.fresh));
    if (!v) return false;
    setText(byId("pj-reveal-title"), s.session.state === "finished" ? gettext("Final round") : gettext("Last round"));
    return setHtml(byId("pj-reveal-body"), '<p class="pj-headline">' + esc(v.headline) + "</p>" +
      (v.lines.length ? "<ul>" + v.lines.map(function (l) { return "<li>" + esc(l) + "</li>"; }).join("") + "</ul>" : ""));
  }

  function renderBoard(s) {
    var rows = s.leaderboard;
    show(byId("pj-board"), rows !== null && rows !== undefined);
    if (!rows) return false;
    return setHtml(byId("pj-board-body"), rows.length ?
      '<table class="pj-table"><thead><tr>' + [gettext("Rank"), gettext("Team"), gettext("Scorecard"), gettext("Good units so far"),
        gettext("Aligned last round"), gettext("Forecast credibility")].map(function (h) { return '<th scope="col">' + esc(h) + "</th>"; }).join("") +
      "</tr></thead><tbody>" +
      rows.map(function (row) {
        return "<tr><td>" + row.rank + "</td><th scope=\"row\">" + esc(row.team) + "</th><td>" + score(row.scorecard) +
          "</td><td>" + units(row.cumulative_good_units) + "</td><td>" + esc(row.aligned ? gettext("yes") : gettext("no")) +
          "</td><td>" + score(row.credibility) + ' <span class="pj-lean">' + esc(row.forecast_lean) + "</span></td></tr>";
      }).join("") + "</tbody></table>" : '<p class="pj-empty">' + esc(gettext("The leaderboard fills when round 1 closes.")) + "</p>");
  }

  function render(s) {
    var phase = s.session.state;  // lobby | running | finished
    if (root.dataset.phase !== phase) root.dataset.phase = phase;
    root.classList.toggle("pj-with-board", s.leaderboard !== null && s.leaderboard !== undefined);
    setText(byId("pj-title"), s.session.name);
    setText(byId("pj-status"), s.status);
    show(byId("pj-join"), phase === "lobby");
    show(byId("pj-people"), phase === "lobby");
    show(byId("pj-main"), phase !== "lobby");
    show(byId("pj-side"), phase !== "lobby");
    show(byId("pj-join-line"), phase === "running" && s.session.joining_open);
    renderPeople(s);
    renderRound(s);
    renderDisruptions(s);
    renderReveal(s);
    renderBoard(s);
    fitAll();
  }

  function status(text, ok) {
    var el = byId("pj-conn");
    setText(el, text);
    el.classList.toggle("bad", !ok);
  }

  function poll() {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    fetch(stateUrl, { cache: "no-store", headers: { Accept: "application/json" },
                      signal: controller ? controller.signal : undefined })
      .then(function (res) {
        return res.json().then(function (body) { return { ok: res.ok, body: body }; });
      })
      .then(function (answer) {
        if (!answer.ok) throw new Error(answer.body.error ? answer.body.error.message : "error");
        failures = 0;
        status(gettext("Live"), true);
        render(answer.body);
      })
      .catch(function (err) {
        failures += 1;
        // One missed poll is a blip; after that the wall says it may be out of date (the timer keeps counting).
        if (failures > 1) status(say(gettext("Connection lost: reconnecting… (%(reason)s)"), { reason: err && err.message !== "error" &&
          err.name !== "AbortError" && err.name !== "TypeError" ? err.message : gettext("no answer") }), false);
      })
      .then(function () {
        if (timer) clearTimeout(timer);
        setTimeout(poll, failures > 1 ? Math.min(10000, pollMs * failures) : pollMs);
      });
  }

  render(JSON.parse(byId("projector-state").textContent));
  setTimeout(poll, pollMs);
})();
