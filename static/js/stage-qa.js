// The event's Q&A: ask (optionally anonymously), vote once, live order by votes; the host
// and moderators pin the question being answered, mark it answered or dismiss it.
import { el } from "./dom.js";
import { describeError } from "./errors.js";

export class QuestionBoard {
  constructor({ socket, request, eventId, canModerate, signedIn }) {
    Object.assign(this, { socket, request, eventId, canModerate, signedIn });
    this.questions = new Map();
    this.myVotes = new Set();
    this.list = document.getElementById("questions");
    this.form = document.getElementById("ask-form");
    this.error = document.getElementById("ask-error");
    this.form?.addEventListener("submit", (e) => { e.preventDefault(); this.ask(); });
    socket.on("questionAsked", (q) => this.upsert(q));
    socket.on("questionUpdated", (q) => this.upsert(q));
  }

  async load() {
    const ack = await this.request(this.socket, "getQuestions", { eventId: this.eventId });
    if (!ack.ok) return;
    this.questions = new Map(ack.questions.map((q) => [q.id, q]));
    this.myVotes = new Set(ack.myVotes);
    this.render();
  }

  upsert(question) {
    if (question.eventId !== this.eventId) return;
    const known = this.questions.get(question.id);
    // The audience hears public shapes; keep the asker a moderator's list already knows.
    this.questions.set(question.id, { ...question, askedBy: question.askedBy || known?.askedBy });
    this.render();
    // Moderators see who asked an anonymous question: the audience's broadcast hides it, so
    // read the staff list again (once per burst).
    if (this.canModerate && question.anonymous && !question.askedBy && !known?.askedBy) {
      clearTimeout(this.reload);
      this.reload = setTimeout(() => this.load(), 200);
    }
  }

  async ask() {
    const text = document.getElementById("ask-text");
    const anonymous = document.getElementById("ask-anonymous").checked;
    const ack = await this.request(this.socket, "askQuestion",
      { eventId: this.eventId, text: text.value, anonymous });
    this.error.hidden = ack.ok;
    if (!ack.ok) { this.error.textContent = describeError(ack.error); return; }
    text.value = "";
    this.upsert(ack.question);
  }

  async vote(question) {
    const up = !this.myVotes.has(question.id);
    const ack = await this.request(this.socket, "voteQuestion",
      { eventId: this.eventId, questionId: question.id, up });
    if (!ack.ok) { this.error.hidden = false; this.error.textContent = describeError(ack.error); return; }
    if (up) this.myVotes.add(question.id); else this.myVotes.delete(question.id);
    this.upsert(ack.question);
  }

  async mark(question, change) {
    const ack = await this.request(this.socket, "markQuestion",
      { eventId: this.eventId, questionId: question.id, ...change });
    if (ack.ok) this.upsert(ack.question);
  }

  // Pinned first, then most votes, then oldest; dismissed ones only for moderators (dimmed).
  sorted() {
    return [...this.questions.values()]
      .filter((q) => q.status !== "dismissed" || this.canModerate)
      .sort((a, b) => (b.pinned - a.pinned) || (b.votes - a.votes) || (a.id - b.id));
  }

  render() {
    const shown = this.sorted();
    this.list.replaceChildren(...shown.map((q) => this.row(q)));
    document.getElementById("question-count").textContent =
      String(shown.filter((q) => q.status !== "dismissed").length);
    document.getElementById("questions-empty").hidden = shown.length > 0;
  }

  row(q) {
    const who = q.author ? q.author.displayName || q.author.username : "Anonymous";
    const asker = this.canModerate && q.anonymous && q.askedBy ? ` (${q.askedBy.username})` : "";
    const li = el("li", { className: `question status-${q.status}${q.pinned ? " pinned" : ""}` },
      el("p", { className: "q-text" }, q.text),
      el("p", { className: "q-meta" }, `${who}${asker}`,
        q.pinned ? el("span", { className: "q-badge" }, " · Being answered") : "",
        q.status === "answered" ? el("span", { className: "q-badge" }, " · Answered") : ""));
    li.dataset.questionId = q.id;
    const voted = this.myVotes.has(q.id);
    const vote = el("button", { type: "button", className: "button button-secondary button-small vote",
      disabled: !this.signedIn || q.status !== "open", textContent: `▲ ${q.votes}` });
    vote.setAttribute("aria-pressed", String(voted));
    vote.setAttribute("aria-label", `${voted ? "Take back your vote" : "Vote"} (${q.votes} votes)`);
    vote.addEventListener("click", () => this.vote(q));
    const actions = el("div", { className: "q-actions" }, vote);
    if (this.canModerate) {
      const button = (label, change) => {
        const b = el("button", { type: "button", className: "button button-secondary button-small",
          textContent: label });
        b.addEventListener("click", () => this.mark(q, change));
        return b;
      };
      if (q.status === "open") {
        actions.append(q.pinned ? button("Unpin", { pinned: false }) : button("Pin", { pinned: true }),
          button("Answered", { status: "answered" }), button("Dismiss", { status: "dismissed" }));
      } else {
        actions.append(button("Reopen", { status: "open" }));
      }
    }
    li.append(actions);
    return li;
  }
}
