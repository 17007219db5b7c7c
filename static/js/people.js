// A room's people list (<ul id="people">), as the `person_row` macro writes it: who is in
// the room, who is online, their role, and moderators' actions.
import { avatarElement, avatarImage } from "./avatars.js";
import { modActions } from "./moderation.js";
import { presenceDot, setPresence } from "./presence.js";

const RANK = { owner: 0, moderator: 1, member: 2, "": 3 };

export class PeopleList {
  constructor(listEl, { me, canModerate, emptyEl }) {
    this.el = listEl;
    this.me = me;
    this.meId = me?.userId;
    this.canModerate = canModerate;
    this.emptyEl = emptyEl;
  }

  // The users listed, whose presence the page shows (for presence:watch).
  userIds() {
    return [...this.el.querySelectorAll("li[data-user-id]")].map((li) => li.dataset.userId);
  }

  row(userId) {
    return this.el.querySelector(`li[data-user-id="${CSS.escape(String(userId))}"]`);
  }

  // What the list knows of a user, for live messages that carry only the username.
  info(userId) {
    const li = this.row(userId);
    if (!li) return null;
    return { displayName: li.dataset.displayName || null, isGuest: li.dataset.guest === "true",
      avatar: li.dataset.avatar };
  }

  // Someone joined: show them (at their place) as in the room and online.
  joined(user) {
    let li = this.row(user.userId);
    if (!li) {
      // The payload names a user by username; for oneself the page knows more.
      li = this.build(user.userId === this.meId ? { ...user, ...this.me } : user);
      this.place(li);
    }
    li.dataset.inRoom = "true";
    li.classList.remove("away");
    this.setOnline(user.userId, true);
    this.updateEmpty();
  }

  // Someone left: members and staff stay listed (as away); passers-by go.
  left(userId) {
    const li = this.row(userId);
    if (!li) return;
    if (!li.dataset.role) {
      li.remove();
    } else {
      li.dataset.inRoom = "false";
      li.classList.add("away");
      this.place(li);
    }
    this.updateEmpty();
  }

  setOnline(userId, online) {
    const li = this.row(userId);
    if (li) setPresence(li.querySelector(".presence"), online);
  }

  setRole(userId, role) {
    const li = this.row(userId);
    if (!li) return;
    li.dataset.role = role;
    li.querySelector(".role")?.remove();
    if (role === "owner" || role === "moderator") {
      const badge = document.createElement("span");
      badge.className = "role";
      badge.textContent = role;
      li.querySelector(".person-link").after(" ", badge);
    }
    this.place(li);
  }

  // In-room people first, then by role, then by name (as the server orders them).
  place(li) {
    const key = (row) => [row.dataset.inRoom === "true" ? 0 : 1, RANK[row.dataset.role ?? ""] ?? 3,
      (row.querySelector(".name")?.textContent || "").toLowerCase()];
    const mine = key(li);
    const before = [...this.el.children].find((row) => {
      if (row === li) return false;
      const other = key(row);
      for (let i = 0; i < 3; i += 1) {
        if (mine[i] !== other[i]) return mine[i] < other[i];
      }
      return false;
    });
    if (before) before.before(li);
    else this.el.append(li);
  }

  build(user) {
    const li = document.createElement("li");
    li.className = "person";
    li.dataset.userId = String(user.userId);
    li.dataset.username = user.username;
    li.dataset.displayName = user.displayName || "";
    li.dataset.guest = user.isGuest ? "true" : "false";
    li.dataset.avatar = avatarImage(user.avatar) ?? "";
    li.dataset.role = "";
    const shown = user.displayName || user.username;
    const name = document.createElement("span");
    name.className = "name";
    const isMe = user.userId === this.meId;
    name.textContent = isMe ? `${shown} (you)` : shown;
    const link = document.createElement(isMe ? "span" : "a");
    link.className = "person-link";
    if (!isMe) {
      link.href = `/conversations/${encodeURIComponent(user.userId)}`;
      link.title = "Send a private message";
    }
    link.append(avatarElement(user.avatar, 24, user), name, presenceDot(true));
    li.append(link);
    if (this.canModerate && !isMe) li.append(modActions(shown, user.userId));
    return li;
  }

  inRoomCount() {
    return this.el.querySelectorAll('li[data-in-room="true"]').length;
  }

  // Takes the rows of a freshly rendered list (same macro, so same markup), keeping the open
  // moderation panels of people still listed.
  replaceRows(freshList) {
    const open = new Set([...this.el.querySelectorAll("li:has(details[open])")]
      .map((li) => li.dataset.userId));
    const rows = [...freshList.children].map((li) => document.adoptNode(li));
    rows.forEach((li) => {
      if (open.has(li.dataset.userId)) li.querySelector("details")?.setAttribute("open", "");
    });
    this.el.replaceChildren(...rows);
    this.updateEmpty();
  }

  updateEmpty() {
    if (this.emptyEl) this.emptyEl.hidden = this.el.childElementCount > 0;
  }
}
