// A classic script in <head>: marks the page as scripted before it is first painted, so the
// CSS can lay out the live version at once instead of jumping when the modules arrive.
document.documentElement.classList.add("js");
