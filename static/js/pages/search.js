// The search page: times in the viewer's zone and the phone's drawer (the page itself works
// without any script: a form and links).
import { wireDrawer } from "../drawer.js";
import { formatAll } from "../time.js";

formatAll(document);
wireDrawer();
