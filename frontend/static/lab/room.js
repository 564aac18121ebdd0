// The team room: renders the snapshot, patches it with events, sends edits/approvals/chat.
(function () {
  "use strict";
  var root = document.getElementById("room");
  var SPECS = JSON.parse(document.getElementById("lever-specs").textContent);
  var ROLES = JSON.parse(document.getElementById("role-list").textContent);
  var DASHBOARDS = JSON.parse(document.getElementById("dashboards").textContent);
  var ROLE_LABEL = { director: "Director", finance: "Finance", engineering: "Engineering", hr: "HR" };
  var state = null;
  var deadlineAt = null;
  var chart = null;
  var builtFor = null;
  var esc = window.labEscape;

  var socket = new LabSocket(root.dataset.ws, {
    onState: function (s) { state = s; renderAll(); },
    onEvent: applyEvent,
    onAck: function (msg) {
      showError(null);
      if (!state) return;
      // The ack can beat its own package.updated event: take its package if it is newer, so the
      // form never flicks back to the old value in between.
      if (msg.package && state.package && msg.package.version > state.package.version) state.package = msg.package;
      renderPackage();  // clears "saving…"
    },
    onPreview: renderPreview,
    onError: function (e) {
      if (e.ref && e.ref.indexOf("preview-") === 0) { document.getElementById("preview").textContent = e.message; return; }
      showError(e); if (state) renderPackage(true);
    },
    onStatus: function (text, ok) {
      var el = document.getElementById("conn");
      el.textContent = text; el.className = "conn " + (ok ? "ok" : "bad");
      if (state) renderPackage();  // Approve waits for the connection
    },
    // The server will not let this browser in (4401: cookie missing or expired; 4409: the seat moved to
    // another device): to the join page, which says why, instead of retrying forever.
    onDenied: function (code) { location.href = root.dataset.joinUrl + "?lost=" + (code === 4409 ? "elsewhere" : "signin"); }
  }, "lab-outbox-" + root.dataset.code);

  function applyEvent(e) {
    if (!state) return;
    switch (e.type) {
      case "package.updated": state.package = e.package; renderPackage(); break;
      case "round.changed": state.round = e.round; renderRound(); renderPackage(); break;
      case "round.results":
        state.results = state.results.filter(function (r) { return r.round !== e.result.round; });
        state.results.push(e.result); state.stations = e.stations; renderResults(); break;
      case "team.changed": state.team.members = e.members; renderTeam(); break;
      case "presence.changed":
        state.team.members.forEach(function (m) { if (m.id === e.participant_id) m.connected = e.connected; });
        renderTeam(); break;
      case "chat.message": state.chat.push(e.message); renderChat(); break;
      case "session.changed": socket.resync(); break;
      case "disruption.announced": state.disruptions.push(e.disruption); renderNews(); break;
    }
  }

  function showError(e) {
    var el = document.getElementById("room-error");
    if (!e) { el.hidden = true; return; }
    el.hidden = false; el.textContent = e.message; el.dataset.code = e.code;
  }

  function myRoles() { return state ? state.you.roles : []; }
  // Before the start, seating gives the first person of a team every role until others join: provisional.
  function inLobby() { return !!state && state.session.state === "lobby"; }
  function roundOpen() { return state && state.round && state.round.state === "open"; }

  function renderAll() {
    document.getElementById("you").textContent = state.you.name;
    var lobby = inLobby();
    document.getElementById("your-roles").innerHTML = state.you.roles.map(function (r) {
      return '<span class="role role-' + r + (lobby ? " provisional" : "") + '">' + ROLE_LABEL[r] + "</span>";
    }).join(" ");
    document.getElementById("roles-provisional").hidden = !lobby;
    // Rebuild the lever form only when the roles change, so a resync never wipes what you are typing.
    var rolesKey = (lobby ? "lobby:" : "") + state.you.roles.join(",");
    if (builtFor !== rolesKey) { buildLevers(); builtFor = rolesKey; }
    renderTeam(); renderRound(); renderPackage(); renderResults(); renderChat(); renderNews();
  }

  function currentRound() { return state.round ? state.round.number : 0; }

  function renderNews() {
    var items = (state.disruptions || []).filter(function (d) { return d.round >= currentRound(); });
    document.getElementById("news").hidden = !items.length;
    document.getElementById("news-list").innerHTML = items.map(function (d) {
      return '<li data-kind="' + esc(d.kind) + '"><b>' + esc(d.kind.replace(/_/g, " ")) + "</b>: " + esc(d.description) +
        " From day " + (d.start_day + 1) + " for " + d.duration_days + " day(s).</li>";
    }).join("");
  }

  function dashboardTable(role, last, prev) {
    return '<table class="table dash" data-role="' + role + '"><tbody>' + DASHBOARDS[role].map(function (row) {
      var v = last ? last.kpis[row.kpi] : null, p = prev ? prev.kpis[row.kpi] : null, trend = "";
      if (typeof v === "number" && typeof p === "number" && row.better && v !== p) {
        var good = (v > p) === (row.better === "up");
        trend = ' <span class="' + (good ? "ok" : "bad") + '">' + (v > p ? "▲" : "▼") + "</span>";
      }
      if (row.kpi === "bottleneck_station" && typeof v === "number") v = "station " + v;
      return "<tr><td>" + esc(row.label) + '</td><td data-kpi="' + row.kpi + '">' + fmt(v, row.digits) + trend + "</td></tr>";
    }).join("") + "</tbody></table>";
  }

  function stationTable() {
    return '<table class="table stations"><thead><tr><th>Station</th><th>Rate (u/h)</th><th>Effective</th><th>Wear</th>' +
      "<th>PM backlog (h)</th><th>Expected failures next month</th></tr></thead><tbody>" + (state.stations || []).map(function (st) {
        return '<tr class="' + (st.bottleneck ? "bottleneck" : "") + '" data-station="' + st.station + '"><td>S' + st.station +
          (st.bottleneck ? " <b>bottleneck</b>" : "") + "</td><td>" + st.rate + "</td><td>" + st.effective_rate + "</td><td>" +
          Math.round(st.wear * 100) + "%</td><td>" + st.pm_backlog_hours + "</td><td>" + st.expected_failures_next_month + "</td></tr>";
      }).join("") + "</tbody></table>";
  }

  function renderDashboards() {
    var rs = state.results.slice().sort(function (a, b) { return a.round - b.round; });
    var last = rs[rs.length - 1], prev = rs[rs.length - 2];
    document.getElementById("dashboard-card").hidden = !last;  // nothing to show before round 1 closes
    document.getElementById("dashboard-note").textContent = last ? "(after round " + last.round + ")" : "(after the first round)";
    document.getElementById("dashboard").innerHTML = myRoles().map(function (r) {
      return "<h3>" + ROLE_LABEL[r] + "</h3>" + dashboardTable(r, last, prev) + (r === "engineering" ? stationTable() : ""); }).join("");
    document.getElementById("other-dashboards").innerHTML = ROLES.filter(function (r) { return myRoles().indexOf(r) < 0; }).map(function (r) {
      return "<h3>" + ROLE_LABEL[r] + "</h3>" + dashboardTable(r, last, prev); }).join("") || '<p class="muted">You hold every role.</p>';
  }

  var PREVIEW_ROWS = [["good_units", "Good units", 0], ["throughput_strength", "Throughput strength", 2], ["oee_line", "OEE (line)", 2],
    ["unplanned_hours", "Unplanned downtime (h)", 1], ["cash", "Cash", 0], ["margin", "Margin", 3], ["scorecard", "Scorecard", 1]];

  function renderPreview(msg) {
    var box = document.getElementById("preview");
    var p = msg.preview;
    box.hidden = false;
    box.innerHTML = "<h3>Version " + p.version + ": next month over " + p.n_samples + " sampled futures</h3>" +
      '<table class="table"><thead><tr><th></th><th>pessimistic (10%)</th><th>typical</th><th>optimistic (90%)</th></tr></thead><tbody>' +
      PREVIEW_ROWS.filter(function (r) { return p.kpis[r[0]]; }).map(function (r) {
        var k = p.kpis[r[0]];
        return "<tr><td>" + r[1] + "</td><td>" + fmt(k.p10, r[2]) + "</td><td><b>" + fmt(k.p50, r[2]) + "</b></td><td>" + fmt(k.p90, r[2]) + "</td></tr>";
      }).join("") + "</tbody></table><p class='muted'>Delayed effects (fatigue, maintenance debt, ramp-ups) show up in later months, not here.</p>";
  }

  function renderTeam() {
    document.getElementById("team-name").textContent = state.team.name;
    var lobby = inLobby();
    document.getElementById("team-members").innerHTML = state.team.members.map(function (m) {
      var roles = lobby ? "role set at the start" : m.roles.map(function (r) { return ROLE_LABEL[r]; }).join(", ");
      return '<span class="member ' + (m.connected ? "on" : "off") + '" title="' + (m.connected ? "connected" : "offline") +
        '">' + esc(m.name) + " <small>" + roles + "</small></span>";
    }).join("");
  }

  function renderRound() {
    var r = state.round;
    var label = document.getElementById("round-label");
    var st = document.getElementById("round-state");
    if (!r) { label.textContent = "Waiting for the facilitator to start"; deadlineAt = null; st.textContent = ""; return; }
    label.textContent = "Round " + r.number + " of " + r.total;
    deadlineAt = r.state === "open" ? Date.now() + r.remaining_seconds * 1000 : null;
    var words = { open: "open: decide and approve", paused: "paused by the facilitator", closing: "closing: the plant is running the month…", closed: "closed" };
    st.textContent = words[r.state] || r.state;
    if (state.session.state === "finished") st.textContent = "The workshop has ended. Thank you!";
    if (r.state === "paused") document.getElementById("timer").textContent = labFormatSeconds(r.remaining_seconds);
    tick();
    renderNews();
  }

  function tick() {
    if (deadlineAt !== null) document.getElementById("timer").textContent = labFormatSeconds((deadlineAt - Date.now()) / 1000);
    else if (state && state.round && state.round.state !== "paused") document.getElementById("timer").textContent = "--:--";
  }
  setInterval(tick, 500);

  function fieldFor(spec) {
    var id = "lever-" + spec.name;
    if (spec.kind === "choice") {
      return '<select id="' + id + '" data-lever="' + spec.name + '">' + spec.choices.map(function (c) {
        return '<option value="' + esc(c) + '">' + esc(c) + "</option>"; }).join("") + "</select>";
    }
    if (spec.kind === "multichoice") {
      return '<div class="multi" id="' + id + '" data-lever="' + spec.name + '">' + spec.choices.map(function (c) {
        var label = spec.choice_labels ? spec.choice_labels[c] : c;
        return '<label class="check"><input type="checkbox" value="' + esc(c) + '"> <span class="rank"></span> ' + esc(label) + "</label>"; }).join("") + "</div>";
    }
    if (spec.kind === "int_list") {
      var cells = [];
      for (var i = 0; i < spec.length; i++) {
        var item = spec.item_labels ? spec.item_labels[i] : String(i + 1);
        cells.push('<label class="cell"><small>' + esc(item) + '</small><input type="number" aria-label="' + esc(spec.label) + " " + esc(item) + '" data-index="' + i + '" min="' + spec.min + '" max="' + spec.max + '" step="1"></label>');
      }
      return '<div class="int-list" id="' + id + '" data-lever="' + spec.name + '">' + cells.join("") + "</div>";
    }
    var step = spec.kind === "int" ? "1" : "any";
    return '<input type="number" id="' + id + '" data-lever="' + spec.name + '" min="' + spec.min + '" max="' + spec.max + '" step="' + step + '">';
  }

  function buildLevers() {
    var lobby = inLobby();
    var ordered = ROLES.filter(function (r) { return myRoles().indexOf(r) >= 0; })   // your own levers first
      .concat(ROLES.filter(function (r) { return myRoles().indexOf(r) < 0; }));
    if (lobby) ordered = ROLES;  // nobody's levers yet: roles are dealt at the start
    var html = ordered.map(function (role) {
      var mine = !lobby && myRoles().indexOf(role) >= 0;
      var rows = SPECS.filter(function (s) { return s.role === role; }).map(function (s) {
        var range = s.kind === "choice" || s.kind === "multichoice" ? "" : " <small class='muted'>" + s.min + "–" + s.max + " " + esc(s.unit || "") + "</small>";
        var help = mine && s.help ? '<small class="help">' + esc(s.help) + "</small>" : "";  // explain your own levers
        return '<div class="lever" data-row="' + s.name + '"><label for="lever-' + s.name + '" title="' + esc(s.help) + '">' + esc(s.label) + range +
          help + "</label>" + fieldFor(s) + '<span class="lever-status" id="status-' + s.name + '"></span></div>';
      }).join("");
      return '<fieldset class="role-levers ' + (mine ? "mine" : "theirs") + '"><legend>' + ROLE_LABEL[role] + (mine ? " (yours)" : "") + "</legend>" + rows + "</fieldset>";
    }).join("");
    var box = document.getElementById("levers");
    box.innerHTML = html;
    box.querySelectorAll("[data-lever]").forEach(function (el) {
      el.addEventListener("change", function () { sendEdit(el.dataset.lever); });
    });
  }

  function readValue(spec) {
    var el = document.getElementById("lever-" + spec.name);
    if (spec.kind === "multichoice") {
      // Order is priority: keep the current order, drop what was unticked, add the newly ticked last.
      var ticked = Array.prototype.filter.call(el.querySelectorAll("input"), function (i) { return i.checked; }).map(function (i) { return i.value; });
      var current = (state.package && state.package.levers[spec.name]) || [];
      return current.filter(function (c) { return ticked.indexOf(c) >= 0; })
        .concat(ticked.filter(function (c) { return current.indexOf(c) < 0; }));
    }
    if (spec.kind === "int_list") {
      return Array.prototype.map.call(el.querySelectorAll("input"), function (i) { return i.value === "" ? null : Number(i.value); });
    }
    if (spec.kind === "choice") return el.value;
    if (el.value === "") return null;
    return Number(el.value);
  }

  function writeValue(spec, value) {
    var el = document.getElementById("lever-" + spec.name);
    if (spec.kind === "multichoice") {
      el.querySelectorAll("input").forEach(function (i) {
        var rank = (value || []).indexOf(i.value);
        i.checked = rank >= 0;
        i.parentNode.querySelector(".rank").textContent = rank >= 0 ? "#" + (rank + 1) : "";
      });
    } else if (spec.kind === "int_list") {
      el.querySelectorAll("input").forEach(function (i, k) { i.value = value ? value[k] : ""; });
    } else {
      el.value = value;
    }
  }

  function sendEdit(name) {
    var spec = SPECS.filter(function (s) { return s.name === name; })[0];
    socket.send({ type: "package.edit", lever: name, value: readValue(spec), base_version: state.package.version });
    document.getElementById("status-" + name).textContent = "saving…";
  }

  function renderPackage(force) {
    var p = state.package;
    var editable = roundOpen() && p && !p.aligned;
    document.getElementById("package-version").textContent = p ? "version " + p.version : "";
    var pendingLevers = socket.pending(function (m) { return m.type === "package.edit"; }).map(function (m) { return m.lever; });
    SPECS.forEach(function (spec) {
      var mine = myRoles().indexOf(spec.role) >= 0;
      var el = document.getElementById("lever-" + spec.name);
      if (!el) return;
      var inputs = el.tagName === "DIV" ? el.querySelectorAll("input") : [el];
      Array.prototype.forEach.call(inputs, function (i) { i.disabled = !(mine && editable); });
      var pending = pendingLevers.indexOf(spec.name) >= 0;
      var focused = el.contains(document.activeElement);
      // Never overwrite a number being typed; ticks are safe to refresh (they carry the ranks).
      if (p && (force || (!pending && (!focused || spec.kind === "multichoice")))) writeValue(spec, p.levers[spec.name]);
      var status = document.getElementById("status-" + spec.name);
      status.textContent = pending ? "saving…" : (p && p.changed_lever === spec.name && p.author ? "changed by " + p.author : "");
    });
    var list = document.getElementById("approvals");
    list.innerHTML = ROLES.map(function (r) {
      var a = p && p.approvals[r];
      return '<li class="' + (a ? "yes" : "no") + '" data-role="' + r + '">' + ROLE_LABEL[r] + ": " + (a ? "approved by " + esc(a.name) : "not yet") + "</li>";
    }).join("");
    var mineAll = p && myRoles().every(function (r) { return p.approvals[r]; });
    var btn = document.getElementById("approve");
    btn.disabled = !editable || mineAll || !socket.online;
    // Why it is disabled, for a pointer (title) and a screen reader (the banner describes it).
    if (!socket.online) { btn.title = "Offline: you can approve once the connection is back"; btn.setAttribute("aria-describedby", "offline-banner"); }
    else { btn.removeAttribute("title"); btn.removeAttribute("aria-describedby"); }
    btn.textContent = mineAll && p && !p.aligned ? "You approved version " + p.version : "Approve version " + (p ? p.version : "");
    document.getElementById("aligned").hidden = !(p && p.aligned);
    renderCuts(p);
    document.getElementById("preview-btn").disabled = !p || !state.round || ["open", "paused"].indexOf(state.round.state) < 0;
  }

  // What the plant will not do because a finance envelope is short (the server works it out).
  function renderCuts(p) {
    var cuts = (p && p.cuts) || [];
    document.getElementById("cuts").hidden = !cuts.length;
    document.getElementById("cuts-list").innerHTML = cuts.map(function (c) {
      var spec = SPECS.filter(function (s) { return s.name === c.envelope; })[0];
      return '<li data-envelope="' + esc(c.envelope) + '"><b>' + esc(spec ? spec.label : c.envelope) + "</b>: the plan needs " +
        fmt(c.planned, 0) + ", the envelope is " + fmt(c.cap, 0) + " (short by " + fmt(c.shortfall, 0) + "). " + esc(c.cut) +
        ". " + esc(ROLE_LABEL[c.role] || c.role) + " can raise it.</li>";
    }).join("");
  }

  document.getElementById("preview-btn").addEventListener("click", function () {
    socket.raw({ type: "package.preview", id: "preview-" + Date.now(), version: state.package.version });
    document.getElementById("preview").hidden = false;
    document.getElementById("preview").textContent = "Running the plant forward…";
  });

  document.getElementById("approve").addEventListener("click", function () {
    socket.send({ type: "package.approve", version: state.package.version });
  });

  document.getElementById("chat-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = document.getElementById("chat-text");
    if (!input.value.trim()) return;
    socket.send({ type: "chat.send", text: input.value });
    input.value = "";
  });

  function renderChat() {
    var log = document.getElementById("chat-log");
    log.innerHTML = state.chat.map(function (m) {
      return '<div class="chat-line"><b>' + esc(m.name) + "</b> <small class='muted'>" + esc(m.role) + "</small> " + esc(m.text) + "</div>";
    }).join("");
    log.scrollTop = log.scrollHeight;
  }

  var KPI_ROWS = [
    ["good_units", "Good units shipped", 0], ["demand", "Demand", 0], ["throughput_strength", "Throughput strength", 2],
    ["oee_line", "OEE (line)", 2], ["first_pass_yield", "First-pass yield", 3], ["unplanned_hours", "Unplanned downtime (h)", 1],
    ["maintenance_backlog", "Maintenance backlog (h)", 0], ["fatigue", "Fatigue", 2], ["cash", "Cash", 0],
    ["margin", "Margin", 3], ["operational_risk", "Operational risk (% of a month's contribution)", 1], ["scorecard", "Balanced scorecard", 1]
  ];

  function fmt(v, digits) {
    if (typeof v !== "number") return v == null ? "–" : esc(v);
    return v.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function renderResults() {
    renderDashboards();
    var card = document.getElementById("results-card");
    if (!state.results.length) { card.hidden = true; return; }
    card.hidden = false;
    var rs = state.results.slice().sort(function (a, b) { return a.round - b.round; });
    var head = "<tr><th>KPI</th>" + rs.map(function (r) { return "<th>Round " + r.round + (r.aligned ? "" : " <small>(not aligned)</small>") + "</th>"; }).join("") + "</tr>";
    var body = KPI_ROWS.map(function (row) {
      return "<tr><td>" + row[1] + "</td>" + rs.map(function (r) { return '<td data-kpi="' + row[0] + '">' + fmt(r.kpis[row[0]], row[2]) + "</td>"; }).join("") + "</tr>";
    }).join("");
    var hits = rs[rs.length - 1].disruptions || [];
    var hitText = hits.length ? "<h3>What hit the plant in round " + rs[rs.length - 1].round + "</h3><ul>" + hits.map(function (d) {
      return "<li>" + esc(d.kind.replace(/_/g, " ")) + ": " + esc(d.description) + "</li>"; }).join("") + "</ul>" : "";
    var mistakes = rs[rs.length - 1].mistakes || [];
    var warn = mistakes.length ? "<h3>What the plant is telling you</h3><ul>" + mistakes.map(function (m) {
      return "<li><b>" + esc(m.title) + "</b>: " + esc(m.evidence) + "</li>"; }).join("") + "</ul>" : "";
    document.getElementById("results").innerHTML = '<table class="table" id="results-table"><thead>' + head + "</thead><tbody>" + body + "</tbody></table>" + hitText + warn;
    if (!window.Chart) return;
    var labels = rs.map(function (r) { return "R" + r.round; });
    var data = {
      labels: labels,
      datasets: [
        { label: "Good units", data: rs.map(function (r) { return r.kpis.good_units; }), yAxisID: "y" },
        { label: "Demand", data: rs.map(function (r) { return r.kpis.demand; }), yAxisID: "y" },
        { label: "Scorecard", data: rs.map(function (r) { return r.kpis.scorecard; }), yAxisID: "y1" }
      ]
    };
    if (chart) { chart.data = data; chart.update(); return; }
    chart = new Chart(document.getElementById("results-chart"), {
      type: "line", data: data,
      options: { animation: false, scales: { y: { beginAtZero: true }, y1: { position: "right", min: 0, max: 100 } } }
    });
  }
})();
