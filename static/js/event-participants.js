// The participant list of a live event: one row per name, sorted as the page renders it, and
// moderation actions on the rows of others for those who may moderate.
import { modActions } from "./moderation.js";

// Returns show(names), which replaces the list with `names`, keeping the rows (and any open
// moderation panel) of those still there.
export function participantList(listEl, { me, canModerate }) {
  let keySeq = 0;
  function participantRow(name) {
    const li = document.createElement("li");
    li.className = "person";
    li.dataset.username = name;
    const label = document.createElement("span");
    label.className = "name";
    const mine = me != null && name === me.username;
    label.textContent = mine ? `${name} (you)` : name;
    li.append(label);
    keySeq += 1;
    if (canModerate && !mine) li.append(modActions(name, `live${keySeq}`));
    return li;
  }

  return function showParticipants(unsorted) {
    // By name, as the page was rendered: the server's arrival order shifts on every reload.
    const names = [...unsorted].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base" }));
    const rows = new Map([...listEl.children].map((li) => [li.dataset.username, li]));
    listEl.replaceChildren(...names.map((name) => rows.get(name) || participantRow(name)));
    document.getElementById("participant-count").textContent = String(names.length);
    document.querySelectorAll(".participant-count-copy").forEach((el) => {
      el.textContent = String(names.length);
    });
    document.getElementById("participants-empty").hidden = names.length > 0;
  };
}
