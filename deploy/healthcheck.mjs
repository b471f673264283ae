// The image's HEALTHCHECK (Dockerfile): exits 0 when the hub answers /healthz with 200 on PORT, else 1 with
// the reason. Node's own fetch, as the slim image has no curl.
const port = process.env.PORT || "3000";
const url = `http://127.0.0.1:${port}/healthz`;
try {
  const answer = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (!answer.ok) {
    console.error(`${url} answered ${answer.status}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`${url}: ${error.cause?.message ?? error.message}`);
  process.exit(1);
}
