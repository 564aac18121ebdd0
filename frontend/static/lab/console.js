// The facilitator console: live view of every team, and the round commands.
(function () {
  "use strict";
  var root = document.getElementById("console");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var ROLES = ["director", "finance", "engineering", "hr"];
  var ROLE_LABEL = { director: gettext("Director"), finance: gettext("Finance"), engineering: gettext("Engineering"), hr: gettext("HR") };
  var ROUND_WORDS = { open: gettext("open"), paused: gettext("paused"), closing: gettext("closing"), closed: gettext("closed") };
  var state = null;
  var deadlineAt = null;
  var esc = window.labEscape;
  function say(text, params) { return interpolate(text, params, true); }  // gettext's named placeholders
  // A figure in the console's language (<html lang>), as format.js writes them (this page does not load it).
  function num(v, digits) {
    if (window.LabFormat) return window.LabFormat.number(v, digits);
    return new Intl.NumberFormat(document.documentElement.lang || "en", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
  }

  var socket = new LabSocket(root.dataset.ws, {
    onState: function (s) {
      state = s;
      if (s.session) { coverForm.mode.value = s.session.cover_mode; coverForm.after.value = s.session.cover_after_seconds; }
      render();
    },
    onEvent: applyEvent,
    onError: function (e) { showError(e.message); },
    onStatus: function (text, ok) {
      var el = document.getElementById("conn"); el.textContent = text; el.className = "conn " + (ok ? "ok" : "bad");
    },
    // Logged out (4401) or not this session's facilitator (4403): to the login page, then back here.
    onDenied: function (code) {
      location.href = root.dataset.loginUrl + "?denied=" + code + "&next=" + encodeURIComponent(location.pathname);
    }
  });

  function team(id) { return state.teams.filter(function (t) { return t.id === id; })[0]; }

  // Sections are built as escaped HTML strings, then morphed into the page (morphdom): nodes that did
  // not change stay as they are, so an event from another team does not take away the facilitator's
  // focus, caret, open select or scroll. Keys (id, or data-key) keep a team's or person's nodes with
  // them when the list above them changes.
  var FIELDS = { INPUT: true, SELECT: true, TEXTAREA: true };
  function nodeKey(node) {
    return node.nodeType === 1 ? node.id || node.getAttribute("data-key") || undefined : undefined;
  }
  function patch(el, html) {
    var tag = el.tagName.toLowerCase();  // wrapped in its own tag, so <tr> and <li> parse in context
    morphdom(el, "<" + tag + ">" + html + "</" + tag + ">", {
      childrenOnly: true,
      getNodeKey: nodeKey,
      onBeforeElUpdated: function (from, to) {
        if (from === document.activeElement && FIELDS[from.tagName]) return false;  // in use: left alone
        return !from.isEqualNode(to);
      }
    });
  }

  // Team events carry that team's own counter (team_seq); session events carry seq (socket.js).
  function teamEventInOrder(e) {
    var t = team(e.team_id);
    if (!t) { socket.resync(); return false; }       // a team we have not seen yet
    if (e.team_seq <= t.console_seq) return false;    // already in our snapshot
    if (e.team_seq > t.console_seq + 1) { socket.resync(); return false; }  // we missed one
    t.console_seq = e.team_seq;
    return true;
  }

  function applyEvent(e) {
    if (!state) return;
    if (typeof e.team_seq === "number" && !teamEventInOrder(e)) return;
    switch (e.type) {
      case "packages.changed":  // coalesced: each listed team's package summary (version, aligned, approvals)
        e.teams.forEach(function (c) {
          var t = team(c.team_id);
          if (!t) { socket.resync(); return; }  // a team we have not seen yet
          t.package = Object.assign({}, t.package, c.package);
        });
        break;
      case "round.changed": state.round = e.round; break;
      case "round.results":
        state.leaderboard = e.leaderboard; state.history = e.history;
        if (e.disruptions) state.disruptions = e.disruptions;  // this round's have landed
        break;
      case "disruption.injected": case "disruption.changed": disruptionPut(e.disruption); break;
      case "team.changed": team(e.team_id).members = e.team.members; break;
      case "presence.changed":  // per team, every member whose presence changed since the last one (docs/protocol.md)
        (e.teams || [{team_id: e.team_id, changes: [e]}]).forEach(function (p) {
          var t = team(p.team_id);
          if (!t) { socket.resync(); return; }  // a team we have not seen yet
          p.changes.forEach(function (c) {
            t.members.forEach(function (m) {
              if (m.id === c.participant_id) { m.connected = c.connected; m.last_seen_at = c.last_seen_at; }
            });
          });
        });
        break;
      case "session.changed": socket.resync(); return;
    }
    render();
  }

  // A role whose holder has been away past the hold time, in an open round: offer to cover it.
  function coverOffer(t, m) {
    var hold = (state.session && state.session.cover_after_seconds) || 120;
    if (m.connected || m.bot || !state.round || state.round.state !== "open" || !m.roles.length) return "";
    var since = Date.parse(m.last_seen_at || "") || 0;
    if (since && Date.now() - since < hold * 1000) return "";
    return ' <span class="cover-offer" role="group" aria-label="' + esc(say(gettext("Cover %(name)s's roles"), { name: m.name })) + '">' +
      esc(gettext("away: cover")) + " " + m.roles.map(function (r) {
        return '<button type="button" data-cover-team="' + t.number + '" data-role="' + r + '" data-by="teammate">' +
          esc(say(gettext("%(role)s by a teammate"), { role: ROLE_LABEL[r] })) + "</button> " +
          '<button type="button" data-cover-team="' + t.number + '" data-role="' + r + '" data-by="bot">' +
          esc(say(gettext("%(role)s by a bot"), { role: ROLE_LABEL[r] })) + "</button>";
      }).join(" ") + "</span>";
  }

  // Connected; reconnecting (gone under two minutes: Wi-Fi drops); or gone for N minutes.
  function presenceText(m) {
    if (m.bot) return gettext("bot");
    if (m.connected) return gettext("connected");
    if (!m.last_seen_at) return gettext("not connected yet");
    var minutes = Math.floor((Date.now() - Date.parse(m.last_seen_at)) / 60000);
    return minutes < 2 ? gettext("reconnecting…") : say(gettext("gone for %(n)s min"), { n: minutes });
  }
  setInterval(function () { if (state) render(); }, 30000);  // keep "gone for N min" current

  // Arrange teams by hand: move a person, or give them a role (the lab keeps every role covered).
  function arrangeBox(t) {
    if (s_finished()) return "";
    var open = openArrange[t.id] ? " open" : "";
    return '<details class="arrange" data-team-id="' + t.id + '"' + open + "><summary>" + esc(gettext("Arrange")) + "</summary>" + t.members.map(function (m) {
      var teams = state.teams.filter(function (o) { return o.id !== t.id; }).map(function (o) {
        return '<option value="' + o.number + '">' + esc(say(gettext("to %(team)s"), { team: o.name })) + "</option>"; }).join("");
      var roles = ROLES.filter(function (r) { return m.roles.indexOf(r) < 0; }).map(function (r) {
        return '<option value="' + r + '">' + esc(say(gettext("make %(role)s"), { role: ROLE_LABEL[r] })) + "</option>"; }).join("");
      return '<div class="row arrange-row" data-key="arrange-' + m.id + '"><span>' + esc(m.name) + '</span><select data-move="' + m.id + '" aria-label="' +
        esc(say(gettext("Move %(name)s"), { name: m.name })) + '"><option value="" selected>' + esc(gettext("move…")) + "</option>" + teams +
        '<option value="new">' + esc(gettext("to a new team")) + '</option></select><select data-role-for="' + m.id +
        '" aria-label="' + esc(say(gettext("Give %(name)s a role"), { name: m.name })) + '"><option value="" selected>' + esc(gettext("role…")) + "</option>" + roles + "</select></div>";
    }).join("") + "</details>";
  }
  var openArrange = {};
  function s_finished() { return state.session.state === "finished"; }

  document.getElementById("teams").addEventListener("toggle", function (ev) {
    if (ev.target.dataset && ev.target.dataset.teamId) openArrange[ev.target.dataset.teamId] = ev.target.open;
  }, true);
  // A select or input left alone while in use (patch) catches up as soon as the facilitator leaves it.
  document.getElementById("teams").addEventListener("focusout", function () { if (state) render(); });
  document.getElementById("teams").addEventListener("change", function (ev) {
    var el = ev.target;
    if (!el.value) return;
    if (el.dataset.move) post("seat", { participant: Number(el.dataset.move), team: el.value === "new" ? "new" : Number(el.value) });
    if (el.dataset.roleFor) post("role", { participant: Number(el.dataset.roleFor), role: el.value });
    el.value = "";  // a command, not a setting: back to "move…" / "role…" (the team card shows the outcome)
  });

  function showError(message) {
    var el = document.getElementById("console-error");
    el.hidden = !message; el.textContent = message || "";
  }

  function render() {
    var s = state.session, r = state.round;
    var label = s.state === "lobby" ? gettext("Lobby: waiting for people") : s.state === "finished" ? gettext("Session finished") :
      say(gettext("Round %(n)s of %(total)s"), { n: r.number, total: r.total }) + " · " + (ROUND_WORDS[r.state] || r.state);
    document.getElementById("round-label").textContent = label;
    deadlineAt = r && r.state === "open" ? Date.now() + r.remaining_seconds * 1000 : null;
    if (r && r.state === "paused") document.getElementById("timer").textContent = labFormatSeconds(r.remaining_seconds);
    if (!r || (r.state !== "open" && r.state !== "paused")) document.getElementById("timer").textContent = "--:--";
    tick();
    var enabled = {
      start: s.state === "lobby", pause: !!r && r.state === "open", resume: !!r && r.state === "paused",
      extend: !!r && (r.state === "open" || r.state === "paused"), advance: !!r && (r.state === "open" || r.state === "paused"),
      bots: s.state === "lobby",
      end: s.state !== "finished" && !s.ending, archive: s.state !== "running" && !s.archived, unarchive: !!s.archived
    };
    root.querySelectorAll("button[data-cmd]").forEach(function (b) { b.disabled = !enabled[b.dataset.cmd]; });
    root.querySelector("button[data-cmd=archive]").hidden = !!s.archived;
    root.querySelector("button[data-cmd=unarchive]").hidden = !s.archived;
    var people = 0;
    patch(document.getElementById("teams"), state.teams.map(function (t) {
      people += t.members.length;
      var p = t.package;
      var approvals = ROLES.map(function (role) {
        var ok = p && p.approvals[role];
        // Approved or not in words too, not by colour alone.
        return '<span class="badge ' + (ok ? "yes" : "no") + '" data-role="' + role + '">' + ROLE_LABEL[role] +
          (ok ? ' <span aria-hidden="true">✓</span><span class="visually-hidden"> ' + esc(gettext("approved")) + "</span>"
          : '<span class="visually-hidden"> ' + esc(gettext("not yet approved")) + "</span>") + "</span>";
      }).join(" ");
      return '<div class="team-card ' + (p && p.aligned ? "aligned" : "") + '" data-key="team-' + t.id + '" data-team="' + t.number + '"><h3>' + esc(t.name) +
        (p ? ' <small class="muted">v' + p.version + "</small>" : "") + (p && p.aligned ? ' <span class="ok"><span aria-hidden="true">✓</span> ' + esc(gettext("aligned")) + "</span>" : "") + "</h3>" +
        '<ul class="people">' + t.members.map(function (m) {
          return '<li class="' + (m.connected ? "on" : "off") + '" data-key="member-' + m.id + '" data-participant="' + m.id + '">' + esc(m.name) + " <small>" +
            m.roles.map(function (x) { return ROLE_LABEL[x]; }).join(", ") + '</small> <small class="presence">' + presenceText(m) +
            '</small> <small class="muted">' + esc(gettext("rejoin code")) + ' <span class="mono">' + esc(m.rejoin_code || "") + "</span></small>" +
            coverOffer(t, m) + "</li>";
        }).join("") + "</ul><div>" + approvals + "</div>" + arrangeBox(t) + "</div>";
    }).join("") || '<p class="muted">' + esc(gettext("Nobody has joined yet.")) + "</p>");
    document.getElementById("people-count").textContent = say(gettext("(%(n)s people)"), { n: people });
    renderDebrief();
    renderDisruptions();
    patch(document.querySelector("#leaderboard tbody"), (state.leaderboard || []).map(function (row, i) {
      return "<tr><td>" + (i + 1) + "</td><td>" + esc(row.team) + "</td><td>" + (row.scorecard == null ? "–" : num(row.scorecard, 1)) +
        "</td><td>" + num(Math.round(row.cumulative_good_units), 0) + "</td><td>" + num(Math.round(row.cash || 0), 0) +
        "</td><td>" + esc(row.aligned ? gettext("yes") : gettext("no")) + "</td><td>" + esc(credibilityText(row.credibility)) + "</td></tr>";
    }).join(""));
  }

  // The team's forecasts so far (docs/model.md, "Credibility"): the score, and which way they leaned.
  function credibilityText(c) {
    if (!c || c.score === null || c.score === undefined) return "–";
    var lean = Math.abs(c.bias) < 0.05 ? gettext("unbiased") : say(c.bias > 0 ? gettext("%(n)s % optimistic") : gettext("%(n)s % pessimistic"), { n: num(Math.abs(c.bias), 1) });
    return say(ngettext("%(score)s (%(lean)s, %(n)s month)", "%(score)s (%(lean)s, %(n)s months)", c.rounds), { score: num(c.score, 1), lean: lean, n: c.rounds });
  }

  function tick() {
    if (deadlineAt !== null) document.getElementById("timer").textContent = labFormatSeconds((deadlineAt - Date.now()) / 1000);
  }
  setInterval(tick, 500);

  var chart = null;
  function renderDebrief() {
    var history = state.history || [];
    var maxRound = 0;
    history.forEach(function (t) { t.rounds.forEach(function (r) { maxRound = Math.max(maxRound, r.round); }); });
    var labels = []; for (var i = 1; i <= maxRound; i++) labels.push(say(gettext("R%(n)s"), { n: i }));
    var data = { labels: labels, datasets: history.map(function (t) {
      return { label: t.team, data: labels.map(function (_, k) {
        var r = t.rounds.filter(function (x) { return x.round === k + 1; })[0]; return r ? r.scorecard : null; }) };
    }) };
    if (window.Chart) {
      if (chart) { chart.data = data; chart.update(); }
      else chart = new Chart(document.getElementById("debrief-chart"), { type: "line", data: data,
        options: { animation: false, scales: { y: { min: 0, max: 100 } } } });
    }
    patch(document.getElementById("mistakes"), history.filter(function (t) { return t.mistakes.length; }).map(function (t) {
      return '<div class="team-mistakes" data-team="' + esc(t.team) + '"><h3>' + esc(t.team) + "</h3><ul>" + t.mistakes.map(function (m) {
        return "<li><b>" + esc(m.title) + "</b> " + esc(say(gettext("(rounds %(rounds)s)"), { rounds: m.rounds.join(", ") })) + ": " + esc(m.evidence) + "</li>"; }).join("") + "</ul></div>";
    }).join("") || '<p class="muted">' + esc(gettext("Mistakes the plant reveals show here after the rounds that reveal them.")) + "</p>");
  }

  // ---- disruptions: inject now or schedule for a later round and day, size them first, edit, cancel ----
  // The server judges every field (errors come back at the field); the form only gathers them. Rounds
  // offered: the one being played ("now") and every later one that has not opened.
  var form = document.getElementById("inject-form");
  var editing = null;       // the disruption being edited (its row), or null for a new one
  var chosenRound = null;   // the facilitator's pick in the Round select, kept across renders
  var STATE_WORDS = { scheduled: gettext("scheduled"), landed: gettext("landed"), cancelled: gettext("cancelled"),
    not_played: gettext("not played (the workshop ended first)") };

  function disruptionPut(d) {
    var list = state.disruptions = state.disruptions || [];
    var at = list.map(function (x) { return x.id; }).indexOf(d.id);
    if (at < 0) list.push(d); else list[at] = d;
    if (editing && editing.id === d.id) {
      editing = d.editable ? d : null;
      if (!editing) stopEditing(say(gettext("This disruption can no longer change (%(state)s)."), { state: STATE_WORDS[d.state] || d.state }));
    }
  }
  // The kind in words, in a sentence ("machine breakdown"), and as a label ("Machine breakdown").
  function kindWords(kind) { return window.labDisruptionKind(kind); }
  function kindLabel(kind) { var w = kindWords(kind); return w.charAt(0).toUpperCase() + w.slice(1); }
  function playingRound() {
    var r = state && state.round;
    return r && (r.state === "open" || r.state === "paused") ? r.number : null;
  }
  function firstRound() {
    var r = state && state.round;
    if (!r) return 1;
    return r.state === "open" || r.state === "paused" ? r.number : r.number + 1;
  }
  function inPlay(d) { return d.state === "scheduled" && d.round === playingRound(); }
  function pickedRound() { return form.round.value ? Number(form.round.value) : null; }
  function daysText(d) { return say(ngettext("%(n)s day", "%(n)s days", d), { n: d }); }
  function teamsText(d) {
    return d.teams === "all" ? gettext("every team") : say(ngettext("team %(teams)s", "teams %(teams)s", d.teams.length), { teams: d.teams.join(", ") });
  }

  function renderDisruptions() {
    var s = state.session, total = s.rounds, first = firstRound(), now = playingRound();
    var over = s.state === "finished" || first > total;
    if (chosenRound === null || chosenRound < first || chosenRound > total) chosenRound = editing ? editing.round : (now || first);
    var options = [];
    for (var n = first; n <= total; n++) {
      options.push('<option value="' + n + '"' + (n === chosenRound ? " selected" : "") + ">" +
        esc(n === now ? say(gettext("Now: round %(n)s (being played)"), { n: n }) : s.state === "lobby" && n === 1 ? say(gettext("Round %(n)s (the first)"), { n: n })
          : say(gettext("Round %(n)s"), { n: n })) + "</option>");
    }
    patch(form.round, options.join("") || '<option value="">' + esc(gettext("No round left")) + "</option>");
    var r = pickedRound();
    document.getElementById("inject-submit").textContent = editing ? gettext("Save changes") :
      r !== null && r === now ? gettext("Inject into this round") : say(gettext("Schedule for round %(n)s"), { n: r || "–" });
    document.getElementById("inject-announce-label").textContent = r !== null && r === now ?
      gettext("Announce to the teams now") : say(gettext("Announce to the teams when round %(n)s opens"), { n: r || "–" });
    form.querySelectorAll("button, select, input").forEach(function (el) { el.disabled = over; });
    var boxes = document.getElementById("inject-teams");
    var checked = {};
    boxes.querySelectorAll("input").forEach(function (i) { checked[i.value] = i.checked; });
    patch(boxes, state.teams.map(function (t) {
      return '<label class="check"><input type="checkbox" value="' + t.id + '"' + (checked[t.id] ? " checked" : "") + (over ? " disabled" : "") + "> " + esc(t.name) + "</label>";
    }).join(" ") || '<span class="muted">' + esc(gettext("No team yet.")) + "</span>");
    var rows = (state.disruptions || []).slice().sort(function (a, b) {
      return a.round - b.round || a.start_day - b.start_day || a.id - b.id; });
    patch(document.getElementById("disruptions"), rows.map(function (d) {
      var what = say(gettext("%(kind)s of round %(n)s"), { kind: kindLabel(d.kind), n: d.round });
      var word = inPlay(d) ? gettext("in play this round") : STATE_WORDS[d.state] || d.state;
      return '<li data-kind="' + esc(d.kind) + '" data-key="disruption-' + d.id + '" data-id="' + d.id + '" data-state="' + esc(d.state) + '" class="disruption-' + esc(d.state) + '">' +
        esc(say(gettext("Round %(round)s, from day %(day)s for %(days)s:"), { round: d.round, day: d.start_day + 1, days: daysText(d.duration_days) })) +
        " <b>" + esc(kindLabel(d.kind)) + "</b> × " + esc(magnitude(d.magnitude)) + ", " +
        esc(say(d.announced ? gettext("%(teams)s, announced") : gettext("%(teams)s, a surprise"), { teams: teamsText(d) })) + ' <span class="badge state">' + esc(word) + "</span>" +
        (d.editable ? ' <button type="button" data-edit="' + d.id + '">' + esc(gettext("Edit")) + '<span class="visually-hidden"> ' + esc(say(gettext("the %(what)s"), { what: what })) + "</span></button>" +
          ' <button type="button" class="warn" data-cancel="' + d.id + '">' + esc(gettext("Cancel")) + '<span class="visually-hidden"> ' + esc(say(gettext("the %(what)s"), { what: what })) + "</span></button>" : "") + "</li>";
    }).join("") || '<li class="muted">' + esc(gettext("None yet.")) + "</li>");
  }

  function magnitude(v) {  // as typed (0.5, 1.25), with the language's decimal mark
    return typeof v === "number" ? new Intl.NumberFormat(document.documentElement.lang || "en", { maximumFractionDigits: 6 }).format(v) : String(v);
  }

  function showKindHelp() {
    var opt = form.kind.options[form.kind.selectedIndex];
    var range = opt.dataset.range.split(",");
    form.magnitude.min = range[0]; form.magnitude.max = range[1];
    document.getElementById("inject-help").textContent = say(gettext("Magnitude: %(help)s"), { help: opt.title });
  }
  form.kind.addEventListener("change", showKindHelp);
  showKindHelp();

  function formBody() {
    var targets = form.targets.value.split(/[ ,;]+/).filter(Boolean).map(function (x) { return Number(x) - 1; });
    var teams = Array.prototype.filter.call(document.querySelectorAll("#inject-teams input"), function (i) { return i.checked; })
      .map(function (i) { return Number(i.value); });
    var num = function (v) { return v === "" ? null : Number(v); };
    var body = { disruption: { kind: form.kind.value, magnitude: num(form.magnitude.value),
      start_day: form.start_day.value === "" ? null : Number(form.start_day.value) - 1, duration_days: num(form.duration_days.value), targets: targets },
      teams: teams, announce: form.announce.checked, round: pickedRound() };
    if (editing) body.id = editing.id;
    return body;
  }

  // The impact shown belongs to the form as it was: any change makes it stale.
  var impactBox = document.getElementById("impact");
  function impactStale() {
    if (impactBox.hidden || impactBox.dataset.stale) return;
    impactBox.dataset.stale = "1";
    patch(impactBox, '<p class="muted">' + esc(gettext("The form has changed since: see the expected impact again.")) + "</p>");
  }
  form.addEventListener("input", impactStale);
  form.addEventListener("change", function (ev) {
    if (ev.target === form.round) { chosenRound = pickedRound(); render(); }
    impactStale();
  });
  function impactCell(c) { return "<td>" + esc(c.text) + "</td>"; }
  function renderImpact(a) {
    delete impactBox.dataset.stale;
    impactBox.hidden = false;
    patch(impactBox, '<h3 id="impact-title">' + esc(say(gettext("Expected impact: %(kind)s, round %(round)s"), { kind: kindLabel(a.disruption.kind), round: a.round })) + "</h3>" +
      '<p class="muted">' + esc(a.when) + ". " +
      // xgettext:no-javascript-format ("% t" is text, not a directive)
      esc(say(gettext("Each figure is the median of %(n)s sampled futures of the month, with the band in which 8 futures in 10 fall (10 % to 90 %). Without and with use the same futures, so the difference is the disruption's own."),
        { n: a.n_samples })) + "</p>" +
      a.teams.map(function (t) {
        return '<table class="table impact-table" data-team-id="' + t.team_id + '"><caption>' + esc(t.team) + " (" + esc(t.package) + ")</caption>" +
          '<thead><tr>' + [gettext("KPI"), gettext("Without"), gettext("With"), gettext("Difference")].map(function (h) { return '<th scope="col">' + esc(h) + "</th>"; }).join("") +
          "</tr></thead><tbody>" +
          t.kpis.map(function (k) {
            return '<tr data-kpi="' + esc(k.kpi) + '"><th scope="row">' + esc(k.label) + "</th>" + impactCell(k.without) + impactCell(k.with) + impactCell(k.difference) + "</tr>";
          }).join("") + "</tbody></table>";
      }).join(""));
  }
  document.getElementById("impact-btn").addEventListener("click", function () {
    var b = this;
    b.disabled = true;
    impactBox.hidden = false; delete impactBox.dataset.stale;
    patch(impactBox, '<p class="muted">' + esc(gettext("Running each team's month without and with it…")) + "</p>");
    post("disruption-impact", formBody()).then(function (a) {
      b.disabled = false;
      if (a && a.teams) renderImpact(a); else { impactBox.hidden = true; patch(impactBox, ""); }
    });
  });

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = formBody();
    post(editing ? "disruption-edit" : "inject", body).then(function (a) {
      if (!a || !a.ok) return;
      if (editing) stopEditing(); else { impactBox.hidden = true; patch(impactBox, ""); }
    });
  });

  function startEditing(d) {
    editing = d; chosenRound = d.round;
    form.kind.value = d.kind; showKindHelp();
    form.magnitude.value = d.magnitude; form.start_day.value = d.start_day + 1; form.duration_days.value = d.duration_days;
    form.targets.value = (d.targets || []).map(function (x) { return x + 1; }).join(", ");
    form.announce.checked = !!d.announced;
    document.querySelectorAll("#inject-teams input").forEach(function (i) { i.checked = (d.team_ids || []).indexOf(Number(i.value)) >= 0; });
    document.getElementById("inject-editing-text").textContent = say(gettext("Editing the %(kind)s of round %(round)s."), { kind: kindWords(d.kind), round: d.round });
    document.getElementById("inject-editing").hidden = false;
    impactBox.hidden = true; patch(impactBox, "");
    showFieldError(null, "disruption-edit");
    render();
    form.kind.focus();
  }
  function stopEditing(note) {
    editing = null;  // the round picked stays: the facilitator is likely planning that month
    var box = document.getElementById("inject-editing");
    box.hidden = !note;
    document.getElementById("inject-editing-text").textContent = note || "";
    if (state) render();
  }
  document.getElementById("inject-edit-stop").addEventListener("click", function () { stopEditing(); form.kind.focus(); });
  document.getElementById("disruptions").addEventListener("click", function (ev) {
    var b = ev.target.closest("button");
    if (!b) return;
    var id = Number(b.dataset.edit || b.dataset.cancel);
    var d = (state.disruptions || []).filter(function (x) { return x.id === id; })[0];
    if (!d) return;
    if (b.dataset.edit) { startEditing(d); return; }
    var question = { kind: kindWords(d.kind), round: d.round };
    if (!window.confirm(inPlay(d) && d.announced ? say(gettext("Cancel the %(kind)s of round %(round)s? It will not happen, and the teams are told it is off."), question)
        : say(gettext("Cancel the %(kind)s of round %(round)s? It will not happen."), question))) return;
    b.disabled = true;
    post("disruption-cancel", { id: id }).then(function (a) { if (a && a.ok && editing && editing.id === id) stopEditing(); });
  });

  // A command's answer (its JSON), after its error is shown: at its field when the answer names one.
  function post(cmd, body) {
    var answer = null;
    return fetch(root.dataset.commands + cmd + "/", {
      method: "POST", headers: { "X-CSRFToken": csrf, "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (res) { return res.json(); }).then(function (data) {
      answer = data;
      var atField = showFieldError(data.error, cmd);
      showError(data.error && !atField ? data.error.message : null);
    }).catch(function () { showError(gettext("The server did not answer; check the connection and try again.")); })
      .then(function () { if (state) render(); return answer; });
  }

  document.getElementById("teams").addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-cover-team]");
    if (!b) return;
    b.disabled = true;
    post("cover", { team: Number(b.dataset.coverTeam), role: b.dataset.role, by: b.dataset.by });
  });

  var coverForm = document.getElementById("cover-form");
  coverForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    post("cover-settings", { mode: coverForm.mode.value, after_seconds: Number(coverForm.after.value) });
  });

  // The projector view shows the live leaderboard only while this is ticked (it polls: no event needed).
  var boardBox = document.getElementById("projector-leaderboard");
  boardBox.addEventListener("change", function () {
    post("projector-settings", { show_leaderboard: boardBox.checked });
  });

  // An error about a control's field (extend's minutes, a disruption's magnitude) shows beside that field,
  // which is marked invalid; data-error-cmd, when given, names the commands whose errors go there.
  function showFieldError(error, cmd) {
    var shown = false;
    root.querySelectorAll("[data-error-for]").forEach(function (el) {
      var cmds = el.dataset.errorCmd ? el.dataset.errorCmd.split(" ") : null;
      var mine = !!error && error.field === el.dataset.errorFor && (!cmds || cmds.indexOf(cmd) >= 0);
      el.hidden = !mine; el.textContent = mine ? error.message : "";
      var input = el.dataset.input && document.getElementById(el.dataset.input);
      if (input) input.setAttribute("aria-invalid", mine ? "true" : "false");
      shown = shown || mine;
    });
    return shown;
  }

  root.querySelectorAll("button[data-cmd]").forEach(function (b) {
    b.addEventListener("click", function () {
      if (b.dataset.confirm && !window.confirm(b.dataset.confirm)) return;
      var body = {};
      if (b.dataset.cmd === "extend") {  // the server judges the number (whole minutes, 1 to 60)
        var minutes = document.getElementById("extend-minutes").value;
        body.minutes = minutes === "" ? null : Number(minutes);
      }
      if (b.dataset.teams) body.teams = Number(b.dataset.teams);
      if (b.dataset.cmd === "advance" && state && state.round) body.round = state.round.number;
      b.disabled = true;
      post(b.dataset.cmd, body);
    });
  });
})();
