// The facilitator console: live view of every team, and the round commands.
(function () {
  "use strict";
  var root = document.getElementById("console");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var ROLES = ["director", "finance", "engineering", "hr"];
  var ROLE_LABEL = { director: "Director", finance: "Finance", engineering: "Engineering", hr: "HR" };
  var state = null;
  var deadlineAt = null;
  var esc = window.labEscape;

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
      case "package.updated": team(e.team_id).package = e.package; break;
      case "round.changed": state.round = e.round; break;
      case "round.results": state.leaderboard = e.leaderboard; state.history = e.history; break;
      case "disruption.injected": state.disruptions.push(e.disruption); break;
      case "team.changed": team(e.team_id).members = e.team.members; break;
      case "presence.changed":
        team(e.team_id).members.forEach(function (m) {
          if (m.id === e.participant_id) { m.connected = e.connected; m.last_seen_at = e.last_seen_at; }
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
    return ' <span class="cover-offer" role="group" aria-label="Cover ' + esc(m.name) + "'s roles\">away: cover " +
      m.roles.map(function (r) {
        return '<button type="button" data-cover-team="' + t.number + '" data-role="' + r + '" data-by="teammate">' + ROLE_LABEL[r] +
          " by a teammate</button> <button type=\"button\" data-cover-team=\"" + t.number + '" data-role="' + r + '" data-by="bot">' +
          ROLE_LABEL[r] + " by a bot</button>";
      }).join(" ") + "</span>";
  }

  // Connected; reconnecting (gone under two minutes: Wi-Fi drops); or gone for N minutes.
  function presenceText(m) {
    if (m.bot) return "bot";
    if (m.connected) return "connected";
    if (!m.last_seen_at) return "not connected yet";
    var minutes = Math.floor((Date.now() - Date.parse(m.last_seen_at)) / 60000);
    return minutes < 2 ? "reconnecting…" : "gone for " + minutes + " min";
  }
  setInterval(function () { if (state) render(); }, 30000);  // keep "gone for N min" current

  // Arrange teams by hand: move a person, or give them a role (the lab keeps every role covered).
  function arrangeBox(t) {
    if (s_finished()) return "";
    var open = openArrange[t.id] ? " open" : "";
    return '<details class="arrange" data-team-id="' + t.id + '"' + open + "><summary>Arrange</summary>" + t.members.map(function (m) {
      var teams = state.teams.filter(function (o) { return o.id !== t.id; }).map(function (o) {
        return '<option value="' + o.number + '">to ' + esc(o.name) + "</option>"; }).join("");
      var roles = ROLES.filter(function (r) { return m.roles.indexOf(r) < 0; }).map(function (r) {
        return '<option value="' + r + '">make ' + ROLE_LABEL[r] + "</option>"; }).join("");
      return '<div class="row arrange-row" data-key="arrange-' + m.id + '"><span>' + esc(m.name) + '</span><select data-move="' + m.id + '" aria-label="Move ' + esc(m.name) +
        '"><option value="" selected>move…</option>' + teams + '<option value="new">to a new team</option></select><select data-role-for="' + m.id +
        '" aria-label="Give ' + esc(m.name) + ' a role"><option value="" selected>role…</option>' + roles + "</select></div>";
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
    var label = s.state === "lobby" ? "Lobby: waiting for people" : s.state === "finished" ? "Session finished" :
      "Round " + r.number + " of " + r.total + " · " + r.state;
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
          (ok ? ' <span aria-hidden="true">✓</span><span class="visually-hidden"> approved</span>' : '<span class="visually-hidden"> not yet approved</span>') + "</span>";
      }).join(" ");
      return '<div class="team-card ' + (p && p.aligned ? "aligned" : "") + '" data-key="team-' + t.id + '" data-team="' + t.number + '"><h3>' + esc(t.name) +
        (p ? ' <small class="muted">v' + p.version + "</small>" : "") + (p && p.aligned ? ' <span class="ok"><span aria-hidden="true">✓</span> aligned</span>' : "") + "</h3>" +
        '<ul class="people">' + t.members.map(function (m) {
          return '<li class="' + (m.connected ? "on" : "off") + '" data-key="member-' + m.id + '" data-participant="' + m.id + '">' + esc(m.name) + " <small>" +
            m.roles.map(function (x) { return ROLE_LABEL[x]; }).join(", ") + '</small> <small class="presence">' + presenceText(m) +
            '</small> <small class="muted">rejoin code <span class="mono">' + esc(m.rejoin_code || "") + "</span></small>" +
            coverOffer(t, m) + "</li>";
        }).join("") + "</ul><div>" + approvals + "</div>" + arrangeBox(t) + "</div>";
    }).join("") || '<p class="muted">Nobody has joined yet.</p>');
    document.getElementById("people-count").textContent = "(" + people + " people)";
    renderDebrief();
    patch(document.querySelector("#leaderboard tbody"), (state.leaderboard || []).map(function (row, i) {
      return "<tr><td>" + (i + 1) + "</td><td>" + esc(row.team) + "</td><td>" + (row.scorecard == null ? "–" : row.scorecard.toFixed(1)) +
        "</td><td>" + Math.round(row.cumulative_good_units).toLocaleString() + "</td><td>" + Math.round(row.cash || 0).toLocaleString() +
        "</td><td>" + (row.aligned ? "yes" : "no") + "</td></tr>";
    }).join(""));
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
    var labels = []; for (var i = 1; i <= maxRound; i++) labels.push("R" + i);
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
        return "<li><b>" + esc(m.title) + "</b> (rounds " + m.rounds.join(", ") + "): " + esc(m.evidence) + "</li>"; }).join("") + "</ul></div>";
    }).join("") || '<p class="muted">Mistakes the plant reveals show here after the rounds that reveal them.</p>');
    patch(document.getElementById("disruptions"), (state.disruptions || []).map(function (d) {
      return '<li data-kind="' + esc(d.kind) + '">Round ' + d.round + ": <b>" + esc(d.kind.replace(/_/g, " ")) + "</b> × " + d.magnitude +
        ", day " + (d.start_day + 1) + " for " + d.duration_days + " d, teams: " + (d.teams === "all" ? "all" : d.teams.join(", ")) +
        (d.announced ? "" : " (surprise)") + "</li>";
    }).join(""));
    var boxes = document.getElementById("inject-teams");
    var checked = {};
    boxes.querySelectorAll("input").forEach(function (i) { checked[i.value] = i.checked; });
    patch(boxes, '<span class="muted">Teams (none ticked = all):</span> ' + state.teams.map(function (t) {
      return '<label class="check"><input type="checkbox" value="' + t.id + '"' + (checked[t.id] ? " checked" : "") + "> " + esc(t.name) + "</label>";
    }).join(" "));
  }

  var form = document.getElementById("inject-form");
  function showKindHelp() {
    var opt = form.kind.options[form.kind.selectedIndex];
    var range = opt.dataset.range.split(",");
    form.magnitude.min = range[0]; form.magnitude.max = range[1];
    document.getElementById("inject-help").textContent = "Magnitude: " + opt.title;
  }
  form.kind.addEventListener("change", showKindHelp);
  showKindHelp();
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var targets = form.targets.value.split(/[ ,;]+/).filter(Boolean).map(function (x) { return Number(x) - 1; });
    var teams = Array.prototype.filter.call(document.querySelectorAll("#inject-teams input"), function (i) { return i.checked; })
      .map(function (i) { return Number(i.value); });
    post("inject", { disruption: { kind: form.kind.value, magnitude: Number(form.magnitude.value),
      start_day: Number(form.start_day.value) - 1, duration_days: Number(form.duration_days.value), targets: targets },
      teams: teams, announce: form.announce.checked });
  });

  function post(cmd, body) {
    return fetch(root.dataset.commands + cmd + "/", {
      method: "POST", headers: { "X-CSRFToken": csrf, "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (res) { return res.json(); }).then(function (data) {
      var atField = showFieldError(data.error);
      showError(data.error && !atField ? data.error.message : null);
    }).catch(function () { showError("The server did not answer; check the connection and try again."); })
      .then(function () { if (state) render(); });
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

  // An error about a control's field (extend's minutes) shows beside that field, which is marked invalid.
  function showFieldError(error) {
    var shown = false;
    root.querySelectorAll("[data-error-for]").forEach(function (el) {
      var mine = !!error && error.field === el.dataset.errorFor;
      el.hidden = !mine; el.textContent = mine ? error.message : "";
      document.getElementById(el.dataset.input).setAttribute("aria-invalid", mine ? "true" : "false");
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
