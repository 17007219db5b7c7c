// The rest of the event's stage: the pinned announcement, the live viewer count, reactions
// (buttons, and the aggregated counts floating up the chat) and held messages (the author's
// own pending ones; the moderators' queue with Approve / Reject).
import { el } from "./dom.js";

const MAX_FLOATERS = 24; // per frame: a burst of thousands still draws a handful

export function wireAnnouncement({ socket, request, eventId }) {
  const box = document.getElementById("announcement");
  const text = document.getElementById("announcement-text");
  const show = (payload) => {
    if (!payload || payload.eventId !== eventId) return;
    text.textContent = payload.text || "";
    box.hidden = !payload.text;
  };
  socket.on("announcement", show);
  const form = document.getElementById("announcement-form");
  form?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = document.getElementById("announcement-input");
    const ack = await request(socket, "setAnnouncement", { eventId, text: input.value });
    if (ack.ok) { input.value = ""; show(ack.announcement); }
  });
  document.getElementById("announcement-clear")?.addEventListener("click", async () => {
    const ack = await request(socket, "setAnnouncement", { eventId, text: "" });
    if (ack.ok) show(ack.announcement);
  });
  return show;
}

export function showViewers(summary, eventId) {
  if (!summary || summary.id !== eventId || summary.viewers == null) return;
  const count = document.getElementById("viewer-count");
  if (count) count.textContent = String(summary.viewers);
}

const BATCH_MS = 300; // presses within this window go out as one packet per emoji

export function wireReactions({ socket, eventId }) {
  const layer = document.getElementById("reaction-layer");
  let pending = new Map();
  let timer = null;
  const flush = () => {
    timer = null;
    if (socket.connected) {
      // No ack: the next `reactions` frame shows it. At most 10 a second are counted.
      for (const [emoji, count] of pending) socket.emit("react", { emoji, count: Math.min(count, 10) });
    }
    pending = new Map();
  };
  document.getElementById("reaction-bar")?.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-emoji]");
    if (!button) return;
    const emoji = button.dataset.emoji;
    pending.set(emoji, (pending.get(emoji) || 0) + 1);
    timer ??= setTimeout(flush, BATCH_MS);
  });
  socket.on("reactions", (frame) => {
    if (frame.eventId !== eventId || !layer) return;
    let drawn = 0;
    const total = Object.values(frame.counts).reduce((a, b) => a + b, 0);
    for (const [emoji, n] of Object.entries(frame.counts)) {
      // Each emoji gets floaters in proportion to its share, at least one.
      const count = Math.max(1, Math.round((n / total) * Math.min(total, MAX_FLOATERS)));
      for (let i = 0; i < count && drawn < MAX_FLOATERS; i += 1, drawn += 1) {
        const floater = el("span", { className: "floater", textContent: emoji });
        floater.style.left = `${10 + Math.random() * 80}%`;
        floater.style.animationDelay = `${Math.random() * 0.4}s`;
        floater.addEventListener("animationend", () => floater.remove());
        layer.append(floater);
      }
    }
    layer.dataset.lastFrame = JSON.stringify(frame.counts);
  });
}

export class HeldMessages {
  constructor({ socket, request, eventId, canModerate, me }) {
    Object.assign(this, { socket, request, eventId, canModerate, me });
    this.mine = document.getElementById("my-held");
    this.queue = document.getElementById("held-queue");
    socket.on("messageHeld", (held) => this.add(held));
    socket.on("heldMessageResolved", (held) => this.resolve(held));
  }

  async load() {
    const ack = await this.request(this.socket, "getHeldMessages", { eventId: this.eventId });
    if (!ack.ok) return;
    this.mine.replaceChildren();
    this.queue?.replaceChildren();
    ack.held.forEach((held) => this.add(held));
  }

  isMine(held) {
    return this.me != null && held.userId === this.me.userId;
  }

  add(held) {
    if (held.eventId !== this.eventId) return;
    if (this.isMine(held) && !this.mine.querySelector(`[data-held-id="${held.id}"]`)) {
      const li = el("li", { className: "held-own" }, el("span", { className: "held-text" }, held.text),
        el("span", { className: "held-state" }, " · waiting for approval"));
      li.dataset.heldId = held.id;
      this.mine.append(li);
    }
    if (this.canModerate && this.queue && !this.queue.querySelector(`[data-held-id="${held.id}"]`)) {
      const li = el("li", { className: "held-item" },
        el("span", { className: "held-author" }, `${held.username}: `), el("span", {}, held.text));
      li.dataset.heldId = held.id;
      for (const [label, decision] of [["Approve", "approve"], ["Reject", "reject"]]) {
        const b = el("button", { type: "button", className: "button button-secondary button-small", textContent: label });
        b.addEventListener("click", () => this.request(this.socket, "decideHeldMessage",
          { eventId: this.eventId, heldId: Number(held.id), decision }));
        li.append(b);
      }
      this.queue.append(li);
    }
    this.count();
  }

  resolve(held) {
    if (held.eventId !== this.eventId) return;
    this.queue?.querySelector(`[data-held-id="${held.id}"]`)?.remove();
    const own = this.mine.querySelector(`[data-held-id="${held.id}"]`);
    if (own && held.status === "rejected") {
      own.querySelector(".held-state").textContent = " · not approved";
      setTimeout(() => own.remove(), 8000);
    } else {
      own?.remove(); // approved: it arrives as an ordinary message
    }
    this.count();
  }

  count() {
    const count = document.getElementById("held-count");
    if (count && this.queue) count.textContent = String(this.queue.children.length);
  }
}

// The host's "Moderated chat" switch.
export function wireModeratedToggle({ socket, request, eventId }) {
  const box = document.getElementById("moderated-toggle");
  box?.addEventListener("change", async () => {
    const ack = await request(socket, "setModeratedChat", { eventId, on: box.checked });
    if (!ack.ok) box.checked = !box.checked; else box.checked = ack.moderatedChat;
  });
  return (summary) => {
    if (box && summary?.id === eventId && summary.moderatedChat != null) box.checked = summary.moderatedChat;
  };
}
