// The message side of a chat page, shared by rooms, conversations and events: the list, its
// scroller, older pages on scroll-up, live arrivals (announced to screen readers) and the
// delete buttons. Each page says how its payloads look and what the viewer may do.
import { announce } from "./announce.js";
import { catchUp, fetchOlder } from "./catchup.js";
import { wireMessageActions } from "./message-actions.js";
import {
  nameReplySenders, readReactions, setReactions, updateText,
} from "./message-parts.js";
import { MessageList, renderMessage } from "./messages.js";
import { Scroller } from "./scroll.js";
import { formatAll } from "./time.js";

export class ChatView {
  // normalize(payload) -> {id, userId, username, displayName, isGuest, avatar, content,
  // timestamp}; isMine(m); canDelete(m); apiUrl: the REST messages URL; nextBefore: the
  // cursor the page was rendered with; onDelete(id): asks the server to delete.
  // lastReadId (optional): the newest message the viewer had read; the "New messages" line
  // goes above the first newer one from someone else.
  // can(m) -> {react, reply, edit}: the other actions the viewer has on a message; meId
  // marks their reactions and mentions.
  constructor({ normalize, isMine, canDelete, apiUrl, nextBefore, onDelete, lastReadId = null,
    can = () => ({}), meId = null, onArrive = () => {} }) {
    this.onArrive = onArrive; // (m, li) for each live message shown: mentions, notifications
    this.normalize = normalize;
    this.can = can;
    this.meId = meId;
    this.raw = new Map(); // id -> the text as written (the page shows its rendering)
    this.isMine = isMine;
    this.canDelete = canDelete;
    this.apiUrl = apiUrl;
    this.nextBefore = nextBefore ?? null;
    this.loadingOlder = false;
    this.list = new MessageList(document.getElementById("messages"),
      { emptyEl: document.getElementById("messages-empty") });
    this.edge = document.getElementById("history-edge");
    this.beginning = this.edge.dataset.beginning || "This is the beginning of the conversation.";
    this.scroller = new Scroller(document.getElementById("scroller"), {
      newButton: document.getElementById("new-messages"),
      edge: this.edge,
      onNearTop: () => this.loadOlder(),
    });
    formatAll(document);
    wireMessageActions(this.list.el);
    if (lastReadId != null) {
      const first = this.list.items().find((li) => Number(li.dataset.id) > lastReadId
        && !this.isMine({ userId: li.dataset.userId, username: li.dataset.username }));
      if (first) this.list.markUnreadFrom(first);
    }
    this.scroller.scrollToBottom();
    // A link to one message (a search result): show it, loading older pages if need be.
    const linked = /^#m(\d+)$/.exec(window.location.hash);
    if (linked) this.jumpTo(Number(linked[1]));
    this.edge.addEventListener("click", (event) => {
      if (event.target.closest("button")) this.loadOlder();
    });
    this.list.el.addEventListener("click", async (event) => {
      const button = event.target.closest(".delete-message");
      if (!button) return;
      button.disabled = true;
      const ok = await onDelete(Number(button.closest("li.message").dataset.id));
      button.disabled = false;
      // The button went with its message: keep the keyboard user in the list.
      if (ok && !document.activeElement?.closest("main")) this.scroller.el.focus();
    });
  }

  element(payload) {
    const m = this.normalize(payload);
    this.raw.set(Number(m.id), m.content);
    return { m, li: renderMessage(m, { mine: this.isMine(m), deletable: this.canDelete(m),
      can: this.can(m), meId: this.meId }) };
  }

  // The text as written: from a payload this page saw, else as the server rendered the page.
  rawText(id) {
    return this.raw.get(Number(id)) ?? this.list.byId.get(Number(id))?.dataset.raw ?? null;
  }

  li(id) {
    return this.list.byId.get(Number(id)) ?? null;
  }

  // An edit: the message's new text and its "edited" mark.
  applyUpdate(payload) {
    const m = this.normalize(payload);
    const li = this.li(m.id);
    if (!li) return;
    this.raw.set(Number(m.id), m.content);
    updateText(li, m);
  }

  // Rows the server rendered: names who reacted (once the page can name people), as live
  // rows do.
  nameReactions() {
    this.list.el.querySelectorAll("li.message .reactions").forEach((row) => {
      setReactions(row.closest("li.message"), readReactions(row), this.meId);
    });
    nameReplySenders(this.list.el);
  }

  applyReactions(messageId, reactions) {
    const li = this.li(messageId);
    if (li) setReactions(li, reactions, this.meId);
  }

