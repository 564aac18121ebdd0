// The debrief page: the server renders every figure (tables, drill-downs, the ranking in words); this
// script only draws the chosen KPI as a chart, rewrites its table with the same figures, and shows one
// team's drill-down at a time on screen (print shows them all: debrief.css).
(function () {
  "use strict";

  var dataEl = document.getElementById("debrief-data");
  var pick = document.getElementById("kpi-pick");
  if (!dataEl || !pick) return;  // no month closed yet: nothing to chart
  var data = JSON.parse(dataEl.textContent);
  var series = data.series, kpis = data.kpis, currency = data.currency;
  var fmt = window.LabFormat;
  function say(text, params) { return interpolate(text, params, true); }  // gettext's named placeholders
  function month(n) { return say(gettext("Month %(n)s"), { n: n }); }

  // Okabe-Ito: told apart with colour blindness; lines also differ by dash and point shape.
  var COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#8C6D1F"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [12, 6], [4, 8]];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "star", "crossRot", "rectRounded", "cross"];

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // What the chart plots: shares as percentages, like every label on the page.
  function plotted(v, spec) {
    if (typeof v !== "number") return null;
    return spec.unit === "share" ? v * 100 : v;
  }

  function about(spec) {
    var better = spec.better === "up" ? gettext("Higher is better.") : spec.better === "down" ? gettext("Lower is better.") :
      gettext("Neither higher nor lower is better in itself: read it with the others.");
    return better + " " + say(gettext("Unit: %(unit)s."), { unit: spec.unit_text });
  }

  function tableHtml(key) {
    var spec = kpis[key];
    var head = "<thead><tr><th scope=\"col\">" + esc(gettext("Team")) + "</th>" + series.rounds.map(function (n) {
      return "<th scope=\"col\" class=\"num\">" + esc(month(n)) + "</th>";
    }).join("") + "</tr></thead>";
    var body = "<tbody>" + series.teams.map(function (t) {
      return "<tr><th scope=\"row\">" + esc(t.team) + "</th>" + t.values[key].map(function (v) {
        return "<td class=\"num\">" + esc(fmt.kpi(v, spec, currency)) + "</td>";
      }).join("") + "</tr>";
    }).join("") + "</tbody>";
    return "<table class=\"table debrief-table\" id=\"kpi-table\"><caption id=\"kpi-table-caption\">" +
      esc(say(gettext("%(kpi)s by team and month"), { kpi: spec.label })) + "</caption>" + head + body + "</table>";
  }

  var chart = null;
  function chartData(key) {
    var spec = kpis[key];
    return {
      labels: series.rounds.map(month),
      datasets: series.teams.map(function (t, i) {
        var colour = COLOURS[i % COLOURS.length];
        return { label: t.team, data: t.values[key].map(function (v) { return plotted(v, spec); }),
          borderColor: colour, backgroundColor: colour, borderDash: DASHES[i % DASHES.length],
          pointStyle: POINTS[i % POINTS.length], pointRadius: 4, spanGaps: true };
      })
    };
  }

  function drawChart(key) {
    var spec = kpis[key];
    var canvas = document.getElementById("kpi-chart");
    canvas.setAttribute("aria-label", say(gettext("Line chart of the %(kpi)s of each team by month; the table below has the same figures"), { kpi: spec.label }));
    if (!window.Chart) return;
    var options = {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: {
        legend: { labels: { usePointStyle: true } },
        tooltip: { callbacks: { label: function (ctx) {
          var raw = series.teams[ctx.datasetIndex].values[key][ctx.dataIndex];
          return ctx.dataset.label + ": " + fmt.kpi(raw, spec, currency);
        } } }
      },
      scales: { y: { title: { display: true, text: spec.label + " (" + spec.unit_text + ")" },
                     suggestedMin: spec.unit === "score" ? 0 : undefined,
                     suggestedMax: spec.unit === "score" ? 100 : undefined } }
    };
    if (chart) { chart.data = chartData(key); chart.options = options; chart.update(); }
    else chart = new window.Chart(canvas, { type: "line", data: chartData(key), options: options });
  }

  function showKpi(key) {
    if (!kpis[key]) return;
    document.getElementById("kpi-about").textContent = about(kpis[key]);
    fmt.patch(document.getElementById("kpi-table-box"), tableHtml(key));
    drawChart(key);
    document.getElementById("kpi-explorer").dataset.kpi = key;
  }
  pick.addEventListener("change", function () { showKpi(pick.value); });
  showKpi(pick.value);

  // One team's drill-down on screen; "all" shows every team (print always does).
  var teamPick = document.getElementById("team-pick");
  function showTeam(number) {
    document.querySelectorAll(".team-drill").forEach(function (section) {
      section.classList.toggle("is-folded", number !== "all" && section.dataset.team !== number);
    });
  }
  if (teamPick) {
    teamPick.addEventListener("change", function () { showTeam(teamPick.value); });
    showTeam(teamPick.value);
  }

  var printButton = document.getElementById("print-button");
  if (printButton) printButton.addEventListener("click", function () { window.print(); });
  // "Print the stories": the teams' stories alone, one team a page (story.css), then the page as it was.
  var storiesButton = document.getElementById("print-stories");
  if (storiesButton) storiesButton.addEventListener("click", function () {
    document.body.classList.add("print-stories");
    window.print();
  });
  window.addEventListener("afterprint", function () { document.body.classList.remove("print-stories"); });
})();
