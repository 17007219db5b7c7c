// Whether this person may write in a room or an event right now, and the composer's note
// saying why not. The room and event pages share it; they differ in wording (`place`) and in
// what else can close the chat: `closed()` (checked first: an event that ended) and
// `notOpenYet()` (checked once joined: an event whose chat opens at its start).
import { describeError } from "./errors.js";
import { shortTime, shortWait } from "./time.js";

export class Posting {
  constructor({ composer, me, place, isConnected, closed = () => null, notOpenYet = () => null }) {
    Object.assign(this, { composer, me, place, isConnected, closed, notOpenYet });
    this.joined = false;
    this.everJoined = false;
    this.removed = null; // "kicked" | "banned": the server took us out
    this.mutedUntil = null;
    this.muteTimer = null;
    this.slowMode = 0;
  }

  refresh() {
    if (!this.me) return;
    const { composer, place } = this;
    const why = this.closed()
      || (this.removed === "banned" ? `You are banned from this ${place}.` : null)
      || (this.removed === "kicked"
        ? `You were removed from this ${place}. Reload the page to join again.` : null)
      || (this.mutedUntil && this.mutedUntil > new Date()
        ? `You are muted here until ${shortTime(this.mutedUntil)}.` : null)
      || (!this.joined
        ? (this.isConnected() ? "Joining…" : this.everJoined ? "Reconnecting…" : "Connecting…")
        : null)
      || this.notOpenYet();
    if (why) {
      composer.setEnabled(false, why);
      return;
    }
    composer.setEnabled(true);
    if (this.slowMode) composer.noteEl.textContent = `Slow mode: one message every ${shortWait(this.slowMode)}.`;
  }

  // Join through `ask()` (a socket request); returns the ack when accepted, else null (a ban
  // closes the composer for good; other refusals are shown under it).
  async join(ask) {
    const ack = await ask();
    if (!ack.ok) {
      this.joined = false;
      if (ack.error?.code === "banned") this.removed = "banned";
      this.refresh();
      if (!this.removed) this.composer.showError(describeError(ack.error));
      return null;
    }
    this.joined = this.everJoined = true;
    this.refresh();
    return ack;
  }

  disconnected() {
    this.joined = false;
    this.refresh();
  }

  removedAs(kind) {
    this.removed = kind;
    this.disconnected();
  }

  muteUntil(until) {
    clearTimeout(this.muteTimer);
    this.mutedUntil = until ? new Date(until) : null;
    if (this.mutedUntil) {
      this.muteTimer = setTimeout(() => { this.mutedUntil = null; this.refresh(); },
        this.mutedUntil - new Date() + 500);
    }
    this.refresh();
  }

  // Returns the notice announcing the change.
  setSlowMode(seconds) {
    this.slowMode = Number(seconds) || 0;
    this.refresh();
    return this.slowMode ? `Slow mode is on: one message every ${shortWait(this.slowMode)}.` : "Slow mode is off.";
  }
}
