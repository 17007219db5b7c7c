// The lobby's event lists: a card per event (as the `event_card` macro writes it), moved
// between "Live now" and "Upcoming" as `events:update` says, and dropped once over.
import { byData, el } from "./dom.js";
import { timeElement } from "./time.js";

const BADGES = { live: ["badge badge-live", "Live"], scheduled: ["badge badge-scheduled", "Upcoming"] };

function eventCard(summary) {
  const li = el("li", { className: "event-card" },
    el("a", { className: "event-name", href: `/events/${encodeURIComponent(summary.id)}`,
      textContent: summary.name }));
  li.dataset.eventId = summary.id;
  li.dataset.status = summary.status;
  const [badgeClass, badgeText] = BADGES[summary.status] || ["badge", summary.status];
  const when = el("p", { className: "event-when" }, el("span", { className: badgeClass, textContent: badgeText }));
  if (summary.startsAt) when.append(" ", timeElement(summary.startsAt, "datetime"));
  const count = el("span", { className: "participant-count" });
  count.dataset.eventId = summary.id;
  li.append(when, el("p", { className: "event-counts" }, count));
  setEventCounts(li, summary);
  return li;
}

function setEventCounts(card, summary) {
  const counts = card.querySelector(".event-counts");
  const people = summary.participantCount;
  const count = counts.querySelector(".participant-count");
  count.textContent = String(people);
  counts.replaceChildren(count, ` ${people === 1 ? "person" : "people"} here`);
}

// An event changed, started, ended or was created: move its card to the right list.
export function upsertEvent(summary) {
  const old = byData(".event-card", "event-id", summary.id);
  const target = { live: "live-events", scheduled: "upcoming-events" }[summary.status];
  const list = target && document.getElementById(target);
  const listedBefore = old && old.dataset.status === summary.status;
  if (listedBefore) {
    setEventCounts(old, summary);
  } else {
    old?.remove();
    if (list && !(summary.adHoc && summary.status === "live" && !summary.participantCount)) {
      const card = eventCard(summary);
      // Upcoming ones in start order; live ones newest first.
      const after = [...list.children].find((other) => summary.status === "scheduled"
        && other.querySelector("time")?.getAttribute("datetime") > (summary.startsAt || ""));
      list.insertBefore(card, summary.status === "live" ? list.firstChild : after ?? null);
    }
  }
  for (const id of ["live-events", "upcoming-events"]) {
    document.getElementById(`${id}-empty`).hidden = document.getElementById(id).childElementCount > 0;
  }
}

