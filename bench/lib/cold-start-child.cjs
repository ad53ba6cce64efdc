// @ts-check
/**
 * One cold start, in a fresh `node` process: load a bundle the way FC's Node runtime does (`require`), answer
 * one invocation, print the timings and exit. Plain CommonJS so that no TypeScript loader is in the process
 * being measured. Argument: base64 JSON `{bundle, event, context}` (event: the text FC would pass as a Buffer).
 * Times are `performance.now()`, i.e. ms since this process started.
 */
const { bundle, event, context } = JSON.parse(Buffer.from(process.argv[2] ?? '', 'base64').toString('utf8'));

async function main() {
  const started = performance.now();
  const { handler } = require(bundle);
  const loaded = performance.now();
  const answer = await handler(Buffer.from(event), context);
  const answered = performance.now();
  const figures = { started, loadMs: loaded - started, firstAnswerMs: answered - started, answer };
  // Log lines of the function share stdout; the marker picks this one out.
  process.stdout.write(`\n@cold-start ${JSON.stringify(figures)}\n`);
  // Keep-alive sockets would hold the process open; the measurement is done.
  process.exit(0);
}

main().catch((error) => {
  process.stdout.write(`\n@cold-start ${JSON.stringify({ error: String(error?.stack ?? error) })}\n`);
  process.exit(1);
});
