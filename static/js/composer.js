// The message composer: Enter sends, Shift+Enter starts a new line, the box grows with its
// text, refusals appear right under it (role=alert), and the page can switch it off with a
// reason (muted, banned, event over…) shown in its note.
import { describeError } from "./errors.js";

const HELP = "Enter sends, Shift+Enter starts a new line.";

export class Composer {
  // `send(text)` resolves with the server's ack; `onTyping(hasText)` is told of every edit;
  // `errorContext()` gives describeError its context (e.g. the room's slow mode).
  // `hasFiles()`: files are ready to go, so a message may be sent without words.
  constructor({ send, onTyping = () => {}, errorContext = () => ({}), hasFiles = () => false }) {
    this.hasFiles = hasFiles;
    this.form = document.getElementById("composer-form");
    this.box = document.getElementById("composer");
    this.button = document.getElementById("send");
    this.errorEl = document.getElementById("composer-error");
    this.noteEl = document.getElementById("composer-note");
    this.send = send;
    this.onTyping = onTyping;
    this.errorContext = errorContext;
    this.reason = "Connecting…";
    this.reply = null; // {id, name, excerpt}: the message the next one answers
    this.replyBar = document.getElementById("reply-bar");
    document.getElementById("reply-cancel")?.addEventListener("click", () => {
      this.setReply(null);
      this.focus();
    });
    this.errorTimer = null;
    if (!this.form) return;
    this.noteEl.textContent = this.reason;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.box.addEventListener("keydown", (event) => {
      // isComposing: Enter that confirms an IME candidate (Japanese, Chinese…) is not "send".
      if (event.key === "Escape" && this.reply) {
        event.preventDefault();
        this.setReply(null);
        return;
      }
      if (event.key === "Enter" && !event.shiftKey && !event.altKey && !event.ctrlKey
          && !event.metaKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.box.addEventListener("input", () => {
      this.grow();
      this.onTyping(this.box.value.trim() !== "");
    });
    this.box.addEventListener("blur", () => this.onTyping(false));
  }

  get present() {
    return Boolean(this.form);
  }

  grow() {
    const box = this.box;
    box.style.height = "auto";
    box.style.height = `${box.scrollHeight + 2}px`; // + the borders (box-sizing: border-box)
  }

  async submit() {
    if (!this.present || this.box.disabled) return;
    const text = this.box.value;
    if (!text.trim() && !this.hasFiles()) return;
    // Cleared at once so the next message can be typed; put back if the server refuses.
    this.box.value = "";
    this.grow();
    this.onTyping(false);
    const ack = await this.send(text, this.reply?.id ?? null);
    if (ack && ack.ok) {
      this.showError("");
      this.setReply(null);
      return;
    }
    if (!this.box.value) {
      this.box.value = text;
      this.grow();
    }
    this.showError(describeError(ack?.error, this.errorContext()), ack?.error?.retryAfter);
  }

  // An error under the composer; one with a retry-after clears itself when that has passed.
  showError(text, retryAfter = null) {
    if (!this.present) return;
    clearTimeout(this.errorTimer);
    this.errorEl.textContent = text;
    this.box.setAttribute("aria-invalid", text ? "true" : "false");
    if (text && retryAfter) {
      this.errorTimer = setTimeout(() => this.showError(""), Math.ceil(retryAfter) * 1000 + 250);
    }
  }

  // Switches the composer on, or off with a reason said in its note.
  setEnabled(enabled, reason = "") {
    if (!this.present) return;
    const hadFocus = document.activeElement === this.box;
    this.box.disabled = !enabled;
    this.button.disabled = !enabled;
    this.reason = enabled ? "" : reason;
    this.noteEl.textContent = enabled ? HELP : reason;
    this.noteEl.classList.toggle("composer-state", !enabled);
    if (!enabled) this.onTyping(false);
    if (enabled && hadFocus) this.box.focus();
  }

  focus() {
    this.box?.focus();
  }

  // The next message answers `reply` ({id, name, excerpt}), or nothing (null).
  setReply(reply) {
    this.reply = reply;
    if (!this.replyBar) return;
    this.replyBar.hidden = !reply;
    document.getElementById("reply-bar-text").textContent = reply
      ? `Replying to ${reply.name}: ${reply.excerpt}` : "";
  }
}
