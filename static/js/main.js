// Wiring for the page: fetch from the JSON API and draw. The model math lives in the server's core.
const status = await fetch("/api/health").then((r) => r.json());
document.title = `Gradient Flow Lab ${status.version}`;
