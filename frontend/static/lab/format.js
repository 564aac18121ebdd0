// Figures as a manager reads them, by the unit the server gives each KPI and lever (game/dashboards.py,
// game/lever_display.py), in the page's language (<html lang>: en, de or fr; docs/i18n.md), and the one
// way pages patch the DOM (morphdom keeps focus, caret and open selects of elements that did not change).
(function () {
  "use strict";
  // Django's catalog (/jsi18n/, loaded by base.html) when the page has it; English as written otherwise
  // (a bare page, as the widget tests build).
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\(\w+\)s/g, function (m) { return String(obj[m.slice(2, -2)]); });
  };

  function lang() { return document.documentElement.lang || "en"; }
  function say(text, params) { return interpolate(text, params, true); }

  var formats = {};  // one Intl.NumberFormat per language and digits: making one is slow
  function numberFormat(min, max) {
    var key = lang() + ":" + min + ":" + max;
    if (!formats[key]) formats[key] = new Intl.NumberFormat(lang(), { minimumFractionDigits: min, maximumFractionDigits: max });
    return formats[key];
  }

  // Exactly `digits` decimals, grouped as the language groups (1,234.5 in English, 1.234,5 in German).
  function number(v, digits) {
    return numberFormat(digits, digits).format(v);
  }

  // At most `digits` decimals, trailing zeros dropped (38.0 -> "38").
  function numberUpTo(v, digits) {
    return numberFormat(0, digits || 0).format(v);
  }

  // A clock time (hours and minutes) in the page's language.
  function time(date) {
    return new Intl.DateTimeFormat(lang(), { hour: "2-digit", minute: "2-digit" }).format(date);
  }

  // Written as the server writes money in its sentences ("1,085,195 EUR"), so both read the same.
  function money(v, currency, digits) {
    return (v < 0 ? "−" : "") + number(Math.abs(v), digits || 0) + " " + (currency || "EUR");
  }

  // One KPI value with its unit; `spec` is a row of the KPI catalogue.
  function kpi(v, spec, currency) {
    if (v === null || v === undefined || v === "") return "–";
    if (typeof v !== "number") return String(v);
    var d = spec ? spec.digits : 0;
    switch (spec && spec.unit) {
      case "money": return money(v, currency, 0);
      case "money_per_unit": return say(gettext("%(money)s per unit"), { money: money(v, currency, 2) });
      case "share": return number(v * 100, d) + " %";
      case "percent": return number(v, d) + " %";
      case "hours": return number(v, d) + " h";
      case "hours_week": return say(gettext("%(n)s h a week"), { n: number(v, d) });
      case "units": return say(gettext("%(n)s units"), { n: number(v, d) });
      case "score": return number(v, d) + " / 100";
      case "station": return say(gettext("Station %(n)s"), { n: v });
      default: return number(v, d);
    }
  }

  // A change between two rounds, signed, in the KPI's unit (shares in percentage points).
  function change(delta, spec, currency) {
    if (typeof delta !== "number") return "";
    var sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
    var abs = Math.abs(delta);
    if (spec && spec.unit === "share") return say(gettext("%(n)s pts"), { n: sign + number(abs * 100, spec.digits) });
    if (spec && spec.unit === "station") return "";
    return sign + kpi(abs, spec, currency);
  }

  // A lever value as typed and shown (25 % for 0.25) and back.
  function leverShown(v, spec) {
    if (typeof v !== "number") return v;
    var s = spec.display ? spec.display.scale : 1;
    return Math.round(v * s * 1000) / 1000;
  }
  function leverSent(v, spec) {
    if (typeof v !== "number") return v;
    var s = spec.display ? spec.display.scale : 1;
    return s === 1 ? v : Math.round(v / s * 100000) / 100000;
  }
  function leverText(v, spec, currency) {
    if (v === null || v === undefined) return "–";
    if (Array.isArray(v)) return v.join(", ");
    if (typeof v !== "number") return String(v);
    if (spec.display && spec.display.money) return say(gettext("%(money)s per month"), { money: money(v, currency, 0) });
    return number(leverShown(v, spec), spec.kind === "int" ? 0 : (spec.display && spec.display.scale > 1 ? 0 : 1)) +
      " " + (spec.display ? spec.display.unit : spec.unit);
  }

  // Replace el's children with html, touching only what changed; the element being typed in keeps
  // its value and caret, an open select stays open.
  function patch(el, html) {
    if (!window.morphdom) { el.innerHTML = html; return; }
    window.morphdom(el, "<div>" + html + "</div>", {
      childrenOnly: true,
      onBeforeElUpdated: function (from, to) {
        if (from === document.activeElement && (from.tagName === "INPUT" || from.tagName === "SELECT" || from.tagName === "TEXTAREA")) return false;
        if (from.tagName === "DETAILS") to.open = from.open;  // a folded section stays as the person left it
        return !from.isEqualNode(to);
      }
    });
  }

  window.LabFormat = { lang: lang, number: number, numberUpTo: numberUpTo, time: time, money: money, kpi: kpi, change: change, leverShown: leverShown,
    leverSent: leverSent, leverText: leverText, patch: patch };
})();
