// "@name" in the composer: typing "@" and a few letters lists the people the page knows
// (ArrowUp/ArrowDown pick, Enter or Tab takes, Escape closes), as a combobox a screen reader
// can follow. The server works out whom a message mentions from the names in its text.
const MAX_SHOWN = 6;
const TOKEN = /(^|\s)@([\p{L}\p{N}._-]*)$/u;

// `candidates()`: [{username, displayName}] (the viewer left out).
export function wireMentionAutocomplete(box, candidates) {
  if (!box) return;
  const list = document.createElement("ul");
  list.className = "mention-list";
  list.id = "mention-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "People to mention");
  list.hidden = true;
  box.closest(".composer-row").before(list);
  box.setAttribute("role", "combobox");
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-controls", list.id);
  box.setAttribute("aria-expanded", "false");
  let shown = [];
  let active = 0;

  const close = () => {
    list.hidden = true;
    shown = [];
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  };
  const highlight = () => {
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    box.setAttribute("aria-activedescendant", `mention-option-${active}`);
  };
  const take = (person) => {
    const before = box.value.slice(0, box.selectionStart);
    const after = box.value.slice(box.selectionStart);
    const start = before.lastIndexOf("@");
    box.value = `${before.slice(0, start)}@${person.username} ${after}`;
    const caret = start + person.username.length + 2;
    box.setSelectionRange(caret, caret);
    close();
    box.dispatchEvent(new Event("input", { bubbles: true }));
  };

  box.addEventListener("input", () => {
    const match = TOKEN.exec(box.value.slice(0, box.selectionStart));
    if (!match) { close(); return; }
    const typed = match[2].toLowerCase();
    shown = candidates().filter((p) => p.username.toLowerCase().startsWith(typed)
      || (p.displayName || "").toLowerCase().split(/\s+/).some((w) => w.startsWith(typed)))
      .slice(0, MAX_SHOWN);
    if (!shown.length) { close(); return; }
    active = 0;
    list.replaceChildren(...shown.map((p, i) => {
      const li = document.createElement("li");
      li.id = `mention-option-${i}`;
      li.setAttribute("role", "option");
      const name = document.createElement("strong");
      name.textContent = p.displayName || p.username;
      const handle = document.createElement("span");
      handle.className = "username";
      handle.textContent = ` @${p.username}`;
      li.append(name, handle);
      li.addEventListener("pointerdown", (event) => { event.preventDefault(); take(p); });
      return li;
    }));
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
    highlight();
  });
  // Capture: runs before the composer's own Enter-sends handler on the same box.
  box.addEventListener("keydown", (event) => {
    if (list.hidden || !shown.length) return;
    const keys = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in keys) {
      active = (active + keys[event.key] + shown.length) % shown.length;
      highlight();
    } else if ((event.key === "Enter" || event.key === "Tab") && !event.isComposing) {
      take(shown[active]);
    } else if (event.key === "Escape") {
      close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
  box.addEventListener("blur", () => setTimeout(close, 150));
}

// Wraps each "@<username>" in the text under `root` (not inside code or links) in a
// highlight, so the viewer sees where they were named.
export function markMentions(root, username) {
  if (!root || !username) return;
  const pattern = new RegExp(`(^|[^\\p{L}\\p{N}._-])(@${username.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})(?![\\p{L}\\p{N}_-])`, "giu");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement.closest("code, pre, a, .mention")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const text = node.textContent;
    pattern.lastIndex = 0;
    if (!pattern.test(text)) continue;
    pattern.lastIndex = 0;
    const parts = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      const start = match.index + match[1].length;
      parts.append(text.slice(last, start));
      const mark = document.createElement("span");
      mark.className = "mention mention-me";
      mark.textContent = match[2];
      parts.append(mark);
      last = start + match[2].length;
    }
    parts.append(text.slice(last));
    node.replaceWith(parts);
  }
}
