// The page's boot data: the JSON island the server rendered (see docs/web-ui.md).
export function readPageData() {
  const island = document.getElementById("page-data");
  return island ? JSON.parse(island.textContent) : {};
}
