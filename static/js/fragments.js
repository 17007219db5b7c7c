// Parts of this page as the server renders them now: the page fetched again and parsed
// (DOMParser documents are inert: nothing in them runs or loads). Used to catch up on lists
// that have no event history, after the link was down or while the page was loading.
export async function freshParts(ids) {
  const response = await fetch(window.location.pathname, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${window.location.pathname} answered ${response.status}`);
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  return Object.fromEntries(ids.map((id) => [id, page.getElementById(id)]));
}

// Replaces the children of #id with those of its fresh version.
export function swapChildren(id, fresh) {
  const here = document.getElementById(id);
  if (!here || !fresh) return;
  here.replaceChildren(...[...fresh.childNodes].map((node) => document.adoptNode(node)));
}
