// A WebSocket that survives flaky Wi-Fi: reconnects with backoff, tracks the per-team `seq`,
// asks for a full snapshot when it sees a gap, and keeps unacknowledged messages in an outbox
// saved to localStorage, resent on reconnect (the server applies each message id once).
(function () {
  "use strict";

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "m" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }

  function LabSocket(path, handlers, storageKey) {
    this.path = path;
    this.handlers = handlers;
    this.storageKey = storageKey || null;
    this.seq = null;
    this.delay = 500;
    this.outbox = this.loadOutbox();
    this.connect();
  }

  LabSocket.prototype.loadOutbox = function () {
    if (!this.storageKey) return [];
    try { return JSON.parse(localStorage.getItem(this.storageKey) || "[]"); } catch (e) { return []; }
  };

  LabSocket.prototype.saveOutbox = function () {
    if (this.storageKey) localStorage.setItem(this.storageKey, JSON.stringify(this.outbox));
  };

  LabSocket.prototype.status = function (text, ok) {
    if (this.handlers.onStatus) this.handlers.onStatus(text, ok);
  };

  LabSocket.prototype.connect = function () {
    var self = this;
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(proto + location.host + this.path);
    this.ws = ws;
    ws.onopen = function () {
      self.delay = 500;
      self.status("live", true);
      self.outbox.forEach(function (m) { ws.send(JSON.stringify(m)); });
      self.ping = setInterval(function () { self.raw({ type: "ping", id: newId() }); }, 20000);
    };
    ws.onmessage = function (e) { self.receive(JSON.parse(e.data)); };
    ws.onclose = function (e) {
      clearInterval(self.ping);
      if (e.code === 4401 || e.code === 4403) {
        self.status("not allowed: please join again", false);
        if (self.handlers.onDenied) self.handlers.onDenied(e.code);
        return;
      }
      self.status("reconnecting…", false);
      setTimeout(function () { self.connect(); }, self.delay);
      self.delay = Math.min(self.delay * 2, 5000);
    };
  };

  LabSocket.prototype.receive = function (msg) {
    if (msg.type === "state") {
      this.seq = msg.seq;
      this.handlers.onState(msg);
      return;
    }
    if (msg.type === "ack" || msg.type === "error") {
      this.settle(msg.ref);
      if (msg.type === "ack" && this.handlers.onAck) this.handlers.onAck(msg);
      if (msg.type === "error" && this.handlers.onError) this.handlers.onError(msg);
      return;
    }
    if (msg.type === "pong") return;
    if (msg.type === "preview") { if (this.handlers.onPreview) this.handlers.onPreview(msg); return; }
    if (typeof msg.seq === "number" && this.seq !== null) {
      if (msg.seq <= this.seq) return;             // already in our snapshot
      if (msg.seq > this.seq + 1) { this.resync(); return; }  // we missed something
      this.seq = msg.seq;
    }
    this.handlers.onEvent(msg);
  };

  LabSocket.prototype.settle = function (ref) {
    var before = this.outbox.length;
    this.outbox = this.outbox.filter(function (m) { return m.id !== ref; });
    if (this.outbox.length !== before) this.saveOutbox();
  };

  LabSocket.prototype.raw = function (msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  };

  LabSocket.prototype.resync = function () { this.raw({ type: "resync", id: newId() }); };

  // Send a message that must not be lost: it stays in the outbox until acknowledged.
  LabSocket.prototype.send = function (msg) {
    msg.id = msg.id || newId();
    this.outbox.push(msg);
    this.saveOutbox();
    this.raw(msg);
    return msg.id;
  };

  LabSocket.prototype.pending = function (predicate) { return this.outbox.filter(predicate); };

  window.LabSocket = LabSocket;
  window.labFormatSeconds = function (s) {
    s = Math.max(0, Math.round(s));
    var m = Math.floor(s / 60), r = s % 60;
    return (m < 10 ? "0" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  };
  window.labEscape = function (text) {
    var d = document.createElement("div");
    d.textContent = text == null ? "" : String(text);
    return d.innerHTML;
  };
})();
