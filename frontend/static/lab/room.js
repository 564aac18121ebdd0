// The team room: renders the snapshot, patches it with events, sends edits/approvals/chat.
// The server owns every rule: labels, units, limits, the package checks and what this seat may see
// all arrive from it; this file only shows them (and checks a typed number against the sent range).
(function () {
  "use strict";
  var root = document.getElementById("room");
  function json(id) { return JSON.parse(document.getElementById(id).textContent); }
  var SPECS = json("lever-specs"), ROLES = json("role-list"), ROLE_TITLE = json("role-titles");
  var DASHBOARDS = json("dashboards"), KPI = json("kpi-catalog");
  var F = window.LabFormat, esc = window.labEscape, patch = F.patch;
  var SPEC = {}; SPECS.forEach(function (s) { SPEC[s.name] = s; });
  var state = null, deadlineAt = null, chart = null, builtFor = null, announcedMinute = null;
  var fieldErrors = {};   // lever -> message from the server, shown at the field until the next edit
  var chatDrafts = {};    // chat message id -> text, put back in the box if the server refuses it
  // Approve pressed while your own edit was still on its way (a field left by clicking Approve): the
  // approval waits for it and goes for the version it makes, as long as nobody else changed the package.
  var approveAfterSave = null;  // {upTo: the highest version your pending edits can make}
  var storeKey = "lab-room-" + root.dataset.code + "-";

  function $(id) { return document.getElementById(id); }
  function say(text, params) { return interpolate(text, params, true); }  // gettext's named placeholders
  function kindText(kind) { return window.labDisruptionKind(kind); }
  function currency() { return state && state.session.currency || "EUR"; }
  function roleTitle(r) { return ROLE_TITLE[r] || r; }
  function announce(text) { var el = $("announce"); el.textContent = ""; setTimeout(function () { el.textContent = text; }, 50); }
  function remember(key, value) { try { localStorage.setItem(storeKey + key, value); } catch (e) { /* private mode */ } }
  function recall(key) { try { return localStorage.getItem(storeKey + key); } catch (e) { return null; } }

  var socket = new LabSocket(root.dataset.ws, {
    onState: function (s) { state = s; renderAll(); },
    onEvent: applyEvent,
    onAck: function (msg) {
      showError(null);
      if (msg.package && msg.package.changed_lever === "forecast") $("commitment-error").hidden = true;
      if (!state) return;
      // The ack can beat its own package.updated event: take its package if it is newer, so the
      // form never flicks back to the old value in between.
      if (msg.package && state.package && msg.package.version > state.package.version) state.package = msg.package;
      renderPackage();
    },
    onPreview: renderPreview,
    onError: function (e) {
      if (e.ref && e.ref.indexOf("preview-") === 0) { $("preview").textContent = e.message; return; }
      if (approveAfterSave && !(e.ref && chatDrafts[e.ref] !== undefined)) approveAfterSave = null;  // the edit did not go through: nothing to approve
      if (e.ref && chatDrafts[e.ref] !== undefined) {
        var box = $("chat-text");
        if (!box.value) box.value = chatDrafts[e.ref];
        delete chatDrafts[e.ref];
        $("chat-error").hidden = false; $("chat-error").textContent = e.message;
        return;
      }
      if (e.field && (e.field.indexOf("forecast") === 0 || e.field === "rationale" || e.field === "note")) {
        $("commitment-error").hidden = false; $("commitment-error").textContent = e.message;
        $("commitment-error").dataset.field = e.field; announce(e.message);
      }
      else if (e.field && SPEC[e.field]) { fieldErrors[e.field] = e.message; announce(e.message); }
      else showError(e);
      if (state) renderPackage(true);
    },
    onStatus: function (text, ok) {
      var el = $("conn");
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
      case "package.updated":
        state.package = e.package;
        state.log = (state.log || []).concat(e.log || []);
        (e.log || []).forEach(announceLog);
        renderPackage(); renderChanges(); break;
      case "round.changed":
        if (!state.round || e.round.number !== state.round.number) state.log = [];
        state.round = e.round; renderRound(); renderPackage(); renderChanges(); break;
      case "round.results":
        state.results = state.results.filter(function (r) { return r.round !== e.result.round; });
        state.results.push(e.result); state.reveal = e.reveal; state.plant = e.plant;
        if (e.credibility) state.credibility = e.credibility;
        renderResults(); renderReveal(true); break;
      case "team.changed": state.team.members = e.members; renderTeam(); break;
      case "presence.changed":  // every member whose presence changed since the last one (docs/protocol.md)
        (e.changes || [e]).forEach(function (c) {
          state.team.members.forEach(function (m) { if (m.id === c.participant_id) m.connected = c.connected; });
        });
        renderTeam(); break;
      case "chat.message": state.chat.push(e.message); renderChat(); break;
      case "session.changed": socket.resync(); break;
      case "disruption.announced": state.disruptions.push(e.disruption); renderNews(); announce(say(gettext("News from the plant: %(text)s"), { text: e.disruption.description })); break;
      case "disruption.changed":  // the facilitator changed news the team has: replaced where it stands
        state.disruptions = state.disruptions.map(function (d) { return d.id === e.disruption.id ? e.disruption : d; });
        renderNews(); announce(say(gettext("News from the plant changed: %(text)s"), { text: e.disruption.description })); break;
      case "disruption.cancelled":
        state.disruptions = state.disruptions.filter(function (d) { return d.id !== e.id; });
        renderNews(); announce(gettext("News from the plant withdrawn.")); break;
    }
  }

  function announceLog(entry) {
    if (entry.by === state.you.name) return;  // your own change: the field already shows it
    var who = { name: entry.by, role: roleTitle(entry.role), version: entry.version };
    if (entry.kind === "edit") announce(say(gettext("%(name)s (%(role)s) changed %(lever)s to %(value)s."),
      { name: entry.by, role: roleTitle(entry.role), lever: entry.label, value: leverText(entry.lever, entry.new) }));
    else if (entry.kind === "approve") announce(say(gettext("%(name)s approved version %(version)s for %(role)s."), who));
    else if (entry.kind === "reopen") announce(gettext("The director reopened the package: every role approves again."));
    else if (entry.kind === "commit") announce(say(gettext("%(name)s (Director) stated the team's forecast: every role approves again."), who));
    else if (entry.kind === "note") announce(say(gettext("%(name)s (%(role)s) wrote a line on their levers."), who));
  }

  function showError(e) {
    var el = $("room-error");
    if (!e) { el.hidden = true; return; }
    el.hidden = false; el.textContent = e.message; el.dataset.code = e.code;
  }

  function myRoles() { return state ? state.you.roles : []; }
  function mine(role) { return myRoles().indexOf(role) >= 0; }
  // Before the start, seating gives the first person of a team every role until others join: provisional.
  function inLobby() { return !!state && state.session.state === "lobby"; }
  function roundOpen() { return state && state.round && state.round.state === "open"; }
  function leverText(name, value) { return SPEC[name] ? F.leverText(value, SPEC[name], currency()) : String(value); }

  function renderAll() {
    var lobby = inLobby();
    $("you").textContent = state.you.name;
    patch($("your-roles"), state.you.roles.map(function (r) {
      return '<span class="role role-' + r + (lobby ? " provisional" : "") + '">' + esc(roleTitle(r)) + "</span>";
    }).join(" "));
    $("roles-provisional").hidden = !lobby;
    // Rebuild the lever forms only when the roles change, so a resync never wipes what you are typing.
    var rolesKey = (lobby ? "lobby:" : "") + state.you.roles.join(",");
    if (builtFor !== rolesKey) { buildLevers(); builtFor = rolesKey; }
    renderTeam(); renderRound(); renderPackage(); renderChanges(); renderResults(); renderChat(); renderNews();
    renderReveal(false); renderBrief(); renderStory();
  }

  // ---- the team's story, once the session has ended (game/debrief_story.py writes it) -----------------
  function renderStory() {
    var story = state.story, card = $("story-card");
    root.classList.toggle("has-story", !!story);
    card.hidden = !story;
    if (!story) return;
    patch($("story-body"), story.months.map(function (m) {
      return '<div class="story-round" data-round="' + m.round + '"><h3>' + esc(say(gettext("Month %(n)s"), { n: m.round })) + "</h3><p>" +
        m.sentences.map(function (s) { return '<span class="story-sentence" data-kind="' + esc(s.kind) + '">' + esc(s.text) + "</span>"; }).join(" ") +
        "</p></div>";
    }).join("") + (story.closing ? '<p class="story-closing" data-kind="' + esc(story.closing.kind) + '">' + esc(story.closing.text) + "</p>" : "") ||
      '<p class="muted">' + esc(gettext("No month was played.")) + "</p>");
  }
  $("story-print").addEventListener("click", function () { window.print(); });

  // ---- role brief -----------------------------------------------------------------------------------
  function renderBrief() {
    var briefs = state.briefs || [];
    $("brief-open").hidden = !briefs.length || inLobby();
    if (!briefs.length) return;
    // The gist in two paragraphs; levers, dashboards and the scorecard folded, so Approve stays near on a phone.
    patch($("brief-body"), '<h2 id="brief-title">' + say(ngettext("Your role: %(titles)s", "Your roles: %(titles)s", briefs.length),
      { titles: briefs.map(function (b) { return esc(b.title); }).join(", ") }) + "</h2>" +
      '<p class="muted">' + esc(briefs[0].scenario.title) + ": " + esc(briefs[0].scenario.about) + "</p>" +
      briefs.map(function (b) {
        return '<section class="brief-role">' + (briefs.length > 1 ? "<h3>" + esc(b.title) + "</h3>" : "") +
          "<p>" + esc(b.responsible_for) + " " + esc(b.your_role_in_it) + "</p>" +
          "<details><summary>" + esc(say(gettext("Your levers (%(n)s)"), { n: b.levers.length })) + "</summary><ul>" + b.levers.map(function (l) {
            return "<li><b>" + esc(l.label) + "</b> (" + esc(l.range) + "): " + esc(l.help) + "</li>"; }).join("") + "</ul></details>" +
          "<details><summary>" + esc(gettext("What you see first")) + "</summary><p>" + b.sees.map(esc).join(", ") + ". " + esc(b.others_see) + "</p></details></section>";
      }).join("") +
      "<details><summary>" + esc(gettext("What the team is judged by")) + "</summary><ul>" + briefs[0].judged_by.map(function (j) {
        return "<li><b>" + esc(j.label) + " (" + j.weight_percent + " %)</b>: " + esc(j.explain) + "</li>"; }).join("") + "</ul></details>");
    // Shown once by itself when the roles are dealt (and again if they change); the button reopens it.
    var key = state.session.id + ":" + myRoles().join(",");
    if (!inLobby() && recall("brief") !== key) { remember("brief", key); showBrief(true, false); }
  }
  // Inline at the top of the room rather than a modal: it never stands between a person and the room.
  function showBrief(show, focus) {
    $("brief").hidden = !show;
    $("brief-open").setAttribute("aria-expanded", show ? "true" : "false");
    if (show && focus) $("brief").focus();
  }
  $("brief-open").addEventListener("click", function () { showBrief($("brief").hidden, true); });
  $("brief-close").addEventListener("click", function () { showBrief(false); $("brief-open").focus(); });

  // ---- head: team, round, timer ---------------------------------------------------------------------
  function renderTeam() {
    $("team-name").textContent = state.team.name;
    var lobby = inLobby();
    patch($("team-members"), state.team.members.map(function (m) {
      var roles = lobby ? gettext("role set at the start") : m.roles.map(roleTitle).join(", ");
      return '<li class="member ' + (m.connected ? "on" : "off") + '">' + esc(m.name) + " <small>" + esc(roles) +
        " · " + esc(m.connected ? gettext("online") : gettext("offline")) + "</small></li>";
    }).join(""));
  }

  function renderRound() {
    var r = state.round, label = $("round-label"), st = $("round-state");
    if (!r) { label.textContent = gettext("Waiting for the facilitator to start"); deadlineAt = null; st.textContent = ""; return; }
    label.textContent = say(gettext("Round %(n)s of %(total)s"), { n: r.number, total: r.total });
    deadlineAt = r.state === "open" ? Date.now() + r.remaining_seconds * 1000 : null;
    var words = { open: gettext("open: decide and approve"), paused: gettext("paused by the facilitator"),
      closing: gettext("closing: the plant is running the month…"), closed: gettext("closed") };
    st.textContent = words[r.state] || r.state;
    if (state.session.state === "finished") st.textContent = gettext("The workshop has ended. Thank you!");
    $("whatif-link").hidden = state.session.state !== "finished";
    if (r.state === "paused") $("timer").textContent = labFormatSeconds(r.remaining_seconds);
    tick();
    renderNews();
  }

  function tick() {
    if (deadlineAt !== null) {
      var left = (deadlineAt - Date.now()) / 1000;
      $("timer").textContent = labFormatSeconds(left);
      // The timer itself is silent for screen readers; a few moments are announced.
      [300, 60, 30].forEach(function (mark) {
        var key = state.round.number + ":" + mark;
        if (left <= mark && left > mark - 5 && announcedMinute !== key) {
          announcedMinute = key;
          var round = state.round.number;
          announce(mark >= 60 ? say(ngettext("%(n)s minute left in round %(round)s.", "%(n)s minutes left in round %(round)s.", mark / 60), { n: mark / 60, round: round })
            : say(ngettext("%(n)s second left in round %(round)s.", "%(n)s seconds left in round %(round)s.", mark), { n: mark, round: round }));
        }
      });
    } else if (state && state.round && state.round.state !== "paused") $("timer").textContent = "--:--";
  }
  setInterval(tick, 500);

  function currentRound() { return state.round ? state.round.number : 0; }

  function renderNews() {
    var items = (state.disruptions || []).filter(function (d) { return d.round >= currentRound(); });
    $("news").hidden = !items.length;
    patch($("news-list"), items.map(function (d) {
      return '<li data-kind="' + esc(d.kind) + '"><b>' + esc(kindText(d.kind)) + "</b>: " + esc(d.description) +
        " " + esc(say(gettext("From day %(day)s for %(n)s day(s)."), { day: d.start_day + 1, n: d.duration_days })) + "</li>";
    }).join(""));
  }

  // ---- the lever forms ------------------------------------------------------------------------------
  function rangeText(s) {
    if (s.kind === "choice" || s.kind === "multichoice") return "";
    var d = s.display;
    if (d.money) return say(gettext("%(low)s – %(high)s per month"), { low: F.money(s.min, currency()), high: F.money(s.max, currency()) });
    return F.number(F.leverShown(s.min, s), 0) + " – " + F.number(F.leverShown(s.max, s), 0) + " " + d.unit;
  }

  function fieldFor(s, editable) {
    var id = "lever-" + s.name, described = 'aria-describedby="status-' + s.name + " range-" + s.name + '"';
    var step = s.kind === "int" ? Math.max(1, s.display.step) : s.display.step;
    if (s.kind === "choice") {
      return '<select id="' + id + '" data-lever="' + s.name + '" ' + described + ">" + s.choices.map(function (c) {
        return '<option value="' + esc(c) + '">' + esc(c) + "</option>"; }).join("") + "</select>";
    }
    if (s.kind === "multichoice") {
      return '<div class="multi" id="' + id + '" data-lever="' + s.name + '" role="group" aria-labelledby="label-' + s.name + '">' + s.choices.map(function (c) {
        var label = s.choice_labels ? s.choice_labels[c] : c;
        return '<label class="check"><input type="checkbox" value="' + esc(c) + '"> <span class="rank"></span> ' + esc(label) + "</label>"; }).join("") + "</div>";
    }
    if (s.kind === "int_list") {
      var cells = [];
      for (var i = 0; i < s.length; i++) {
        var item = s.item_labels ? s.item_labels[i] : String(i + 1);
        cells.push('<label class="cell"><span>' + esc(item) + '</span><input type="number" inputmode="numeric" aria-label="' + esc(s.label) + ": " + esc(item) +
          '" data-index="' + i + '" min="' + s.min + '" max="' + s.max + '" step="1" ' + described + "></label>");
      }
      var total = s.name === "priority_weights" ? '<span class="total" id="total-' + s.name + '" aria-live="polite"></span>' : "";
      return '<div class="int-list" id="' + id + '" data-lever="' + s.name + '" role="group" aria-labelledby="label-' + s.name + '">' + cells.join("") + total + "</div>";
    }
    return '<input type="number" inputmode="decimal" id="' + id + '" data-lever="' + s.name + '" min="' + F.leverShown(s.min, s) +
      '" max="' + F.leverShown(s.max, s) + '" step="' + step + '" ' + described + ">";
  }

  function leverRows(role, editable) {
    return SPECS.filter(function (s) { return s.role === role; }).map(function (s) {
      var labelTag = s.kind === "multichoice" || s.kind === "int_list" ? "span" : "label";
      var forAttr = labelTag === "label" ? ' for="lever-' + s.name + '"' : "";
      return '<div class="lever" data-row="' + s.name + '"><div class="lever-label"><' + labelTag + forAttr + ' id="label-' + s.name + '" class="name">' + esc(s.label) + "</" + labelTag + ">" +
        ' <small class="muted" id="range-' + s.name + '">' + esc(rangeText(s)) + "</small>" +
        (editable && s.help ? '<small class="help">' + esc(s.help) + "</small>" : "") + "</div>" +
        fieldFor(s, editable) + '<span class="lever-status" id="status-' + s.name + '"></span></div>';
    }).join("");
  }

  function buildLevers() {
    var lobby = inLobby();
    var own = lobby ? [] : ROLES.filter(mine), others = ROLES.filter(function (r) { return own.indexOf(r) < 0; });
    $("my-levers").innerHTML = own.length ? own.map(function (role) {
      return '<fieldset class="role-levers mine"><legend>' + esc(say(gettext("%(role)s (yours)"), { role: roleTitle(role) })) + "</legend>" + leverRows(role, true) + "</fieldset>";
    }).join("") : '<p class="muted">' + esc(lobby ? gettext("Your levers appear when the session starts and roles are dealt.") : gettext("You hold no role in this team.")) + "</p>";
    $("other-levers").innerHTML = others.map(function (role) {
      return '<fieldset class="role-levers theirs"><legend>' + esc(say(gettext("%(role)s (read only)"), { role: roleTitle(role) })) + "</legend>" + leverRows(role, false) + "</fieldset>";
    }).join("") || '<p class="muted">' + esc(gettext("You hold every role.")) + "</p>";
  }

  // Events are delegated to the room, so the forms can be rebuilt without re-binding.
  root.addEventListener("input", function (ev) {
    var el = ev.target.closest("[data-lever]");
    if (!el) return;
    var spec = SPEC[el.dataset.lever];
    delete fieldErrors[spec.name];
    showFieldCheck(spec);
  });
  root.addEventListener("change", function (ev) {
    var el = ev.target.closest("[data-lever]");
    if (!el || !state || !state.package) return;
    var spec = SPEC[el.dataset.lever];
    if (showFieldCheck(spec)) return;  // a typed value out of range stays here, with the reason beside it
    socket.send({ type: "package.edit", lever: spec.name, value: readValue(spec), base_version: state.package.version });
    $("status-" + spec.name).textContent = gettext("saving…");
  });

  // The type and range check as you type; returns the problem, if any. The server stays the judge.
  function typedProblem(spec) {
    var el = $("lever-" + spec.name);
    var inputs = spec.kind === "int_list" ? el.querySelectorAll("input") : spec.kind === "int" || spec.kind === "float" ? [el] : [];
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.value === "" || !input.validity || input.validity.badInput) return say(gettext("Enter a number (%(range)s)."), { range: rangeText(spec) });
      var v = Number(input.value), lo = F.leverShown(spec.min, spec), hi = F.leverShown(spec.max, spec);
      if ((spec.kind === "int" || spec.kind === "int_list") && Math.floor(v) !== v) return say(gettext("Enter a whole number (%(range)s)."), { range: rangeText(spec) });
      if (v < lo || v > hi) return say(gettext("Out of range: %(range)s."), { range: rangeText(spec) });
    }
    return null;
  }

  function showFieldCheck(spec) {
    var el = $("lever-" + spec.name);
    if (!el) return null;
    var problem = typedProblem(spec) || fieldErrors[spec.name] || null;
    var status = $("status-" + spec.name);
    status.textContent = problem || "";
    status.className = "lever-status" + (problem ? " field-error" : "");
    (el.tagName === "DIV" ? el.querySelectorAll("input") : [el]).forEach(function (i) {
      if (problem) i.setAttribute("aria-invalid", "true"); else i.removeAttribute("aria-invalid");
    });
    if (spec.name === "priority_weights") {
      var sum = 0; el.querySelectorAll("input").forEach(function (i) { sum += Number(i.value) || 0; });
      $("total-" + spec.name).textContent = say(gettext("Total %(sum)s of 100"), { sum: sum });
    }
    return problem;
  }

  function readValue(spec) {
    var el = $("lever-" + spec.name);
    if (spec.kind === "multichoice") {
      // Order is priority: keep the current order, drop what was unticked, add the newly ticked last.
      var ticked = Array.prototype.filter.call(el.querySelectorAll("input"), function (i) { return i.checked; }).map(function (i) { return i.value; });
      var current = (state.package && state.package.levers[spec.name]) || [];
      return current.filter(function (c) { return ticked.indexOf(c) >= 0; })
        .concat(ticked.filter(function (c) { return current.indexOf(c) < 0; }));
    }
    if (spec.kind === "int_list") return Array.prototype.map.call(el.querySelectorAll("input"), function (i) { return i.value === "" ? null : Number(i.value); });
    if (spec.kind === "choice") return el.value;
    return el.value === "" ? null : F.leverSent(Number(el.value), spec);
  }

  function writeValue(spec, value) {
    var el = $("lever-" + spec.name);
    if (spec.kind === "multichoice") {
      el.querySelectorAll("input").forEach(function (i) {
        var rank = (value || []).indexOf(i.value);
        i.checked = rank >= 0;
        i.parentNode.querySelector(".rank").textContent = rank >= 0 ? "#" + (rank + 1) : "";
      });
    } else if (spec.kind === "int_list") {
      el.querySelectorAll("input").forEach(function (i, k) { i.value = value ? value[k] : ""; });
    } else {
      el.value = spec.kind === "choice" ? value : F.leverShown(value, spec);
    }
  }

  // ---- the package: values, approvals, approve/reopen -------------------------------------------------
  function renderPackage(force) {
    var p = state.package;
    var editable = roundOpen() && p && !p.aligned;
    $("package-version").textContent = p ? say(gettext("version %(n)s"), { n: p.version }) : "";
    var pendingLevers = socket.pending(function (m) { return m.type === "package.edit"; }).map(function (m) { return m.lever; });
    SPECS.forEach(function (spec) {
      var el = $("lever-" + spec.name);
      if (!el) return;
      var inputs = el.tagName === "DIV" ? el.querySelectorAll("input") : [el];
      Array.prototype.forEach.call(inputs, function (i) { i.disabled = !(mine(spec.role) && editable && !inLobby()); });
      var pending = pendingLevers.indexOf(spec.name) >= 0;
      var focused = el.contains(document.activeElement);
      // Never overwrite a number being typed; ticks are safe to refresh (they carry the ranks).
      if (p && (force || (!pending && (!focused || spec.kind === "multichoice")))) writeValue(spec, p.levers[spec.name]);
      if (pending) { $("status-" + spec.name).textContent = gettext("saving…"); return; }
      if (showFieldCheck(spec)) return;
      $("status-" + spec.name).textContent = p && p.changed_lever === spec.name && p.author ? say(gettext("changed by %(name)s"), { name: p.author }) : "";
    });
    patch($("approvals"), ROLES.map(function (r) {
      var a = p && p.approvals[r];
      return '<li class="' + (a ? "yes" : "no") + '" data-role="' + r + '">' + esc(roleTitle(r)) + ": " + esc(a ? say(gettext("approved by %(name)s"), { name: a.name }) : gettext("not yet")) + "</li>";
    }).join(""));
    var checks = (p && p.checks) || { ready: true, items: [] };
    var mineAll = p && myRoles().length && myRoles().every(function (r) { return p.approvals[r]; });
    var btn = $("approve"), why;
    if (approveAfterSave && !pendingLevers.length) {
      var wanted = approveAfterSave;
      approveAfterSave = null;
      if (editable && checks.ready && !mineAll && p.version <= wanted.upTo) socket.send({ type: "package.approve", version: p.version });
      else if (p && p.version > wanted.upTo) showError({ code: "stale_version", message: say(gettext("The package changed while your change was saved: review version %(version)s and approve again."), { version: p.version }) });
    }
    var version = p ? p.version : "";
    if (approveAfterSave) why = gettext("Saving your change; your approval follows.");
    else if (!socket.online) why = gettext("Offline: you can approve once the connection is back.");
    else if (!p || inLobby()) why = gettext("The package opens when the facilitator starts the round.");
    else if (p.aligned) why = say(gettext("Every role approved version %(version)s."), { version: version });
    else if (!roundOpen()) why = gettext("The round is not open.");
    else if (!p.forecast || !p.rationale) why = gettext("Waiting for the director to state the team's forecast and rationale: the package cannot be approved without them.");
    else if (!checks.ready) why = say(gettext("Not ready: %(reasons)s"), { reasons: checks.items.filter(function (i) { return i.kind === "refuse"; }).map(function (i) { return i.text; }).join(" ") });
    else if (mineAll) why = say(gettext("You approved version %(version)s. Waiting for: %(roles)s."), { version: version,
      roles: ROLES.filter(function (r) { return !p.approvals[r]; }).map(roleTitle).join(", ") });
    else why = say(gettext("Approving says you can defend version %(version)s as a whole; any change after it asks everyone again."), { version: version });
    var committed = !!(p && p.forecast && p.rationale);
    btn.disabled = !editable || mineAll || !socket.online || !checks.ready || !committed || inLobby() || !!approveAfterSave;
    btn.textContent = mineAll && p && !p.aligned ? say(gettext("You approved version %(version)s"), { version: version })
      : say(gettext("Approve version %(version)s"), { version: version });
    $("approve-why").textContent = why;
    $("reopen").hidden = !(p && p.aligned && roundOpen() && mine("director"));
    $("aligned").hidden = !(p && p.aligned);
    renderChecks();
    renderCommitment(editable, force);
    $("preview-btn").disabled = !p || !state.round || ["open", "paused"].indexOf(state.round.state) < 0;
  }

  // ---- the commitment: the director's forecast and rationale, each role's line --------------------------
  function forecastText(f) {
    var parts = [say(gettext("good units %(value)s"), { value: F.kpi(f.good_units, KPI.good_units, currency()) }),
      say(gettext("cash at month end %(value)s"), { value: F.kpi(f.cash, KPI.cash, currency()) })];
    if (f.extra && KPI[f.extra.kpi]) parts.push(KPI[f.extra.kpi].label + ": " + F.kpi(f.extra.value, KPI[f.extra.kpi], currency()));
    return parts.join("; ");
  }
  var commitmentBuilt = false, lastPreview = null;
  // The forecast beside the what-if band (p10-p90 of 200 sampled futures): promising more than the plant
  // likely gives is seen before anyone approves, not after the month.
  function bandText(f, p) {
    if (!lastPreview || !f) return "";
    var parts = [["good_units", f.good_units], ["cash", f.cash]].filter(function (x) { return lastPreview.kpis[x[0]]; }).map(function (x) {
      var b = lastPreview.kpis[x[0]], spec = KPI[x[0]];
      var band = { label: spec.label, low: F.kpi(b.p10, spec, currency()), high: F.kpi(b.p90, spec, currency()) };
      return say(x[1] > b.p90 ? gettext("%(label)s %(low)s – %(high)s (forecast above the band: optimistic)")
        : x[1] < b.p10 ? gettext("%(label)s %(low)s – %(high)s (forecast below the band: cautious)")
        : gettext("%(label)s %(low)s – %(high)s (forecast inside the band)"), band);
    });
    if (!parts.length) return "";
    var stale = p && lastPreview.version !== p.version ? " " + gettext("The package has changed since: preview again.") : "";
    return '<p id="forecast-band" class="small">' + esc(say(gettext("Preview of version %(version)s, 10–90 % of sampled futures: %(bands)s."),
      { version: lastPreview.version, bands: parts.join("; ") })) + esc(stale) + "</p>";
  }
  function renderCommitment(editable, force) {
    var p = state.package, c = state.commitment || {}, notes = (p && p.notes) || {};
    var html = p && p.forecast ? '<p id="forecast-stated"><b>' + esc(gettext("Forecast:")) + "</b> " + esc(forecastText(p.forecast)) + "</p>" +
      '<p id="rationale-stated"><b>' + esc(gettext("Why:")) + "</b> " + (p.rationale ? esc(p.rationale) : '<span class="muted">' + esc(gettext("no rationale yet")) + "</span>") + "</p>"
      : '<p class="muted" id="forecast-stated">' + esc(gettext("The director has not stated the team's forecast yet.")) + "</p>";
    if (p && p.forecast) html += bandText(p.forecast, p);
    var lines = ROLES.filter(function (r) { return notes[r]; });
    if (lines.length) html += '<ul class="notes" aria-label="' + esc(gettext("Each role's line")) + '">' + lines.map(function (r) { return "<li><b>" + esc(roleTitle(r)) + ":</b> " + esc(notes[r]) + "</li>"; }).join("") + "</ul>";
    patch($("commitment-summary"), "<div>" + html + "</div>");
    var director = mine("director") && !inLobby();
    $("commitment-form").hidden = !director;
    if (director) {
      if (!commitmentBuilt) {
        (c.extra_kpis || []).forEach(function (k) {
          var o = document.createElement("option"); o.value = k; o.textContent = KPI[k] ? KPI[k].label + (KPI[k].unit === "share" ? " (%)" : "") : k;
          $("forecast-extra-kpi").appendChild(o);
        });
        commitmentBuilt = true;
      }
      $("forecast-currency").textContent = currency();
      if (c.good_units_max !== undefined) {
        $("forecast-units").max = c.good_units_max;
        $("forecast-units-hint").textContent = say(gettext("At most %(n)s units: what the plant could make this month at full rate."), { n: F.number(c.good_units_max, 0) });
        $("forecast-cash-hint").textContent = say(gettext("Today: %(money)s."), { money: F.money(c.cash_now, currency()) });
      }
      var form = $("commitment-form"), typing = form.contains(document.activeElement);
      if (p && p.forecast && (force || !typing) && !form.dataset.dirty) {
        $("forecast-units").value = p.forecast.good_units; $("forecast-cash").value = p.forecast.cash;
        var ex = p.forecast.extra;
        $("forecast-extra-kpi").value = ex ? ex.kpi : "";
        $("forecast-extra-value").value = ex ? (KPI[ex.kpi] && KPI[ex.kpi].unit === "share" ? Math.round(ex.value * 1000) / 10 : ex.value) : "";
        $("forecast-rationale").value = p.rationale || "";
      }
      Array.prototype.forEach.call(form.querySelectorAll("input, select, textarea, button"), function (el) { el.disabled = !editable; });
      $("forecast-extra-value").disabled = !editable || !$("forecast-extra-kpi").value;
      $("commit-btn").textContent = p && p.forecast ? gettext("Change the commitment") : gettext("State the commitment");
    }
    // Someone holding several roles (a team of two or three) writes one line per role: the picker says which.
    var roles = myRoles(), picker = $("note-role");
    if (picker.dataset.roles !== roles.join(",")) {
      picker.innerHTML = roles.map(function (r) { return '<option value="' + esc(r) + '">' + esc(roleTitle(r)) + "</option>"; }).join("");
      picker.dataset.roles = roles.join(",");
    }
    $("note-role-box").hidden = roles.length < 2;
    var role = roles.indexOf(picker.value) >= 0 ? picker.value : roles[0];
    $("note-form").hidden = !role || inLobby();
    picker.disabled = !editable;
    if (role) {
      $("note-label").textContent = noteLabel(role);
      $("note-form").dataset.role = role;
      if (!$("note-form").contains(document.activeElement)) $("note-text").value = notes[role] || "";
      $("note-text").disabled = $("note-btn").disabled = !editable;
    }
  }
  function noteLabel(role) { return say(gettext("Your line on the %(role)s levers (optional, one line)"), { role: roleTitle(role) }); }
  function numberOrText(v) { return v === "" || isNaN(Number(v)) ? v : Number(v); }
  $("commitment-form").addEventListener("input", function () { $("commitment-form").dataset.dirty = "1"; });
  $("forecast-extra-kpi").addEventListener("change", function () { $("forecast-extra-value").disabled = !$("forecast-extra-kpi").value; });
  $("commitment-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!state || !state.package) return;
    var kpi = $("forecast-extra-kpi").value, extra = null;
    if (kpi) {
      var v = numberOrText($("forecast-extra-value").value);
      extra = { kpi: kpi, value: typeof v === "number" && KPI[kpi] && KPI[kpi].unit === "share" ? v / 100 : v };
    }
    $("commitment-error").hidden = true;
    delete $("commitment-form").dataset.dirty;
    socket.send({ type: "package.commit", base_version: state.package.version, rationale: $("forecast-rationale").value,
      forecast: { good_units: numberOrText($("forecast-units").value), cash: numberOrText($("forecast-cash").value), extra: extra } });
  });
  $("note-role").addEventListener("change", function () {
    var notes = (state && state.package && state.package.notes) || {};
    var role = $("note-role").value;
    $("note-text").value = notes[role] || "";
    $("note-label").textContent = noteLabel(role);
    $("note-form").dataset.role = role;
  });
  $("note-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!state || !state.package) return;
    $("commitment-error").hidden = true;
    socket.send({ type: "package.note", role: $("note-form").dataset.role, text: $("note-text").value, base_version: state.package.version });
  });

  // Refusals first (nobody can approve), then what the plant will cut, then what fits: each its own
  // labelled list, so a screen reader can jump to "What the plant will cut".
  var CHECK_GROUPS = [["refuse", gettext("What stops approval"), gettext("✖ Cannot approve")],
    ["cut", gettext("What the plant will cut"), gettext("⚠ Will be cut")], ["fits", gettext("What fits"), gettext("✔ Fits")]];
  function renderChecks() {
    var p = state.package, box = $("checks");
    if (!p || !p.checks) { patch(box, '<p class="muted">' + esc(gettext("The checks appear when the round opens.")) + "</p>"); return; }
    patch(box, '<p class="' + (p.checks.ready ? "ok" : "bad") + '">' + esc(p.checks.ready ? gettext("✔ The plant can run this package.") :
      gettext("✖ The plant cannot run this package yet.")) + " " + esc(say(gettext("Priority weights total %(n)s of 100."), { n: p.checks.weights_total })) + "</p>" +
      CHECK_GROUPS.map(function (g) {
        var items = p.checks.items.filter(function (c) { return c.kind === g[0]; });
        if (!items.length) return "";
        return '<section class="check-group" aria-labelledby="checks-' + g[0] + '"><h3 id="checks-' + g[0] + '">' + esc(g[1]) + '</h3><ul class="checks">' +
          items.map(function (c) {
            return '<li class="check-' + c.kind + '" data-kind="' + c.kind + '" data-lever="' + esc(c.lever) + '"><b>' + esc(g[2]) +
              "</b> " + esc(c.text) + (c.role && c.kind !== "fits" ? ' <span class="who">(' + esc(roleTitle(c.role)) + (mine(c.role) ? esc(gettext(": you")) : "") + ")</span>" : "") + "</li>";
          }).join("") + "</ul></section>";
      }).join(""));
  }

  // ---- what changed since your approval, and the round's history -------------------------------------
  function renderChanges() {
    var log = state.log || [];
    var mineApproved = log.filter(function (e) { return e.kind === "approve" && e.by === state.you.name; });
    var lastReopen = log.filter(function (e) { return e.kind === "reopen"; }).pop();
    var since = mineApproved.length ? mineApproved[mineApproved.length - 1].version : 1;
    var diffs = {}, order = [];
    log.forEach(function (e) {
      if (e.kind !== "edit" || e.version <= since) return;
      if (!diffs[e.lever]) { diffs[e.lever] = { label: e.label, old: e.old, who: [] }; order.push(e.lever); }
      diffs[e.lever].new = e.new;
      if (diffs[e.lever].who.indexOf(e.by) < 0) diffs[e.lever].who.push(e.by + " (" + roleTitle(e.role) + ")");
    });
    var head = mineApproved.length ? say(gettext("Since you approved version %(version)s"), { version: since }) : gettext("Since the round opened");
    var rows = order.filter(function (l) { return JSON.stringify(diffs[l].old) !== JSON.stringify(diffs[l].new); });
    var newCommit = log.filter(function (e) { return e.kind === "commit" && e.version > since; }).pop();
    var html = (newCommit ? '<p class="warn-text" id="commit-changed">' + esc(say(gettext("%(name)s (director) stated the forecast at version %(version)s: %(forecast)s."),
        { name: newCommit.by, version: newCommit.version, forecast: forecastText(newCommit.forecast) })) + "</p>" : "") +
      (lastReopen ? '<p class="warn-text">⟲ ' + esc(say(gettext("%(name)s (director) reopened the package at version %(version)s: every role approves again."),
        { name: lastReopen.by, version: lastReopen.version })) + "</p>" : "") +
      "<h3>" + esc(head) + "</h3>" + (rows.length ? '<table class="table compact"><caption class="visually-hidden">' + esc(head) + '</caption><thead><tr><th scope="col">' +
        esc(gettext("Lever")) + '</th><th scope="col">' + esc(gettext("Was")) + '</th><th scope="col">' + esc(gettext("Now")) + '</th><th scope="col">' + esc(gettext("Who")) + "</th></tr></thead><tbody>" +
        rows.map(function (l) {
          var d = diffs[l];
          return '<tr data-lever="' + esc(l) + '"><th scope="row">' + esc(d.label) + "</th><td>" + esc(leverText(l, d.old)) + "</td><td>" + esc(leverText(l, d.new)) + "</td><td>" + esc(d.who.join(", ")) + "</td></tr>";
        }).join("") + "</tbody></table>" : '<p class="muted">' + esc(gettext("Nothing changed.")) + "</p>");
    patch($("changes"), html);
    patch($("log"), log.map(function (e) {
      var when = e.at ? F.time(new Date(e.at)) : "";
      var what = esc(e.kind === "edit" ? say(gettext("changed %(lever)s from %(old)s to %(new)s"), { lever: e.label, old: leverText(e.lever, e.old), new: leverText(e.lever, e.new) })
        : e.kind === "approve" ? say(gettext("approved version %(version)s for %(role)s"), { version: e.version, role: roleTitle(e.role) })
        : e.kind === "commit" ? say(gettext("stated the team's forecast (%(forecast)s): %(rationale)s"),
          { forecast: e.forecast ? forecastText(e.forecast) : gettext("none"), rationale: e.rationale || gettext("no rationale yet") })
        : e.kind === "note" ? (e.text ? say(gettext("wrote the %(role)s line: %(text)s"), { role: roleTitle(e.role), text: e.text })
          : say(gettext("removed the %(role)s line"), { role: roleTitle(e.role) }))
        : say(gettext("reopened the package (version %(version)s)"), { version: e.version }));
      return "<li><small class='muted'>" + when + " · v" + e.version + "</small> <b>" + esc(e.by || "") + "</b> " + what + "</li>";
    }).join(""));
  }

  // ---- preview ----------------------------------------------------------------------------------------
  var PREVIEW_KPIS = ["good_units", "throughput_strength", "oee_line", "unplanned_hours", "cash", "margin", "scorecard"];
  function renderPreview(msg) {
    var p = msg.preview, box = $("preview");
    lastPreview = p;
    if (state) renderPackage();  // the commitment shows its forecast against this band
    box.hidden = false;
    box.innerHTML = "<h3>" + esc(say(gettext("Version %(version)s: next month over %(n)s sampled futures"), { version: p.version, n: p.n_samples })) + "</h3>" +
      '<table class="table"><thead><tr><th scope="col">' + esc(gettext("KPI")) + '</th><th scope="col">' + esc(gettext("pessimistic (10 %)")) + '</th><th scope="col">' +
      esc(gettext("typical")) + '</th><th scope="col">' + esc(gettext("optimistic (90 %)")) + "</th></tr></thead><tbody>" +
      PREVIEW_KPIS.filter(function (k) { return p.kpis[k]; }).map(function (k) {
        var v = p.kpis[k], spec = KPI[k];
        return '<tr><th scope="row">' + esc(spec.label) + "</th><td>" + F.kpi(v.p10, spec, currency()) + "</td><td><b>" + F.kpi(v.p50, spec, currency()) + "</b></td><td>" + F.kpi(v.p90, spec, currency()) + "</td></tr>";
      }).join("") + "</tbody></table>" + (p.disruptions && p.disruptions.length ? "<p class='preview-news'>" + esc(say(gettext("Includes the news announced for this month: %(news)s."), {
        news: p.disruptions.map(function (d) { return say(gettext("%(kind)s (from day %(day)s for %(n)s day(s))"), { kind: kindText(d.kind), day: d.start_day + 1, n: d.duration_days }); }).join("; ") })) + "</p>" : "") +
        "<p class='muted'>" + esc(gettext("Delayed effects (fatigue, maintenance debt, ramp-ups) show up in later months, not here.")) + "</p>";
  }
  $("preview-btn").addEventListener("click", function () {
    socket.raw({ type: "package.preview", id: "preview-" + Date.now(), version: state.package.version });
    $("preview").hidden = false;
    $("preview").textContent = gettext("Running the plant forward…");
  });

  $("approve").addEventListener("click", function () {
    var edits = socket.pending(function (m) { return m.type === "package.edit"; }).length;
    if (edits) { approveAfterSave = { upTo: state.package.version + edits }; renderPackage(); return; }
    socket.send({ type: "package.approve", version: state.package.version });
  });
  $("reopen").addEventListener("click", function () {
    if (window.confirm(gettext("Reopen the aligned package? Every role will have to approve again before the deadline."))) socket.send({ type: "package.reopen" });
  });

  // ---- chat -------------------------------------------------------------------------------------------
  $("chat-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = $("chat-text");
    if (!input.value.trim()) return;
    var id = socket.send({ type: "chat.send", text: input.value });
    chatDrafts[id] = input.value;
    input.value = "";
    $("chat-error").hidden = true;
  });

  function renderChat() {
    var log = $("chat-log");
    var atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    patch(log, state.chat.map(function (m) {
      return '<p class="chat-line" id="chat-' + m.id + '"><b>' + esc(m.name) + "</b> <small class='muted'>" + esc((m.role || "").split(",").map(roleTitle).join(", ")) + "</small> " + esc(m.text) + "</p>";
    }).join(""));
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  // ---- the month's results: reveal, dashboards, plant, charts ----------------------------------------
  function verdictText(k) {
    if (k.verdict === "better") return '<span class="up">▲ ' + esc(gettext("better")) + "</span>";
    if (k.verdict === "worse") return '<span class="down">▼ ' + esc(gettext("worse")) + "</span>";
    if (k.verdict === "same") return '<span class="muted">= ' + esc(gettext("same")) + "</span>";
    return "";
  }

  function renderReveal(fresh) {
    var r = state.reveal, box = $("reveal");
    var seen = Number(recall("reveal-" + state.you.id) || 0);
    if (!r || r.round <= seen) { box.hidden = true; return; }
    box.hidden = false;
    patch(box, '<h2 id="reveal-title">' + esc(say(gettext("Month %(n)s results"), { n: r.round })) + (r.aligned ? "" : ' <small class="bad">' +
      esc(gettext("(your team did not align: the plant ran the last aligned package)")) + "</small>") + "</h2>" +
      '<p class="headline">' + esc(r.headline) + "</p>" +
      '<ul class="reveal-kpis">' + r.kpis.map(function (k) {
        var spec = KPI[k.kpi] || k;
        return '<li data-kpi="' + esc(k.kpi) + '"><span class="label">' + esc(k.label) + '</span><span class="value">' + F.kpi(k.value, spec, currency()) +
          "</span><span class='delta'>" + (k.change !== null && k.change !== undefined ? esc(F.change(k.change, spec, currency())) + " " : "") + verdictText(k) + "</span></li>";
      }).join("") + "</ul>" +
      (r.drivers.length ? "<h3>" + esc(gettext("What drove it")) + "</h3><ul>" + r.drivers.map(function (d) { return "<li>" + esc(d.text) + (d.role ? ' <span class="who">(' + esc(roleTitle(d.role)) + ")</span>" : "") + "</li>"; }).join("") + "</ul>" : "") +
      (r.disruptions.length ? "<h3>" + esc(gettext("What hit the plant")) + "</h3><ul>" + r.disruptions.map(function (d) { return "<li>" + esc(kindText(d.kind)) + ": " + esc(d.description) + "</li>"; }).join("") + "</ul>" : "") +
      (r.mistakes.length ? "<h3>" + esc(gettext("What the plant is telling you")) + "</h3><ul>" + r.mistakes.map(function (m) { return "<li><b>" + esc(m.title) + "</b>: " + esc(m.evidence) + "</li>"; }).join("") + "</ul>" : "") +
      '<div class="row"><a href="#results-card">' + esc(gettext("See every month's results")) + '</a><button type="button" class="primary" id="reveal-done">' +
      esc(gettext("Got it")) + "</button></div>");
    if (fresh) {
      announce(say(gettext("Month %(n)s results are in."), { n: r.round }) + " " + r.headline);
      var typing = document.activeElement && /INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName);
      if (!typing) { box.scrollIntoView({ block: "start" }); box.focus({ preventScroll: true }); }
    }
  }
  root.addEventListener("click", function (ev) {
    if (ev.target.id !== "reveal-done") return;
    remember("reveal-" + state.you.id, String(state.reveal.round));
    $("reveal").hidden = true;
    $("decide-title").focus();  // the keyboard carries on where the eye goes: your decisions
  });

  function dashboardTable(role, keys, last, prev) {
    return '<table class="table dash" data-role="' + role + '"><caption>' + esc(roleTitle(role)) + '</caption><tbody>' + keys.map(function (key) {
      var spec = KPI[key], v = last ? last.kpis[key] : null, p = prev ? prev.kpis[key] : null, trend = "";
      if (typeof v === "number" && typeof p === "number" && spec.better && v !== p) {
        var good = (v > p) === (spec.better === "up");
        trend = ' <span class="' + (good ? "up" : "down") + '">' + (v > p ? "▲" : "▼") + " " + esc(good ? gettext("better") : gettext("worse")) + "</span>";
      }
      return '<tr><th scope="row">' + esc(spec.label) + '</th><td data-kpi="' + key + '">' + F.kpi(v, spec, currency()) + trend + "</td></tr>";
    }).join("") + "</tbody></table>";
  }

  function sortedResults() { return state.results.slice().sort(function (a, b) { return a.round - b.round; }); }

  function renderDashboards() {
    var rs = sortedResults(), last = rs[rs.length - 1], prev = rs[rs.length - 2];
    $("dashboard-note").textContent = last ? say(gettext("(after month %(n)s)"), { n: last.round }) : gettext("(figures arrive after the first month)");
    var own = ROLES.filter(mine);
    patch($("dashboard"), own.map(function (r) { return dashboardTable(r, DASHBOARDS[r].detail, last, prev); }).join("") ||
      '<p class="muted">' + esc(gettext("Your dashboard appears when roles are dealt.")) + "</p>");
    patch($("other-dashboards"), ROLES.filter(function (r) { return !mine(r); }).map(function (r) {
      return dashboardTable(r, DASHBOARDS[r].summary, last, prev); }).join("") || '<p class="muted">' + esc(gettext("You hold every role.")) + "</p>");
  }

  function renderPlant() {
    if (!window.LabPlant || !state.plant) return;
    patch($("plant"), window.LabPlant.html(state.plant, "plant"));
  }

  // Forecast against actual, month by month, and the team's credibility (docs/model.md, "Credibility").
  function forecastTable(rs) {
    var cred = state.credibility || {};
    var lean = cred.score === null || cred.score === undefined ? "" : Math.abs(cred.bias) < 0.05 ? gettext("unbiased")
      : say(cred.bias > 0 ? gettext("%(n)s % optimistic (more promised than delivered)") : gettext("%(n)s % pessimistic"), { n: F.number(Math.abs(cred.bias), 1) });
    var head = '<h3 id="forecast-title">' + esc(gettext("Forecast against actual")) + '</h3><p id="credibility">' + esc(cred.score === null || cred.score === undefined
      ? gettext("Credibility: no month with a forecast yet.")
      : say(ngettext("Credibility %(score)s / 100 over %(n)s month: forecasts were off by %(mape)s % on average, and %(lean)s.",
          "Credibility %(score)s / 100 over %(n)s months: forecasts were off by %(mape)s % on average, and %(lean)s.", cred.rounds),
        { score: F.number(cred.score, 1), n: cred.rounds, mape: F.number(cred.mape, 1), lean: lean })) + "</p>";
    var rows = [];
    rs.forEach(function (r) {
      if (!r.forecast_error) { rows.push('<tr><th scope="row">' + esc(month(r.round)) + '</th><td colspan="5" class="muted">' + esc(gettext("no forecast (not aligned)")) + "</td></tr>"); return; }
      Object.keys(r.forecast_error).forEach(function (k) {
        var e = r.forecast_error[k], spec = KPI[k];
        rows.push('<tr data-round="' + r.round + '" data-kpi="' + k + '"><th scope="row">' + esc(month(r.round)) + "</th><td>" + esc(spec ? spec.label : k) + "</td><td>" +
          F.kpi(e.forecast, spec, currency()) + "</td><td>" + F.kpi(e.actual, spec, currency()) + "</td><td>" +
          (e.error === null ? "–" : (e.error > 0 ? "+" : "") + F.kpi(e.error, spec, currency())) + "</td><td>" +
          (e.error_pct === null ? "–" : (e.error_pct > 0 ? "+" : "") + F.number(e.error_pct, 1) + " %") + "</td></tr>");
      });
    });
    return head + '<table class="table" id="forecast-table" aria-labelledby="forecast-title"><thead><tr>' +
      [gettext("Month"), gettext("KPI"), gettext("Forecast"), gettext("Actual"), gettext("Error"),
        // xgettext:no-javascript-format ("% o" is text, not a directive)
        gettext("Error, % of actual")].map(function (h) {
        return '<th scope="col">' + esc(h) + "</th>"; }).join("") + "</tr></thead><tbody>" + rows.join("") + "</tbody></table>";
  }

  function month(n) { return say(gettext("Month %(n)s"), { n: n }); }

  function renderResults() {
    renderDashboards();
    renderPlant();
    var card = $("results-card");
    if (!state.results.length) { card.hidden = true; return; }
    card.hidden = false;
    var rs = sortedResults();
    var keys = Object.keys(KPI).filter(function (k) { return rs.some(function (r) { return r.kpis[k] !== undefined; }); });
    patch($("results"), '<table class="table" id="results-table"><caption>' + esc(gettext("Your KPIs, month by month")) + '</caption><thead><tr><th scope="col">' + esc(gettext("KPI")) + "</th>" +
      rs.map(function (r) { return '<th scope="col">' + esc(month(r.round)) + (r.aligned ? "" : " <small>" + esc(gettext("(not aligned)")) + "</small>") + "</th>"; }).join("") + "</tr></thead><tbody>" +
      keys.map(function (k) {
        return '<tr><th scope="row">' + esc(KPI[k].label) + "</th>" + rs.map(function (r) { return '<td data-kpi="' + k + '">' + F.kpi(r.kpis[k], KPI[k], currency()) + "</td>"; }).join("") + "</tr>";
      }).join("") + "</tbody></table>" + forecastTable(rs));
    if (!window.Chart) return;
    var data = {
      labels: rs.map(function (r) { return month(r.round); }),
      datasets: [
        { label: KPI.good_units.label, data: rs.map(function (r) { return r.kpis.good_units; }), yAxisID: "y" },
        { label: KPI.demand.label, data: rs.map(function (r) { return r.kpis.demand; }), yAxisID: "y", borderDash: [6, 4] },
        { label: say(gettext("%(label)s (right axis)"), { label: KPI.scorecard.label }), data: rs.map(function (r) { return r.kpis.scorecard; }), yAxisID: "y1", borderDash: [2, 2] }
      ]
    };
    if (chart) { chart.data = data; chart.update(); return; }
    chart = new Chart($("results-chart"), {
      type: "line", data: data,
      options: { animation: false, scales: { y: { beginAtZero: true, title: { display: true, text: gettext("units") } },
        y1: { position: "right", min: 0, max: 100, title: { display: true, text: gettext("score / 100") } } } }
    });
  }
})();
