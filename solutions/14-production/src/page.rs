//! The chat's web page, which the server gives for `/`: a room's log and
//! a line to type in. With `?probe` it says hello by itself and writes what
//! it heard into `#result`, and how a `ws://` socket fared into `#mixed`:
//! what the browser test reads.

pub const PAGE: &str = r#"<!doctype html>
<html>
<head><meta charset="utf-8"><title>Chat</title>
<!-- No icon to fetch: a browser would ask for /favicon.ico, not a room. -->
<link rel="icon" href="data:,"></head>
<body>
<p id="status">connecting</p>
<ul id="log"></ul>
<form id="say"><input id="text" autocomplete="off"><button>Say</button></form>
<p id="result"></p>
<p id="mixed"></p>
<script>
// The same scheme as the page: wss:// on an https:// page, ws:// on http://.
const secure = location.protocol === "https:";
const base = (secure ? "wss://" : "ws://") + location.host;
const room = new URLSearchParams(location.search).get("room") || "lobby";
const probe = new URLSearchParams(location.search).has("probe");
const socket = new WebSocket(base + "/chat/" + room);
const show = (id, text) => { document.getElementById(id).textContent = text; };
socket.onopen = () => {
  show("status", "connected to " + base);
  if (probe) socket.send("hello from the browser");
};
let heard = false;
socket.onmessage = (event) => {
  const item = document.createElement("li");
  item.textContent = event.data;
  document.getElementById("log").append(item);
  heard = true;
  if (probe) show("result", "heard: " + event.data);
};
// Headless Chromium's virtual clock (tests) does not wait for a WebSocket,
// but stops while a fetch is under way: fetch the page again and again
// until the answer came, so that the DOM is not printed before it.
if (probe) {
  (async () => {
    for (let i = 0; i < 500 && !heard; i++) {
      await fetch("/?waiting", { cache: "no-store" }).catch(() => {});
    }
  })();
}
socket.onerror = () => show("result", "error");
socket.onclose = (event) => show("status", "closed " + event.code);
document.getElementById("say").onsubmit = (event) => {
  event.preventDefault();
  socket.send(document.getElementById("text").value);
  document.getElementById("text").value = "";
};
// Mixed content: an https:// page may not open a ws:// connection.
if (probe && secure) {
  try {
    new WebSocket("ws://" + location.host + "/chat/" + room);
    show("mixed", "ws:// allowed");
  } catch (error) {
    show("mixed", "ws:// refused: " + error.name);
  }
}
</script>
</body>
</html>
"#;
