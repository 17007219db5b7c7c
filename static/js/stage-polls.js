// The event's polls: live results as bars, one ballot per person (changeable until the poll
// closes), closed polls kept with their results; the host and moderators open and close them.
import { el } from "./dom.js";
import { describeError } from "./errors.js";

export class PollBoard {
  constructor({ socket, request, eventId, canModerate, signedIn }) {
    Object.assign(this, { socket, request, eventId, canModerate, signedIn });
    this.polls = new Map();
    this.root = document.getElementById("polls");
    const form = document.getElementById("poll-form");
    form?.addEventListener("submit", (e) => { e.preventDefault(); this.open(form); });
    for (const name of ["pollOpened", "pollUpdated", "pollClosed"]) {
      socket.on(name, (poll) => this.upsert(poll));
    }
  }

  async load() {
    const ack = await this.request(this.socket, "getPolls", { eventId: this.eventId });
    if (!ack.ok) return null;
    this.polls = new Map(ack.polls.map((p) => [p.id, p]));
    this.render();
    return ack.announcement;
  }

  upsert(poll) {
    if (poll.eventId !== this.eventId) return;
    // Broadcasts carry no myChoices: keep ours.
    const mine = poll.myChoices ?? this.polls.get(poll.id)?.myChoices ?? [];
    this.polls.set(poll.id, { ...poll, myChoices: mine });
    this.render();
  }

  async open(form) {
    const error = document.getElementById("poll-error");
    const options = form.querySelector("#poll-options").value.split("\n")
      .map((s) => s.trim()).filter(Boolean);
    const ack = await this.request(this.socket, "openPoll", { eventId: this.eventId,
      question: form.querySelector("#poll-question").value, options,
      multiple: form.querySelector("#poll-multiple").checked });
    error.hidden = ack.ok;
    if (!ack.ok) { error.textContent = describeError(ack.error); return; }
    form.reset();
    form.closest("details")?.removeAttribute("open");
    this.upsert(ack.poll);
  }

  async vote(poll, choices) {
    const ack = await this.request(this.socket, "votePoll",
      { eventId: this.eventId, pollId: poll.id, choices });
    if (ack.ok) this.upsert(ack.poll);
    return ack;
  }

  render() {
    const polls = [...this.polls.values()].sort((a, b) => (a.closed - b.closed) || (b.id - a.id));
    this.root.replaceChildren(...polls.map((p) => this.card(p)));
    document.getElementById("polls-empty").hidden = polls.length > 0;
  }

  card(poll) {
    const total = poll.options.reduce((n, o) => n + o.votes, 0);
    const section = el("section", { className: `poll${poll.closed ? " closed" : ""}` },
      el("h3", {}, poll.question, poll.closed ? el("span", { className: "poll-state" }, " (closed)") : ""));
    section.dataset.pollId = poll.id;
    const canVote = this.signedIn && !poll.closed;
    const list = el("ul", { className: "poll-options" });
    for (const option of poll.options) {
      const share = total ? Math.round((option.votes / total) * 100) : 0;
      const chosen = poll.myChoices.includes(option.index);
      const bar = el("span", { className: "poll-bar" });
      bar.style.width = `${share}%`;
      const label = el("span", { className: "poll-label" }, option.text);
      const count = el("span", { className: "poll-count" }, `${option.votes} · ${share}%`);
      const li = el("li", { className: `poll-option${chosen ? " chosen" : ""}` }, bar, label, count);
      li.dataset.index = option.index;
      if (canVote) {
        const button = el("button", { type: "button", className: "button button-secondary button-small",
          textContent: chosen ? "Your choice" : "Vote" });
        button.setAttribute("aria-pressed", String(chosen));
        button.addEventListener("click", () => {
          let choices = [option.index];
          if (poll.multiple) {
            const set = new Set(poll.myChoices);
            if (set.has(option.index)) set.delete(option.index); else set.add(option.index);
            choices = [...set].sort((a, b) => a - b);
            if (!choices.length) return; // a ballot holds at least one choice
          }
          this.vote(poll, choices);
        });
        li.append(button);
      }
      list.append(li);
    }
    section.append(list, el("p", { className: "poll-meta" },
      `${poll.voters} ${poll.voters === 1 ? "voter" : "voters"}${poll.multiple ? " · several choices" : ""}`));
    if (this.canModerate && !poll.closed) {
      const close = el("button", { type: "button", className: "button button-small", textContent: "Close poll" });
      close.addEventListener("click", async () => {
        const ack = await this.request(this.socket, "closePoll", { eventId: this.eventId, pollId: poll.id });
        if (ack.ok) this.upsert(ack.poll);
      });
      section.append(close);
    }
    return section;
  }
}