  // Shows message `id` (a reply's original), loading older pages until it is there.
  async jumpTo(id) {
    for (let tries = 0; !this.list.has(id) && this.nextBefore != null && tries < 100; tries += 1) {
      if (this.loadingOlder) await new Promise((resolve) => { setTimeout(resolve, 100); });
      else await this.loadOlder();
    }
    const li = this.li(id);
    if (!li) {
      announce("The original message is no longer there.");
      return;
    }
    this.scroller.stuck = false;
    li.scrollIntoView({ block: "center" });
    li.classList.remove("flash");
    void li.offsetWidth; // restart the highlight
    li.classList.add("flash");
    li.tabIndex = -1;
    li.focus({ preventScroll: true });
  }

  // The latest page from a (re)join: merged like any other, and when it reaches further back
  // than the page did, older pages are fetched from its oldest message on (it is contiguous
  // with what is shown, being the latest messages).
  addHistory(payloads) {
    this.add(payloads);
    const oldest = Math.min(...payloads.map((p) => p.id));
    if (this.nextBefore != null && oldest < this.nextBefore) this.nextBefore = oldest;
  }

  // Live or caught-up messages (any order); shows each id once. `live`: announce them.
  add(payloads, { live = false } = {}) {
    const added = [];
    const follow = payloads.some((p) => this.isMine(this.normalize(p)));
    // Messages that arrive while the reader is away (another tab, scrolled up) get the
    // "New messages" line above the first of them; writing oneself takes it away.
    const away = live && (document.visibilityState !== "visible"
      || !(this.scroller.stuck || this.scroller.atBottom()));
    this.scroller.appending(() => {
      for (const payload of payloads) {
        if (payload.id != null && this.list.has(payload.id)) continue;
        const { m, li } = this.element(payload);
        if (this.list.insert(li)) {
          added.push(m);
          if (away && !this.isMine(m) && !this.list.unreadLine) this.list.markUnreadFrom(li);
        }
      }
      return added.length > 0;
    }, { follow: live && follow });
    if (live && follow && this.list.unreadLine) this.list.markUnreadFrom(null);
    if (live) {
      for (const m of added) this.onArrive(m, this.li(m.id));
      for (const m of added) {
        if (!this.isMine(m)) announce(`${m.displayName || m.username}: ${m.content}`);
      }
    }
    return added;
  }

  remove(id) {
    return this.list.remove(id);
  }

  notice(text) {
    this.scroller.appending(() => this.list.notice(text));
    announce(text);
  }

  get lastId() {
    return this.list.lastId;
  }

  // After a reconnect: everything newer than what is shown (the re-join already brought the
  // latest page; this fills any gap before it).
  async catchUpFrom(lastId) {
    if (lastId == null) return;
    try {
      await catchUp(this.apiUrl, lastId, (messages) => this.add(messages));
    } catch (error) {
      console.warn("catch-up failed", error); // the re-join's history still shows the latest
    }
  }

  setEdge(state) {
    const edge = this.edge;
    edge.replaceChildren();
    if (state === "more" || state === "retry") {
      const button = document.createElement("button");
      button.type = "button";
      button.id = "load-older";
      button.className = "button button-secondary button-small";
      button.textContent = state === "retry" ? "Could not load older messages. Retry"
        : "Load older messages";
      edge.append(button);
    } else if (state === "loading") {
      edge.textContent = "Loading older messages…";
    } else if (this.list.size) {
      edge.textContent = this.beginning;
    }
  }

  async loadOlder() {
    if (this.loadingOlder || this.nextBefore == null) return;
    this.loadingOlder = true;
    const hadFocus = this.edge.contains(document.activeElement);
    this.setEdge("loading");
    try {
      const page = await fetchOlder(this.apiUrl, this.nextBefore);
      this.scroller.prepending(() => {
        for (const payload of page.messages) { // newest first; insert() orders them by id
          if (!this.list.has(payload.id)) this.list.insert(this.element(payload).li);
        }
      });
      this.nextBefore = page.nextBefore;
      this.setEdge(this.nextBefore == null ? "end" : "more");
    } catch (error) {
      console.warn("loading older messages failed", error);
      this.setEdge("retry");
    } finally {
      this.loadingOlder = false;
      if (hadFocus) this.edge.querySelector("button")?.focus();
    }
    // Still at the top (a short page on a tall screen): keep going.
    if (this.nextBefore != null && this.scroller.el.scrollTop < 300) this.loadOlder();
  }
}
