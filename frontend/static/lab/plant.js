// The picture of the plant: the five-station line drawn from the server's plant view, detailed for
// engineering, summarised for the others, with a text alternative (a one-sentence caption and a table).
//
//   LabPlant.html(plant, idPrefix) -> "<figure>...</figure>" (an HTML string; the caller patches it in)
//
// plant = { detail: bool, round: number | null, stations: [ in line order:
//   always:      { station, bottleneck, failures (this round, or null), downtime_hours (or null),
//                  health: "good" | "worn" | "critical" }
//   detail only: rate, effective_rate (u/h), wear (share of the characteristic life used, 0..1+),
//                pm_backlog_hours, pm_hours_done, expected_failures_next_month, buffer_after (u, or null
//                after the last station), buffer_capacity (u, or null; optional: without it the tray is
//                drawn empty, the figure beside it), output (u this round) ] }
//
// Two drawings of the same line: a row, left to right, where the figure is wide enough, and a column,
// top to bottom, on phones (plant.css picks one with a container query; the other is display:none, so
// out of the accessibility tree). Every id comes from idPrefix, so two pictures can share a page.
(function () {
  "use strict";
  // Django's catalog (/jsi18n/, loaded by base.html) when the page has it; English as written otherwise
  // (a bare page, as the picture's tests build).
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\(\w+\)s/g, function (m) { return String(obj[m.slice(2, -2)]); });
  };
  function say(text, params) { return interpolate(text, params, true); }

  var HEALTH = { good: gettext("Good"), worn: gettext("Worn"), critical: gettext("Critical") };
  var DASH = "\u2013";  // a figure not there (before the first round)
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function esc(text) {
    if (window.labEscape) return window.labEscape(text);
    return (text == null ? "" : String(text)).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }

  function stationName(n) { return say(gettext("Station %(n)s"), { n: n }); }
  // The drawing's words (the table's headers are below).
  var WORDS = { rate: gettext("Rate"), effective: gettext("Effective"), wear: gettext("Wear"), pmDone: gettext("PM done"),
    pmBacklog: gettext("PM backlog"), breakdowns: gettext("Breakdowns"), downtime: gettext("Downtime"), perHour: gettext("u/h") };

  function isNum(v) { return typeof v === "number" && isFinite(v); }

  // 1234.5 -> "1,234.5" (in English; "1.234,5" in German: the page's language); 38.0 -> "38"; not a number
  // -> null (callers show a dash).
  var formats = {};
  function fmt(v, digits) {
    if (!isNum(v)) return null;
    var lang = document.documentElement.lang || "en", key = lang + ":" + (digits || 0);
    if (!formats[key]) formats[key] = new Intl.NumberFormat(lang, { maximumFractionDigits: digits || 0 });
    var scale = Math.pow(10, digits || 0), rounded = Math.round(v * scale) / scale;
    return formats[key].format(rounded === 0 ? 0 : v);  // no "-0"
  }

  function withUnit(v, digits, unit) {
    var s = fmt(v, digits);
    return s === null ? DASH : s + (unit ? " " + unit : "");
  }

  function pct(wear) { return isNum(wear) ? fmt(wear * 100, 0) + "%" : DASH; }

  function n(x) { return Math.round(x * 10) / 10; }  // SVG coordinates, short

  function text(x, y, content, cls, anchor) {
    return '<text x="' + n(x) + '" y="' + n(y) + '" class="' + cls + '"' +
      (anchor ? ' text-anchor="' + anchor + '"' : "") + ">" + content + "</text>";
  }

  // "Label <b>value</b>" on one line.
  function labelled(x, y, label, value) {
    return text(x, y, esc(label) + ' <tspan class="plant-val">' + esc(value) + "</tspan>", "plant-text");
  }

  // Label at the left, value at the right of a column [x, x + w].
  function row(x, y, w, label, value) {
    return text(x, y, esc(label), "plant-text") + text(x + w, y, esc(value), "plant-text plant-val", "end");
  }

  // Health: a shape (circle with a tick, triangle with "!", octagon with a cross) in the health colour.
  function healthIcon(health, cx, cy) {
    var r = 8, out = '<g class="plant-icon is-' + health + '" aria-hidden="true">';
    if (health === "good") {
      out += '<circle cx="' + n(cx) + '" cy="' + n(cy) + '" r="' + r + '" class="plant-icon-shape"/>' +
        '<path d="M' + n(cx - 4) + " " + n(cy) + " l3 3 l5 -6" + '" class="plant-icon-mark"/>';
    } else if (health === "worn") {
      out += '<polygon points="' + [n(cx), n(cy - 9), n(cx + 9), n(cy + 7), n(cx - 9), n(cy + 7)].join(" ") +
        '" class="plant-icon-shape"/>' + '<path d="M' + n(cx) + " " + n(cy - 4) + " v5 M" + n(cx) + " " + n(cy + 3.5) +
        ' v0.5" class="plant-icon-mark"/>';
    } else {
      var pts = [], k, a;
      for (k = 0; k < 8; k++) { a = Math.PI / 8 + k * Math.PI / 4; pts.push(n(cx + 9 * Math.cos(a)), n(cy + 9 * Math.sin(a))); }
      out += '<polygon points="' + pts.join(" ") + '" class="plant-icon-shape"/>' +
        '<path d="M' + n(cx - 3.5) + " " + n(cy - 3.5) + " l7 7 M" + n(cx + 3.5) + " " + n(cy - 3.5) + ' l-7 7" class="plant-icon-mark"/>';
    }
    return out + "</g>";
  }

  // Icon then word from x; or, with toRight, word then icon ending at x.
  function healthMark(st, x, cy, toRight) {
    var word = esc(HEALTH[st.health]), cls = "plant-health is-" + st.health;
    if (toRight) return text(x - 24, cy + 5, word, cls, "end") + healthIcon(st.health, x - 9, cy);
    return healthIcon(st.health, x + 9, cy) + text(x + 24, cy + 5, word, cls);
  }

  // The bottleneck: a dark tag with a funnel and the word, a second outline round the box.
  function bottleneckTag(x, y, w, h) {
    var fy = y + (h - 13) / 2, fx = x + 8;
    return '<g class="plant-bottleneck-tag"><rect x="' + n(x) + '" y="' + n(y) + '" width="' + n(w) + '" height="' + n(h) +
      '" rx="5" class="plant-tag"/><polygon points="' + [n(fx), n(fy), n(fx + 14), n(fy), n(fx + 9), n(fy + 6), n(fx + 9), n(fy + 13),
        n(fx + 5), n(fy + 13), n(fx + 5), n(fy + 6)].join(" ") + '" class="plant-tag-icon" aria-hidden="true"/>' +
      text(fx + 20, y + h / 2 + 5, esc(gettext("Bottleneck")), "plant-tag-text") + "</g>";
  }

  function box(st, x, y, w, h) {
    var cls = "plant-box is-" + st.health + (st.bottleneck ? " is-bottleneck" : "");
    return (st.bottleneck ? '<rect x="' + n(x - 6) + '" y="' + n(y - 6) + '" width="' + n(w + 12) + '" height="' + n(h + 12) +
      '" rx="9" class="plant-ring"/>' : "") +
      '<rect x="' + n(x) + '" y="' + n(y) + '" width="' + n(w) + '" height="' + n(h) + '" rx="6" class="' + cls + '"/>';
  }

  // Wear as a bar: the share of the characteristic life used (full past 100%).
  function wearBar(st, x, y, w) {
    var f = isNum(st.wear) ? Math.max(0, Math.min(st.wear, 1)) : 0;
    return '<rect x="' + n(x) + '" y="' + n(y) + '" width="' + n(w) + '" height="10" rx="2" class="plant-track"/>' +
      (f > 0 ? '<rect x="' + n(x) + '" y="' + n(y) + '" width="' + n(w * f) + '" height="10" rx="2" class="plant-bar is-' + st.health + '"/>' : "");
  }

  function arrowRight(x1, x2, y) {
    return '<path d="M' + n(x1) + " " + n(y) + " H" + n(x2 - 7) + '" class="plant-arrow"/>' +
      '<polygon points="' + [n(x2), n(y), n(x2 - 8), n(y - 5), n(x2 - 8), n(y + 5)].join(" ") + '" class="plant-arrowhead"/>';
  }

  function arrowDown(x, y1, y2) {
    return '<path d="M' + n(x) + " " + n(y1) + " V" + n(y2 - 7) + '" class="plant-arrow"/>' +
      '<polygon points="' + [n(x), n(y2), n(x - 5), n(y2 - 8), n(x + 5), n(y2 - 8)].join(" ") + '" class="plant-arrowhead"/>';
  }

  // A buffer: a tray filled to its level (units waiting / room), empty when the room is not known.
  function tray(cx, y, level) {
    var w = 26, h = 18, fill = Math.max(0, Math.min(level, 1)) * (h - 3);
    return '<g class="plant-buffer" aria-hidden="true">' +
      (fill > 0 ? '<rect x="' + n(cx - w / 2 + 2) + '" y="' + n(y + h - 1.5 - fill) + '" width="' + (w - 4) + '" height="' + n(fill) + '" class="plant-buffer-fill"/>' : "") +
      '<path d="M' + n(cx - w / 2) + " " + n(y) + " V" + n(y + h) + " H" + n(cx + w / 2) + " V" + n(y) + '" class="plant-buffer-tray"/></g>';
  }

  function level(st) {
    return isNum(st.buffer_capacity) && st.buffer_capacity > 0 ? st.buffer_after / st.buffer_capacity : 0;
  }

  // Narrow gaps in the wide drawing: 1,234 -> "1.2k".
  function compact(v) { return v >= 1000 ? fmt(v / 1000, 1) + "k" : fmt(v, 0); }

  function svgOpen(cls, w, h, labelId) {
    return '<svg class="plant-svg ' + cls + '" viewBox="0 0 ' + w + " " + n(h) + '" width="100%" role="img" aria-labelledby="' +
      labelId + '" focusable="false" preserveAspectRatio="xMidYMin meet">';
  }

  // Wide: one row of boxes, arrows and buffers between them, breakdowns and downtime under each.
  function wideSvg(plant, labelId) {
    var st = plant.stations, detail = plant.detail, COL = 220, BW = 164, TOP = 40, BH = detail ? 200 : 68;
    var H = TOP + BH + 58, out = svgOpen("plant-wide", COL * st.length, H, labelId);
    st.forEach(function (s, i) {
      var x = i * COL + (COL - BW) / 2, y = TOP, w = BW - 20;
      out += '<g class="plant-station" data-station="' + s.station + '">';
      if (s.bottleneck) out += bottleneckTag(x, 4, BW, 28);
      out += box(s, x, y, BW, BH) + text(x + 10, y + 25, esc(stationName(s.station)), "plant-title") + healthMark(s, x + 10, y + 47);
      if (detail) {
        out += row(x + 10, y + 80, w, WORDS.rate, withUnit(s.rate, 1, WORDS.perHour)) +
          row(x + 10, y + 102, w, WORDS.effective, withUnit(s.effective_rate, 1, WORDS.perHour)) +
          row(x + 10, y + 126, w, WORDS.wear, pct(s.wear)) + wearBar(s, x + 10, y + 133, w) +
          row(x + 10, y + 168, w, WORDS.pmDone, withUnit(s.pm_hours_done, 1, "h")) +
          row(x + 10, y + 190, w, WORDS.pmBacklog, withUnit(s.pm_backlog_hours, 1, "h"));
      }
      out += '<g class="plant-this-round">' + row(x + 10, y + BH + 25, w, WORDS.breakdowns, withUnit(s.failures, 0)) +
        row(x + 10, y + BH + 48, w, WORDS.downtime, withUnit(s.downtime_hours, 1, "h")) + "</g></g>";
      if (i < st.length - 1) {
        var cx = (i + 1) * COL;
        out += arrowRight(x + BW + 8, cx + (COL - BW) / 2 - 8, y + 20);  // clear of a bottleneck's outline
        if (detail && isNum(s.buffer_after)) {
          out += '<g class="plant-between" data-after="' + s.station + '">' + tray(cx, y + 60, level(s)) +
            text(cx, y + 98, esc(say(gettext("%(n)s u"), { n: compact(s.buffer_after) })), "plant-text", "middle") +
            (isNum(s.buffer_capacity) ? text(cx, y + 116, esc(say(gettext("of %(n)s"), { n: compact(s.buffer_capacity) })), "plant-text plant-muted", "middle") : "") + "</g>";
        }
      }
    });
    return out + "</svg>";
  }

  // Narrow (phones): one box per row, top to bottom, with arrows and buffers between rows.
  function narrowSvg(plant, labelId) {
    var st = plant.stations, detail = plant.detail, W = 320, X = 6, BW = 308, RH = detail ? 134 : 60, GAP = detail ? 46 : 36;
    var H = 2 * X + st.length * RH + (st.length - 1) * GAP, out = svgOpen("plant-narrow", W, H, labelId);
    st.forEach(function (s, i) {
      var y = X + i * (RH + GAP), c2 = X + 160;
      out += '<g class="plant-station" data-station="' + s.station + '">' + box(s, X, y, BW, RH) +
        text(X + 12, y + 25, esc(stationName(s.station)), "plant-title");
      if (s.bottleneck) out += bottleneckTag(X + 98, y + 7, 108, 26);
      out += healthMark(s, X + BW - 10, y + 20, true);
      var yr = y + 50;
      if (detail) {
        out += labelled(X + 12, y + 50, WORDS.rate, withUnit(s.rate, 1, WORDS.perHour)) + labelled(c2, y + 50, WORDS.effective, withUnit(s.effective_rate, 1, WORDS.perHour)) +
          labelled(X + 12, y + 75, WORDS.wear, pct(s.wear)) + wearBar(s, X + 110, y + 65, BW - 122) +
          labelled(X + 12, y + 100, WORDS.pmDone, withUnit(s.pm_hours_done, 1, "h")) + labelled(c2, y + 100, WORDS.pmBacklog, withUnit(s.pm_backlog_hours, 1, "h"));
        yr = y + 124;
      }
      out += '<g class="plant-this-round">' + labelled(X + 12, yr, WORDS.breakdowns, withUnit(s.failures, 0)) +
        labelled(c2, yr, WORDS.downtime, withUnit(s.downtime_hours, 1, "h")) + "</g></g>";
      if (i < st.length - 1) {
        out += arrowDown(X + 36, y + RH + 8, y + RH + GAP - 8);
        if (detail && isNum(s.buffer_after)) {
          out += '<g class="plant-between" data-after="' + s.station + '">' + tray(X + 70, y + RH + 14, level(s)) +
            text(X + 92, y + RH + 29, esc(isNum(s.buffer_capacity)
              ? say(gettext("%(n)s of %(capacity)s u waiting"), { n: fmt(s.buffer_after, 0), capacity: fmt(s.buffer_capacity, 0) })
              : say(gettext("%(n)s u waiting"), { n: fmt(s.buffer_after, 0) })), "plant-text") + "</g>";
        }
      }
    });
    return out + "</svg>";
  }

  function list(words) {
    return words.length < 2 ? words.join("") :
      say(gettext("%(first)s and %(last)s"), { first: words.slice(0, -1).join(", "), last: words[words.length - 1] });
  }

  function sum(stations, key) {
    var total = null;
    stations.forEach(function (s) { if (isNum(s[key])) total = (total || 0) + s[key]; });
    return total;
  }

  // One sentence in plain words: the bottleneck, the breakdowns and what they cost, critical stations.
  function sentence(plant) {
    var st = plant.stations, parts = [];
    var necks = st.filter(function (s) { return s.bottleneck; }).map(function (s) { return String(s.station); });
    if (necks.length) parts.push(say(ngettext("station %(stations)s is the bottleneck", "stations %(stations)s are the bottlenecks", necks.length),
                                     { stations: list(necks) }));
    var failures = sum(st, "failures"), hours = sum(st, "downtime_hours"), round = plant.round, inRound = isNum(round);
    if (failures === null) parts.push(inRound ? say(gettext("no breakdown figures for round %(round)s"), { round: round }) : gettext("no round has run yet"));
    else if (failures === 0) parts.push(inRound ? say(gettext("no breakdowns in round %(round)s"), { round: round }) : gettext("no breakdowns this round"));
    else {
      var cost = { n: fmt(failures, 0), round: round, hours: say(ngettext("%(n)s hour", "%(n)s hours", hours || 0), { n: fmt(hours || 0, 1) }) };
      parts.push(say(inRound ? ngettext("%(n)s breakdown cost %(hours)s of downtime in round %(round)s", "%(n)s breakdowns cost %(hours)s of downtime in round %(round)s", failures)
        : ngettext("%(n)s breakdown cost %(hours)s of downtime this round", "%(n)s breakdowns cost %(hours)s of downtime this round", failures), cost));
    }
    var critical = st.filter(function (s) { return s.health === "critical"; }).map(function (s) { return String(s.station); });
    if (critical.length) parts.push(say(ngettext("station %(stations)s is in critical condition", "stations %(stations)s are in critical condition", critical.length),
                                        { stations: list(critical) }));
    var s = parts.join("; ");
    return s.charAt(0).toUpperCase() + s.slice(1) + ".";
  }

  // A figure in a table cell: a dash that reads as words.
  function cell(value) {
    return value === DASH ? '<td><span aria-hidden="true">' + DASH + '</span><span class="plant-sr">' + esc(gettext("no figure yet")) + "</span></td>"
      : "<td>" + esc(value) + "</td>";
  }

  var SUMMARY_COLS = [[gettext("Health"), function (s) { return HEALTH[s.health]; }],
    [gettext("Breakdowns this round"), function (s) { return withUnit(s.failures, 0); }],
    [gettext("Downtime this round (h)"), function (s) { return withUnit(s.downtime_hours, 1); }]];
  var DETAIL_COLS = [[gettext("Rate (u/h)"), function (s) { return withUnit(s.rate, 1); }],
    [gettext("Effective rate (u/h)"), function (s) { return withUnit(s.effective_rate, 1); }],
    // xgettext:no-javascript-format ("% o" is text, not a directive)
    [gettext("Wear (% of life)"), function (s) { return pct(s.wear); }],
    [gettext("PM done this round (h)"), function (s) { return withUnit(s.pm_hours_done, 1); }],
    [gettext("PM backlog (h)"), function (s) { return withUnit(s.pm_backlog_hours, 1); }],
    [gettext("Expected failures next month"), function (s) { return withUnit(s.expected_failures_next_month, 2); }],
    [gettext("Buffer after (u)"), function (s) { return withUnit(s.buffer_after, 0); }],
    [gettext("Buffer capacity (u)"), function (s) { return withUnit(s.buffer_capacity, 0); }, "buffer_capacity"],
    [gettext("Output this round (u)"), function (s) { return withUnit(s.output, 0); }]];

  function table(plant, captionId) {
    var cols = plant.detail ? SUMMARY_COLS.concat(DETAIL_COLS.filter(function (c) {  // an optional figure only when given
      return !c[2] || plant.stations.some(function (s) { return isNum(s[c[2]]); });
    })) : SUMMARY_COLS;
    return '<div class="plant-table-scroll" role="region" tabindex="0" aria-labelledby="' + captionId + '">' +
      '<table class="plant-table"><caption id="' + captionId + '">' + esc(gettext("The line, station by station")) + '</caption><thead><tr><th scope="col">' +
      esc(gettext("Station")) + "</th>" +
      cols.map(function (c) { return '<th scope="col">' + esc(c[0]) + "</th>"; }).join("") + "</tr></thead><tbody>" +
      plant.stations.map(function (s) {
        return '<tr data-station="' + s.station + '"' + (s.bottleneck ? ' class="is-bottleneck"' : "") + '><th scope="row">' + esc(stationName(s.station)).replace(/ /g, "&nbsp;") +
          (s.bottleneck ? ' <span class="plant-table-tag">' + esc(gettext("Bottleneck")) + "</span>" : "") + "</th>" +
          cols.map(function (c) { return cell(c[1](s)); }).join("") + "</tr>";
      }).join("") + "</tbody></table></div>";
  }

  // A broken contract fails loudly and names the offender.
  function check(plant) {
    if (!plant || !Array.isArray(plant.stations)) throw new Error("LabPlant.html: plant.stations must be a list");
    plant.stations.forEach(function (s, i) {
      if (!HEALTH.hasOwnProperty(s.health)) {
        throw new Error("LabPlant.html: station " + (s.station || i + 1) + " has health " + JSON.stringify(s.health) +
                        " (expected good, worn or critical)");
      }
      if (!isNum(s.station)) throw new Error("LabPlant.html: stations[" + i + "].station must be a number");
    });
  }

  function html(plant, idPrefix) {
    check(plant);
    var view = { detail: !!plant.detail, round: plant.round, stations: plant.stations };
    var p = String(idPrefix || "plant").replace(/[^A-Za-z0-9_-]/g, "-");
    var summaryId = p + "-summary", captionId = p + "-table-caption";
    return '<figure class="plant ' + (view.detail ? "plant-detail" : "plant-summary") + '"' +
      (isNum(view.round) ? ' data-round="' + view.round + '"' : "") + ">" +
      '<figcaption id="' + summaryId + '" class="plant-caption">' + esc(sentence(view)) + "</figcaption>" +
      '<div class="plant-drawing">' + wideSvg(view, summaryId) + narrowSvg(view, summaryId) + "</div>" +
      '<details class="plant-details"><summary>' + esc(gettext("The line as a table")) + "</summary>" + table(view, captionId) + "</details></figure>";
  }

  // For morphdom's onBeforeElUpdated: a patch keeps the table open if the person opened it.
  function keepOpen(fromEl, toEl) {
    if (fromEl.tagName === "DETAILS" && fromEl.classList.contains("plant-details")) toEl.open = fromEl.open;
    return true;
  }

  window.LabPlant = { html: html, keepOpen: keepOpen };
})();
