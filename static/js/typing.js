// Typing, both ways. TypingIndicator shows who else is typing ("Ana and Ben are typing…");
// each entry expires on its own if its "stopped" never arrives (a closed tab). TypingSender
// tells the server while this user types: once at the start, again every few seconds while
// they go on (so the others' entries do not expire), and "stopped" when they pause or send.

const EXPIRE_MS = 6000;
const RESEND_MS = 3000;
const IDLE_MS = 4000;

export function typingText(names) {
  const n = names.length;
  if (n === 0) return "";
  if (n === 1) return `${names[0]} is typing…`;
  if (n === 2) return `${names[0]} and ${names[1]} are typing…`;
  if (n === 3) return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  return `${names[0]}, ${names[1]} and ${n - 2} others are typing…`;
}

export class TypingIndicator {
  constructor(el, { expireMs = EXPIRE_MS } = {}) {
    this.el = el;
    this.expireMs = expireMs;
    this.typers = new Map(); // key (user id or name) -> {name, timer}
  }

  set(key, name, isTyping) {
    const entry = this.typers.get(key);
    if (entry) clearTimeout(entry.timer);
    if (isTyping) {
      const timer = setTimeout(() => this.clear(key), this.expireMs);
      this.typers.set(key, { name, timer });
    } else {
      this.typers.delete(key);
    }
    this.render();
  }

  clear(key) {
    const entry = this.typers.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.typers.delete(key);
    this.render();
  }

  clearAll() {
    for (const { timer } of this.typers.values()) clearTimeout(timer);
    this.typers.clear();
    this.render();
  }

  render() {
    if (!this.el) return;
    this.el.textContent = typingText([...this.typers.values()].map((entry) => entry.name));
  }
}

export class TypingSender {
  // `send(isTyping)` emits the page's typing event.
  constructor(send, { resendMs = RESEND_MS, idleMs = IDLE_MS } = {}) {
    this.send = send;
    this.resendMs = resendMs;
    this.idleMs = idleMs;
    this.active = false;
    this.lastSent = 0;
    this.idleTimer = null;
  }

  // Call on every input: whether the composer now holds text.
  input(hasText) {
    if (!hasText) {
      this.stop();
      return;
    }
    const now = Date.now();
    if (!this.active || now - this.lastSent >= this.resendMs) {
      this.active = true;
      this.lastSent = now;
      this.send(true);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), this.idleMs);
  }

  stop() {
    clearTimeout(this.idleTimer);
    if (!this.active) return;
    this.active = false;
    this.send(false);
  }
}
