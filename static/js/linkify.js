// User text into DOM nodes, with http(s) URLs as links: the same rules as the server's
// `linkify` filter (chatapp/rendering.py), built with DOM APIs only (never innerHTML), so no
// text a user wrote can become markup.

// A URL starts with http(s):// not glued to a word or path before it, and runs to whitespace
// or a character that cannot be part of a URL in running text.
const URL_PATTERN = /(?<![\p{L}\p{N}\p{M}_@/.+-])https?:\/\/[^\s<>"'`\\]+/giu;
const TRAILING = ".,;:!?*";
const CLOSERS = { ")": "(", "]": "[", "}": "{" };
const LINK_REL = "nofollow noopener noreferrer";

const count = (text, ch) => text.split(ch).length - 1;

// Drops sentence punctuation after a URL, and a closing bracket that closes something opened
// before it ("(see https://x.org/a)"), but keeps a balanced one (".../Python_(language)").
export function trimUrl(url) {
  while (url) {
    const last = url[url.length - 1];
    const unbalanced = last in CLOSERS && count(url, last) > count(url, CLOSERS[last]);
    if (!TRAILING.includes(last) && !unbalanced) break;
    url = url.slice(0, -1);
  }
  return url;
}

function isLinkable(url) {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname !== "";
  } catch {
    return false;
  }
}

export function linkElement(url) {
  const a = document.createElement("a");
  a.href = url;
  a.rel = LINK_REL;
  a.target = "_blank";
  a.textContent = url;
  return a;
}

// Appends `text` to `parent` as text nodes, with its URLs as <a> elements.
export function appendLinkified(parent, text) {
  let position = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    if (!isLinkable(url)) continue;
    parent.append(text.slice(position, match.index), linkElement(url));
    position = match.index + url.length;
  }
  parent.append(text.slice(position));
}
