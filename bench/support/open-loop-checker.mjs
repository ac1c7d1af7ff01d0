// An open-loop checker in a worker thread of its own (`new Worker(thisFile, { workerData })`): one
// GET every 1000 / rate ms on a fixed schedule, whether or not the previous one has answered, and
// each latency measured from the moment the request was *due* (so a stall of the server or of this
// thread counts against every request it delayed: no coordinated omission). Its own event loop
// keeps the load generator's work (building bulk bodies) out of the figures. Posts
// { latencies, sendDelays, slowest, errors } when `seconds` have passed and every request has
// answered: `sendDelays` how late each request left this thread (its own scheduling, not the
// server's), `slowest` the 1 % slowest with when they were due (wall clock) and how late they left.
// The first `warmup` seconds (default 1) run the same schedule unrecorded: a thread and sockets
// just opened answer their first requests tens of ms late, the load generator's cold start and not
// the server's (a backend asking before its calls holds warm keep-alive connections).
//   workerData: { url, headers, rate, seconds, warmup, paths: [path, …] (taken in turn) }
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { url, headers, rate, seconds, warmup = 1, paths } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const latencies = [];
const sendDelays = [];
const timed = [];
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
const warm = Math.floor(rate * warmup);
const count = Math.floor(rate * seconds);
const inFlight = [];
for (let i = -warm; i < count; i++) {
  const due = start + ((i + warm) * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  if (i < 0) {
    inFlight.push(get(paths[(i + warm) % paths.length]));
    continue;
  }
  const late = performance.now() - due;
  sendDelays.push(late);
  inFlight.push(
    get(paths[i % paths.length]).then((res) => {
      const ms = performance.now() - due;
      latencies.push(ms);
      timed.push({ due: new Date(performance.timeOrigin + due).toISOString(), ms, late });
      const ok = res.status === 200 && JSON.parse(res.text).allowed === true;
      if (!ok) {
        errors++;
        firstError ??= `${res.status} ${res.text.slice(0, 200)}`;
      }
    }),
  );
}
await Promise.all(inFlight);
timed.sort((a, b) => b.ms - a.ms);
parentPort.postMessage({ latencies, sendDelays, slowest: timed.slice(0, Math.ceil(count / 100)), errors, firstError });
