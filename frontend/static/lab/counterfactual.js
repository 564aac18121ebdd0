// Counterfactual replay widget: "what if we had...". The server replays the team (game/counterfactual.py)
// and owns every rule; this draws the form, posts it, and shows actual against counterfactual for one KPI
// at a time, as a Chart.js line chart and as a table with the same figures. Errors are shown at the field.
//
//   LabCounterfactual.mount(el, {
//     url: "/console/s/12/counterfactual/",  // POST endpoint answering the replay as JSON
//     teams: [{id, name}] | null,             // a team picker (facilitator); null: the endpoint knows the team
//     rounds: 4 | [1, 2, 3, 4],               // the rounds played (a change may start from any of them)
//     kpis: {key: {label, unit, digits, better}},  // the KPI catalogue (game/dashboards.py kpi_catalog_json)
//     levers: [...],                          // optional: lever specs (game/lever_display.room_lever_specs) for lever edits
//     presets: [{key, label, help}],          // optional: the presets (game.counterfactual.counterfactual_presets)
//     currency: "EUR", csrfToken: "...", defaultKpi: "scorecard", idPrefix: "cf"   // optional
//   })  ->  {run: function () {...}, element: el}
//
// Needs frontend/static/lab/format.js (LabFormat) and, for the chart, vendor/chart.umd.min.js.
(function () {
  "use strict";
  // Django's catalog (/jsi18n/, loaded by base.html) when the page has it; English as written otherwise
  // (a bare page, as the widget's tests build).
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\(\w+\)s/g, function (m) { return String(obj[m.slice(2, -2)]); });
  };
  function say(text, params) { return interpolate(text, params, true); }
  function roundName(n) { return say(gettext("Round %(n)s"), { n: n }); }
  function figure(v) { return window.LabFormat ? window.LabFormat.numberUpTo(v, 3) : String(v); }

  var DEFAULT_PRESETS = [
    { key: "recommended_pm", label: gettext("Recommended preventive maintenance"), help: "" },
    { key: "no_overtime", label: gettext("No overtime"), help: "" },
    { key: "no_cuts", label: gettext("No budget cuts"), help: "" }
  ];
  var ACTUAL_COLOUR = "#0072B2", WHATIF_COLOUR = "#D55E00";  // Okabe-Ito: told apart with colour blindness

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function fmtKpi(v, spec, currency) {
    if (window.LabFormat) return window.LabFormat.kpi(v, spec, currency);
    return v === null || v === undefined ? "–" : String(v);
  }

  function fmtChange(delta, spec, currency) {
    if (window.LabFormat) return window.LabFormat.change(delta, spec, currency);
    return typeof delta === "number" ? String(delta) : "";
  }

  // Replace a box's content touching only what changed (LabFormat.patch keeps focus and open selects).
  function patch(box, html) {
    if (window.LabFormat && window.LabFormat.patch) window.LabFormat.patch(box, html);
    else box.innerHTML = html;
  }

  function plotted(v, spec) {
    if (typeof v !== "number") return null;
    return spec && spec.unit === "share" ? v * 100 : v;
  }

  function unitText(spec) {
    if (spec.unit_text) return spec.unit_text;
    return { share: "%", percent: "%", money: gettext("money"), money_per_unit: gettext("money per unit"), hours: gettext("hours"),
      hours_week: gettext("hours a week"), units: gettext("units"), score: gettext("out of 100"), count: gettext("count"), ratio: gettext("ratio"),
      station: gettext("station number") }[spec.unit] || spec.unit;
  }

  function csrfToken(opts) {
    if (opts.csrfToken) return opts.csrfToken;
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function mount(el, opts) {
    opts = opts || {};
    var P = opts.idPrefix || "cf";
    var kpis = opts.kpis || {};
    var currency = opts.currency || "EUR";
    var presets = opts.presets || DEFAULT_PRESETS;
    var levers = opts.levers || null;
    var leverByName = {};
    (levers || []).forEach(function (s) { leverByName[s.name] = s; });
    var rounds = Array.isArray(opts.rounds) ? opts.rounds.slice() :
      Array.from({ length: Math.max(0, opts.rounds || 0) }, function (_, i) { return i + 1; });
    var answer = null, chart = null, leverRows = 0;

    function id(s) { return P + "-" + s; }
    function field(name, labelText, control, help) {
      return "<div class=\"cf-field\" data-field=\"" + esc(name) + "\"><label for=\"" + id(name) + "\">" + esc(labelText) +
        "</label>" + control + (help || "") + "<p class=\"cf-error\" id=\"" + id(name) + "-error\" hidden></p></div>";
    }
    function select(name, options, describedBy) {
      return "<select id=\"" + id(name) + "\" name=\"" + esc(name) + "\" aria-describedby=\"" + id(name) + "-error" +
        (describedBy ? " " + describedBy : "") + "\">" + options + "</select>";
    }

    var teamField = opts.teams ? field("team", gettext("Team"), select("team", opts.teams.map(function (t) {
      return "<option value=\"" + esc(t.id) + "\">" + esc(t.name) + "</option>";
    }).join(""))) : "";
    var roundField = field("from_round", gettext("Change from round"), select("from_round", rounds.map(function (n) {
      return "<option value=\"" + n + "\">" + esc(roundName(n)) + "</option>";
    }).join("")));
    var presetField = field("preset", gettext("Change"), select("preset",
      presets.map(function (p) { return "<option value=\"" + esc(p.key) + "\">" + esc(p.label) + "</option>"; }).join("") +
      "<option value=\"\">" + esc(levers ? gettext("Only the lever changes below") : gettext("No change (the rounds as played)")) + "</option>",
      id("preset-help")), "<p class=\"muted small cf-help\" id=\"" + id("preset-help") + "\"></p>");
    var leverBox = levers ? "<fieldset class=\"cf-levers\" aria-describedby=\"" + id("levers-error") + "\">" +
      "<legend>" + esc(gettext("Lever changes (optional)")) + "</legend>" +
      "<p class=\"muted small\">" + esc(gettext("Each change applies to every round from the one picked above; it comes on top of the change chosen there.")) + "</p>" +
      "<div class=\"cf-lever-rows\" id=\"" + id("lever-rows") + "\"></div>" +
      "<button type=\"button\" class=\"cf-add-lever\">" + esc(gettext("Add a lever change")) + "</button>" +
      "<p class=\"cf-error\" id=\"" + id("levers-error") + "\" hidden></p></fieldset>" : "";

    el.classList.add("cf");
    el.innerHTML =
      "<form class=\"cf-form\" novalidate>" +
      (rounds.length ? "" : "<p class=\"muted\">" + esc(gettext("No round has been played yet: a replay starts from a round that was played.")) + "</p>") +
      "<div class=\"cf-fields\">" + teamField + roundField + presetField + "</div>" + leverBox +
      "<div class=\"row\"><button type=\"submit\" class=\"primary\"" + (rounds.length ? "" : " disabled") + ">" + esc(gettext("Replay")) + "</button>" +
      "<p class=\"cf-status muted\" id=\"" + id("status") + "\" role=\"status\" aria-live=\"polite\"></p></div>" +
      "<p class=\"error cf-form-error\" id=\"" + id("form-error") + "\" role=\"alert\" hidden></p>" +
      "</form>" +
      "<section class=\"cf-result\" id=\"" + id("result") + "\" aria-labelledby=\"" + id("result-title") + "\" hidden>" +
      "<h3 id=\"" + id("result-title") + "\">" + esc(gettext("As played and what if")) + "</h3>" +
      "<p class=\"cf-change\" id=\"" + id("change") + "\"></p>" +
      "<div class=\"cf-field cf-kpi-pick\"><label for=\"" + id("kpi") + "\">" + esc(gettext("KPI to compare")) + "</label>" +
      "<select id=\"" + id("kpi") + "\" aria-describedby=\"" + id("kpi-about") + "\"></select>" +
      "<p class=\"muted small\" id=\"" + id("kpi-about") + "\"></p></div>" +
      "<p class=\"cf-summary\" id=\"" + id("summary") + "\"></p>" +
      "<div class=\"chart-box cf-chart-box\"><canvas id=\"" + id("chart") + "\" role=\"img\" aria-label=\"" + esc(gettext("Chart of the KPI as played and what if, by round; the table below has the same figures")) + "\"></canvas></div>" +
      "<div class=\"table-scroll\" id=\"" + id("table-box") + "\" role=\"region\" tabindex=\"0\" aria-labelledby=\"" + id("table-caption") + "\"></div>" +
      "<div id=\"" + id("levers-box") + "\"></div>" +
      "</section>";

    var form = el.querySelector("form");
    var q = function (name) { return el.querySelector("#" + id(name)); };
    var presetSelect = q("preset");

    function showPresetHelp() {
      var p = presets.filter(function (x) { return x.key === presetSelect.value; })[0];
      q("preset-help").textContent = p && p.help ? p.help :
        (presetSelect.value ? "" : gettext("Replays with the lever changes you add below; with none, the rounds as they were played."));
    }
    presetSelect.addEventListener("change", showPresetHelp);
    showPresetHelp();

    // ---- lever edits ---------------------------------------------------------------------------------
    function leverOptions() {
      var groups = {};
      var order = [];
      levers.forEach(function (s) {
        var g = s.role_title || s.role;
        if (!groups[g]) { groups[g] = []; order.push(g); }
        groups[g].push("<option value=\"" + esc(s.name) + "\">" + esc(s.label) + "</option>");
      });
      return "<option value=\"\">" + esc(gettext("Choose a lever…")) + "</option>" + order.map(function (g) {
        return "<optgroup label=\"" + esc(g) + "\">" + groups[g].join("") + "</optgroup>";
      }).join("");
    }

    function valueControl(rowId, spec) {
      var vid = rowId + "-value", err = rowId + "-error";
      var attrs = " id=\"" + vid + "\" aria-describedby=\"" + err + " " + vid + "-hint\"";
      if (!spec) return "<input type=\"text\" id=\"" + vid + "\" aria-describedby=\"" + err + "\" disabled>";
      var shown = spec.display || { unit: spec.unit, scale: 1, step: 1 };
      var hint = "";
      var control;
      if (spec.kind === "int" || spec.kind === "float") {
        var lo = spec.min * shown.scale, hi = spec.max * shown.scale;
        control = "<input type=\"number\" inputmode=\"decimal\"" + attrs + " min=\"" + lo + "\" max=\"" + hi +
          "\" step=\"" + (spec.kind === "int" ? 1 : "any") + "\">";
        hint = say(gettext("From %(low)s to %(high)s"), { low: figure(lo), high: figure(hi) }) + " " + (shown.unit || "");
      } else if (spec.kind === "int_list") {
        control = "<input type=\"text\"" + attrs + " placeholder=\"" + esc((spec.default || []).join(", ")) + "\">";
        hint = say(gettext("%(n)s whole numbers separated by commas"), { n: spec.length || "" }) +
          (spec.item_labels ? " (" + spec.item_labels.join(", ") + ")" : "") + ", " + (shown.unit || "");
      } else if (spec.kind === "choice") {
        control = "<select" + attrs + ">" + spec.choices.map(function (c) {
          return "<option value=\"" + esc(c) + "\">" + esc(c) + "</option>";
        }).join("") + "</select>";
      } else {
        control = "<select multiple size=\"4\"" + attrs + ">" + spec.choices.map(function (c) {
          var label = spec.choice_labels && spec.choice_labels[c] ? spec.choice_labels[c] : c;
          return "<option value=\"" + esc(c) + "\">" + esc(label) + "</option>";
        }).join("") + "</select>";
        hint = gettext("Hold Ctrl (or ⌘) to pick several; the order is the list's.");
      }
      return control + "<span class=\"muted small cf-hint\" id=\"" + vid + "-hint\">" + esc(hint) + "</span>";
    }

    function addLeverRow() {
      leverRows += 1;
      var rowId = id("lever-" + leverRows);
      var row = document.createElement("div");
      row.className = "cf-lever-row";
      row.id = rowId;
      row.innerHTML =
        "<div class=\"cf-field\"><label for=\"" + rowId + "-name\">" + esc(gettext("Lever")) + "</label><select id=\"" + rowId + "-name\" aria-describedby=\"" +
        rowId + "-error\">" + leverOptions() + "</select></div>" +
        "<div class=\"cf-field cf-value\"><label for=\"" + rowId + "-value\">" + esc(gettext("New value")) + "</label><span class=\"cf-value-box\">" +
        valueControl(rowId, null) + "</span></div>" +
        "<button type=\"button\" class=\"cf-remove\" aria-label=\"" + esc(gettext("Remove this lever change")) + "\">" + esc(gettext("Remove")) + "</button>" +
        "<p class=\"cf-error\" id=\"" + rowId + "-error\" hidden></p>";
      q("lever-rows").appendChild(row);
      var nameSelect = row.querySelector("#" + rowId + "-name");
      nameSelect.addEventListener("change", function () {
        var spec = leverByName[nameSelect.value];
        row.dataset.lever = nameSelect.value;
        row.querySelector(".cf-value-box").innerHTML = valueControl(rowId, spec);
        var label = row.querySelector("label[for=\"" + rowId + "-value\"]");
        label.textContent = spec ? say(gettext("New value (%(unit)s)"), { unit: (spec.display && spec.display.unit) || spec.unit || gettext("choice") }) : gettext("New value");
        clearError(rowId);
      });
      row.querySelector(".cf-remove").addEventListener("click", function () {
        row.remove();
        var add = el.querySelector(".cf-add-lever");
        if (add) add.focus();
      });
      nameSelect.focus();
    }
    if (levers) el.querySelector(".cf-add-lever").addEventListener("click", addLeverRow);

    function leverValue(row) {
      var spec = leverByName[row.dataset.lever];
      var input = row.querySelector("#" + row.id + "-value");
      if (!spec || !input) return undefined;
      if (spec.kind === "int" || spec.kind === "float") {
        if (input.value.trim() === "") return null;
        var n = Number(input.value);
        return window.LabFormat ? window.LabFormat.leverSent(n, spec) : n / ((spec.display && spec.display.scale) || 1);
      }
      if (spec.kind === "int_list") {
        return input.value.split(/[\s,;]+/).filter(Boolean).map(function (t) { return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t; });
      }
      if (spec.kind === "choice") return input.value;
      return Array.from(input.selectedOptions).map(function (o) { return o.value; });
    }

    // ---- errors at the field -------------------------------------------------------------------------
    function errorTarget(fieldName) {
      if (!fieldName) return null;
      if (fieldName === "team" || fieldName === "from_round" || fieldName === "preset") {
        return q(fieldName) ? { err: q(fieldName + "-error"), control: q(fieldName) } : null;
      }
      var rows = el.querySelectorAll(".cf-lever-row");
      for (var i = 0; i < rows.length; i++) {
        if (rows[i].dataset.lever === fieldName) {
          return { err: rows[i].querySelector("#" + rows[i].id + "-error"),
            control: rows[i].querySelector("#" + rows[i].id + "-value") || rows[i].querySelector("select") };
        }
      }
      if (levers) return { err: q("levers-error"), control: el.querySelector(".cf-lever-row select") || el.querySelector(".cf-add-lever") };
      return null;
    }
    function clearError(prefix) {
      var err = el.querySelector("#" + prefix + "-error");
      if (err) { err.hidden = true; err.textContent = ""; }
    }
    function clearErrors() {
      el.querySelectorAll(".cf-error").forEach(function (p) { p.hidden = true; p.textContent = ""; });
      el.querySelectorAll("[aria-invalid]").forEach(function (c) { c.removeAttribute("aria-invalid"); });
      var fe = q("form-error"); fe.hidden = true; fe.textContent = "";
    }
    function showError(error) {
      var target = errorTarget(error.field);
      var message = error.message || gettext("The replay failed: try again.");
      if (target && target.err) {
        target.err.textContent = message;
        target.err.hidden = false;
        if (target.control) {
          target.control.setAttribute("aria-invalid", "true");
          target.control.focus();
        }
      } else {
        var fe = q("form-error");
        fe.textContent = message;
        fe.hidden = false;
      }
      q("status").textContent = say(gettext("The replay did not run: %(message)s"), { message: message });
    }

    // ---- results -------------------------------------------------------------------------------------
    function kpiKeys() {
      var row = answer && answer.rounds[0];
      return Object.keys(kpis).filter(function (k) { return !row || k in row.counterfactual; });
    }

    function fillKpiSelect() {
      var pick = q("kpi");
      var keep = pick.value || opts.defaultKpi || "scorecard";
      var keys = kpiKeys();
      if (keys.indexOf(keep) < 0) keep = keys[0];
      pick.innerHTML = keys.map(function (k) {
        return "<option value=\"" + esc(k) + "\"" + (k === keep ? " selected" : "") + ">" + esc(kpis[k].label) + "</option>";
      }).join("");
    }

    function tableHtml(key) {
      var spec = kpis[key];
      var rowsHtml = answer.rounds.map(function (r) {
        var a = r.actual[key], c = r.counterfactual[key];
        var delta = typeof a === "number" && typeof c === "number" ? c - a : null;
        return "<tr data-round=\"" + r.round + "\"><th scope=\"row\">" + esc(roundName(r.round)) + "</th>" +
          "<td class=\"num\" data-side=\"actual\">" + esc(fmtKpi(a, spec, currency)) + "</td>" +
          "<td class=\"num\" data-side=\"counterfactual\">" + esc(fmtKpi(c, spec, currency)) + "</td>" +
          "<td class=\"num\">" + esc(delta === null ? "–" : delta === 0 ? gettext("no difference") : fmtChange(delta, spec, currency)) + "</td></tr>";
      }).join("");
      return "<table class=\"table cf-table\" id=\"" + id("table") + "\"><caption id=\"" + id("table-caption") + "\">" +
        esc(say(gettext("%(kpi)s: as played and what if, round by round"), { kpi: spec.label })) + "</caption>" +
        "<thead><tr><th scope=\"col\">" + esc(gettext("Round")) + "</th><th scope=\"col\" class=\"num\">" + esc(gettext("As played")) + "</th>" +
        "<th scope=\"col\" class=\"num\">" + esc(gettext("What if")) + "</th><th scope=\"col\" class=\"num\">" + esc(gettext("Difference")) + "</th></tr></thead>" +
        "<tbody>" + rowsHtml + "</tbody></table>";
    }

    function leversHtml() {
      var rowsHtml = [];
      answer.rounds.forEach(function (r) {
        Object.keys(r.changed_levers).forEach(function (name) {
          var spec = leverByName[name];
          var text = function (v) {
            if (spec && window.LabFormat) return window.LabFormat.leverText(v, spec, currency);
            return Array.isArray(v) ? v.join(", ") : String(v);
          };
          var ch = r.changed_levers[name];
          rowsHtml.push("<tr><th scope=\"row\">" + esc(roundName(r.round)) + "</th><td>" + esc(spec ? spec.label : name) + "</td><td>" +
            esc(text(ch.actual)) + "</td><td>" + esc(text(ch.counterfactual)) + "</td></tr>");
        });
      });
      if (!rowsHtml.length) return "<p class=\"muted\">" + esc(gettext("No lever changed: the replay ran the rounds as they were played.")) + "</p>";
      return "<details class=\"cf-changed\"><summary>" + esc(gettext("The levers that changed, round by round")) + "</summary>" +
        "<div class=\"table-scroll\"><table class=\"table\"><caption class=\"visually-hidden\">" + esc(gettext("Levers as played and what if")) + "</caption>" +
        "<thead><tr>" + [gettext("Round"), gettext("Lever"), gettext("As played"), gettext("What if")].map(function (h) {
          return "<th scope=\"col\">" + esc(h) + "</th>"; }).join("") + "</tr></thead>" +
        "<tbody>" + rowsHtml.join("") + "</tbody></table></div></details>";
    }

    function summaryText(key) {
      var spec = kpis[key];
      var last = answer.rounds[answer.rounds.length - 1];
      var a = last.actual[key], c = last.counterfactual[key];
      if (typeof a !== "number" || typeof c !== "number") return "";
      var parts = { round: last.round, kpi: spec.label, actual: fmtKpi(a, spec, currency), whatif: fmtKpi(c, spec, currency),
        difference: a === c ? gettext("the same") : fmtChange(c - a, spec, currency) };
      if (a === c || !spec.better) return say(gettext("In round %(round)s, %(kpi)s: %(actual)s as played, %(whatif)s with the change: %(difference)s."), parts);
      return say((c > a) === (spec.better === "up") ? gettext("In round %(round)s, %(kpi)s: %(actual)s as played, %(whatif)s with the change: %(difference)s (better).")
        : gettext("In round %(round)s, %(kpi)s: %(actual)s as played, %(whatif)s with the change: %(difference)s (worse)."), parts);
    }

    function drawChart(key) {
      var spec = kpis[key];
      var canvas = q("chart");
      canvas.setAttribute("aria-label", say(gettext("Line chart of %(kpi)s as played and what if, by round; the table below has the same figures"), { kpi: spec.label }));
      if (!window.Chart) return;
      var data = {
        labels: answer.rounds.map(function (r) { return roundName(r.round); }),
        datasets: [
          { label: gettext("As played"), data: answer.rounds.map(function (r) { return plotted(r.actual[key], spec); }),
            borderColor: ACTUAL_COLOUR, backgroundColor: ACTUAL_COLOUR, pointStyle: "circle", pointRadius: 4 },
          { label: gettext("What if"), data: answer.rounds.map(function (r) { return plotted(r.counterfactual[key], spec); }),
            borderColor: WHATIF_COLOUR, backgroundColor: WHATIF_COLOUR, borderDash: [6, 4], pointStyle: "triangle", pointRadius: 5 }
        ]
      };
      var options = {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: {
          legend: { labels: { usePointStyle: true } },
          tooltip: { callbacks: { label: function (ctx) {
            var row = answer.rounds[ctx.dataIndex];
            var raw = ctx.datasetIndex === 0 ? row.actual[key] : row.counterfactual[key];
            return ctx.dataset.label + ": " + fmtKpi(raw, spec, currency);
          } } }
        },
        scales: { y: { title: { display: true, text: spec.label + " (" + unitText(spec) + ")" },
          suggestedMin: spec.unit === "score" ? 0 : undefined, suggestedMax: spec.unit === "score" ? 100 : undefined } }
      };
      if (chart) { chart.data = data; chart.options = options; chart.update(); }
      else chart = new window.Chart(canvas, { type: "line", data: data, options: options });
    }

    function showKpi() {
      var key = q("kpi").value;
      var spec = kpis[key];
      if (!spec) return;
      var better = spec.better === "up" ? gettext("Higher is better.") : spec.better === "down" ? gettext("Lower is better.") :
        gettext("Neither higher nor lower is better in itself.");
      q("kpi-about").textContent = better + " " + say(gettext("Unit: %(unit)s."), { unit: unitText(spec) });
      q("summary").textContent = summaryText(key);
      patch(q("table-box"), tableHtml(key));
      drawChart(key);
      el.dataset.kpi = key;
    }
    q("kpi").addEventListener("change", showKpi);

    function render() {
      q("change").textContent = (answer.team && opts.teams ? answer.team.name + ": " : "") + answer.change;
      fillKpiSelect();
      patch(q("levers-box"), leversHtml());
      q("result").hidden = false;
      showKpi();
    }

    // ---- posting -------------------------------------------------------------------------------------
    function body() {
      var out = { from_round: parseInt(q("from_round").value, 10), preset: presetSelect.value || null };
      if (opts.teams) out.team = parseInt(q("team").value, 10);
      if (levers) {
        var edits = {};
        el.querySelectorAll(".cf-lever-row").forEach(function (row) {
          if (row.dataset.lever) edits[row.dataset.lever] = leverValue(row);
        });
        out.levers = edits;
      }
      return out;
    }

    function run() {
      clearErrors();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      el.setAttribute("aria-busy", "true");
      q("status").textContent = gettext("Replaying…");
      return fetch(opts.url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(opts) },
        body: JSON.stringify(body())
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok || data.error) {
            showError(data.error || { message: say(gettext("The replay failed (%(status)s): try again."), { status: response.status }) });
            return;
          }
          answer = data;
          render();
          q("status").textContent = say(gettext("Replayed: %(change)s"), { change: data.change });
        });
      }).catch(function () {
        showError({ message: gettext("The server could not be reached: check the connection and try again.") });
      }).then(function () {
        button.disabled = !rounds.length;
        el.removeAttribute("aria-busy");
      });
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });

    return { run: run, element: el };
  }

  window.LabCounterfactual = { mount: mount };
})();
