// Pushes 20 log records with winston-loki (protobuf + snappy) to the
// loki.source.api at http://127.0.0.1:PORT, then exits. Fails when the
// transport fell back to JSON (its snappy module missing): the point is
// the protobuf path.
// Usage: node winston.js PORT
const winston = require("winston");
const LokiTransport = require("winston-loki");

const port = process.argv[2];
const transport = new LokiTransport({
  host: `http://127.0.0.1:${port}`,
  labels: { service: "e2e-winston" },
  json: false,
  batching: true,
  interval: 0.2,
  onConnectionError: (err) => {
    console.error(`push failed: ${err}`);
    process.exitCode = 1;
  },
});
const contentType = transport.batcher.contentType;
if (contentType !== "application/x-protobuf") {
  console.error(`winston-loki would send ${contentType}, not protobuf: is snappy installed?`);
  process.exit(1);
}
const logger = winston.createLogger({ transports: [transport] });
for (let i = 0; i < 20; i++) {
  logger.info(`winston ${i}`, { labels: { n: String(i) } });
}
setTimeout(async () => {
  await transport.flush();
  transport.close && transport.close();
  process.exit(process.exitCode || 0);
}, 1500);
