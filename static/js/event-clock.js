// An event's status line ("Upcoming · starts in 2 h 05 min", "Live now · ends in 40 min",
// "Ended"…), its schedule line in local time, and the host's buttons shown per status.
import { announce } from "./announce.js";
import { duration, timeElement } from "./time.js";

const WORDS = { scheduled: "Upcoming", live: "Live now", ended: "Ended", cancelled: "Cancelled" };
const TICK_MS = 5000; // the countdown shows minutes: a tick every few seconds is exact enough

export class EventClock {
  // `onChange(status)` runs when the status changes (not on every tick).
  constructor({ status, startsAt, endsAt, onChange = () => {} }) {
    this.statusEl = document.getElementById("event-status");
    this.scheduleEl = document.getElementById("schedule");
    this.status = status;
    this.startsAt = startsAt ? new Date(startsAt) : null;
    this.endsAt = endsAt ? new Date(endsAt) : null;
    this.onChange = onChange;
    setInterval(() => this.render(), TICK_MS);
    this.render();
  }

  text(now = new Date()) {
    const { status, startsAt, endsAt } = this;
    if (status === "scheduled" && startsAt) {
      // Past the start time the server's eventStatus is moments away.
      return startsAt > now ? `Upcoming · starts in ${duration(startsAt - now)}` : "Starting…";
    }
    if (status === "live" && endsAt) {
      return endsAt > now ? `Live now · ends in ${duration(endsAt - now)}` : "Ending…";
    }
    return WORDS[status] || status;
  }

  render() {
    const text = this.text();
    if (this.statusEl.textContent !== text) this.statusEl.textContent = text;
    this.statusEl.dataset.status = this.status;
    document.querySelectorAll("#host-controls [data-show-for]").forEach((button) => {
      button.hidden = !button.dataset.showFor.split(" ").includes(this.status);
    });
  }

  renderSchedule() {
    const parts = [];
    if (this.startsAt) parts.push("Starts ", timeElement(this.startsAt.toISOString(), "datetime"));
    if (this.startsAt && this.endsAt) parts.push(" · ");
    if (this.endsAt) parts.push("Ends ", timeElement(this.endsAt.toISOString(), "datetime"));
    this.scheduleEl.replaceChildren(...parts);
    this.scheduleEl.hidden = parts.length === 0;
  }

  setTimes(startsAt, endsAt) {
    this.startsAt = startsAt ? new Date(startsAt) : null;
    this.endsAt = endsAt ? new Date(endsAt) : null;
    this.renderSchedule();
    this.render();
  }

  setStatus(next) {
    if (!next || next === this.status) return;
    this.status = next;
    this.render();
    announce(`The event is ${next === "live" ? "live now" : (WORDS[next] || next).toLowerCase()}.`);
    this.onChange(next);
  }
}
