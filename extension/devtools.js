// The devtools page: adds the "Trackmania tokens" panel (panel.html) to DevTools.
chrome.devtools.panels.create("Trackmania tokens", "", "panel.html");
