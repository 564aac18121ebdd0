// Figures as a manager reads them, by the unit the server gives each KPI and lever (game/dashboards.py,
// game/lever_display.py), and the one way pages patch the DOM (morphdom keeps focus, caret and open
// selects of elements that did not change).
(function () {
  "use strict";

  function number(v, digits) {
    return v.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
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
      case "money_per_unit": return money(v, currency, 2) + " per unit";
      case "share": return number(v * 100, d) + " %";
      case "percent": return number(v, d) + " %";
      case "hours": return number(v, d) + " h";
      case "hours_week": return number(v, d) + " h a week";
      case "units": return number(v, d) + " units";
      case "score": return number(v, d) + " / 100";
      case "station": return "Station " + v;
      default: return number(v, d);
    }
  }

  // A change between two rounds, signed, in the KPI's unit (shares in percentage points).
  function change(delta, spec, currency) {
    if (typeof delta !== "number") return "";
    var sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
    var abs = Math.abs(delta);
    if (spec && spec.unit === "share") return sign + number(abs * 100, spec.digits) + " pts";
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
    if (spec.display && spec.display.money) return money(v, currency, 0) + " per month";
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

  window.LabFormat = { number: number, money: money, kpi: kpi, change: change, leverShown: leverShown,
    leverSent: leverSent, leverText: leverText, patch: patch };
})();
