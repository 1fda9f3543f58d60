#!/usr/bin/env node
// A small load generator for tests/bench/xroad.sh: wrk cannot present a
// client certificate, so the X-Road provider's voter status (mTLS) and the
// public PIN lookup (plain HTTP) are both measured with this same tool, for
// a fair ratio.  Kept-alive connections, CONNECTIONS of them spread over
// THREADS worker threads, each connection asking one request after another
// for DURATION seconds (a warm-up first), a random PIN each time.
//
//   node tests/bench/xroad_load.mjs --url URL_PREFIX --pins FILE [--cert PEM --key KEY --ca PEM]
//        [--header 'Name: value' ...] [--connections 64] [--threads 4] [--duration 10] [--warmup 3]
//
// Prints one line: "req/s p50_ms p99_ms non2xx errors".  Node's standard library only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

function parseArgs(argv) {
  const o = { headers: {}, connections: 64, threads: 4, duration: 10, warmup: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--url') o.url = v();
    else if (a === '--pins') o.pins = v();
    else if (a === '--cert') o.cert = v();
    else if (a === '--key') o.key = v();
    else if (a === '--ca') o.ca = v();
    else if (a === '--header') {
      const h = v();
      const k = h.indexOf(':');
      o.headers[h.slice(0, k).trim()] = h.slice(k + 1).trim();
    } else if (a === '--connections') o.connections = Number(v());
    else if (a === '--threads') o.threads = Number(v());
    else if (a === '--duration') o.duration = Number(v());
    else if (a === '--warmup') o.warmup = Number(v());
    else throw new Error(`unknown option ${a}`);
  }
  if (!o.url || !o.pins) throw new Error('--url and --pins are required');
  return o;
}

// One thread: its share of the connections, for seconds; latencies in ms.
async function load(o, connections, seconds, record) {
  const tls = o.url.startsWith('https:');
  const agent = tls
    ? new https.Agent({ keepAlive: true, maxSockets: connections, cert: fs.readFileSync(o.cert),
      key: fs.readFileSync(o.key), ca: fs.readFileSync(o.ca) })
    : new http.Agent({ keepAlive: true, maxSockets: connections });
  const get = tls ? https.get : http.get;
  const pins = fs.readFileSync(o.pins, 'utf8').split('\n').filter(Boolean);
  const lat = [];
  let non2xx = 0;
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const one = () => new Promise((resolve) => {
    const pin = pins[Math.floor(Math.random() * pins.length)];
    const headers = { ...o.headers };
    if (headers['X-Road-Id'] === 'random') headers['X-Road-Id'] = crypto.randomUUID();
    const t0 = process.hrtime.bigint();
    const req = get(o.url + pin, { agent, headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        if (record) lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (res.statusCode < 200 || res.statusCode > 299) non2xx++;
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
  });
  await Promise.all(Array.from({ length: connections }, async () => {
    while (Date.now() < end) await one();
  }));
  agent.destroy();
  return { lat, non2xx, errors };
}

if (isMainThread) {
  const o = parseArgs(process.argv.slice(2));
  const run = (seconds, record) => Promise.all(Array.from({ length: o.threads }, (_, i) => new Promise((resolve, reject) => {
    const share = Math.floor(o.connections / o.threads) + (i < o.connections % o.threads ? 1 : 0);
    const w = new Worker(new URL(import.meta.url), { workerData: { o, connections: share, seconds, record } });
    w.on('message', resolve);
    w.on('error', reject);
  })));
  if (o.warmup > 0) await run(o.warmup, false);
  const parts = await run(o.duration, true);
  const lat = parts.flatMap((p) => p.lat).sort((a, b) => a - b);
  const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : 0);
  const non2xx = parts.reduce((s, p) => s + p.non2xx, 0);
  const errors = parts.reduce((s, p) => s + p.errors, 0);
  console.log(`${(lat.length / o.duration).toFixed(0)} ${q(0.5).toFixed(2)} ${q(0.99).toFixed(2)} ${non2xx} ${errors}`);
} else {
  const { o, connections, seconds, record } = workerData;
  parentPort.postMessage(await load(o, connections, seconds, record));
}
