// An open-loop checker in a worker thread of its own (`new Worker(thisFile, { workerData })`): one
// GET every 1000 / rate ms on a fixed schedule, whether or not the previous one has answered, and
// each latency measured from the moment the request was *due* (so a stall of the server or of this
// thread counts against every request it delayed: no coordinated omission). Its own event loop
// keeps the load generator's work (building bulk bodies) out of the figures. Posts
// { latencies, errors } when `seconds` have passed and every request has answered.
//   workerData: { url, headers, rate, seconds, paths: [path, …] (taken in turn) }
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { url, headers, rate, seconds, paths } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const latencies = [];
let errors = 0;
let firstError = null;

function get(path) {
  return new Promise((resolve) => {
    const req = http.request(`${url}${path}`, { headers, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("error", (e) => resolve({ status: 0, text: String(e) }));
    req.end();
  });
}

const start = performance.now();
const count = Math.floor(rate * seconds);
const inFlight = [];
for (let i = 0; i < count; i++) {
  const due = start + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  inFlight.push(
    get(paths[i % paths.length]).then((res) => {
      latencies.push(performance.now() - due);
      const ok = res.status === 200 && JSON.parse(res.text).allowed === true;
      if (!ok) {
        errors++;
        firstError ??= `${res.status} ${res.text.slice(0, 200)}`;
      }
    }),
  );
}
await Promise.all(inFlight);
parentPort.postMessage({ latencies, errors, firstError });
