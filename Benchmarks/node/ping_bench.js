#!/usr/bin/env node
// Client CPU per `ping` through the Node.js driver's connection pool, the Node side of
// PoolSQL's ping benchmark: one MongoClient (maxPoolSize 4), 4 concurrent async workers that
// each run {ping: 1} on admin back to back for --seconds, repeated --repetitions times.
// Client CPU is process.cpuUsage() (user + system) over each measured interval divided by the
// pings finished in it. Prints one JSON line on stdout; diagnostics go to stderr.
//
//   node ping_bench.js --uri mongodb://127.0.0.1:27017/ [--seconds 2] [--repetitions 1]
//                      [--workers 4] [--warmup-seconds 0.5]
'use strict';

function parseArguments(argv) {
  const options = { uri: process.env.MONGODB_URI, seconds: 2, repetitions: 1, workers: 4, warmupSeconds: 0.5 };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    switch (name) {
      case '--uri': options.uri = value; i++; break;
      case '--seconds': options.seconds = Number(value); i++; break;
      case '--repetitions': options.repetitions = Number(value); i++; break;
      case '--workers': options.workers = Number(value); i++; break;
      case '--warmup-seconds': options.warmupSeconds = Number(value); i++; break;
      default: throw new Error(`unknown argument ${name}`);
    }
  }
  if (!options.uri) throw new Error('--uri (or MONGODB_URI) is required');
  for (const key of ['seconds', 'repetitions', 'workers', 'warmupSeconds']) {
    if (!Number.isFinite(options[key]) || options[key] < 0) throw new Error(`--${key} must be a non-negative number`);
  }
  return options;
}

// The Debian package (node-mongodb) installs into /usr/share/nodejs, which a node that is not
// Debian's own does not search by default; its dependencies live there too, so the directory is
// added to NODE_PATH (and the module paths re-read) rather than requiring the package by path.
function loadDriver() {
  const debianModules = '/usr/share/nodejs';
  const searchPath = (process.env.NODE_PATH || '').split(':').filter(Boolean);
  if (!searchPath.includes(debianModules)) {
    process.env.NODE_PATH = [...searchPath, debianModules].join(':');
    require('module').Module._initPaths();
  }
  return { driver: require('mongodb'), version: require('mongodb/package.json').version };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// Runs `workers` loops of pings until `seconds` have passed; returns the pings, the wall time
// and the process CPU time of the interval.
async function measure(admin, workers, seconds) {
  let stop = false;
  const timer = setTimeout(() => { stop = true; }, seconds * 1000);
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  const counts = await Promise.all(Array.from({ length: workers }, async () => {
    let count = 0;
    while (!stop) {
      await admin.command({ ping: 1 });
      count++;
    }
    return count;
  }));
  const wallNanoseconds = Number(process.hrtime.bigint() - wallBefore);
  const cpu = process.cpuUsage(cpuBefore);
  clearTimeout(timer);
  const operations = counts.reduce((a, b) => a + b, 0);
  const cpuMicroseconds = cpu.user + cpu.system;
  return {
    operations,
    wallSeconds: wallNanoseconds / 1e9,
    cpuMicroseconds,
    systemMicroseconds: cpu.system,
    cpuMicrosecondsPerOp: cpuMicroseconds / operations,
    opsPerSecond: operations / (wallNanoseconds / 1e9),
  };
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const { driver, version } = loadDriver();
  const client = new driver.MongoClient(options.uri, {
    useUnifiedTopology: true,
    maxPoolSize: options.workers,
    poolSize: options.workers,
  });
  await client.connect();
  try {
    const admin = client.db('admin');
    // Warm up: every worker's connection is established before anything is measured.
    await measure(admin, options.workers, options.warmupSeconds);
    const runs = [];
    for (let r = 0; r < options.repetitions; r++) runs.push(await measure(admin, options.workers, options.seconds));
    const result = {
      benchmark: 'ping',
      client: 'node-mongodb',
      driverVersion: version,
      nodeVersion: process.version,
      workers: options.workers,
      cpuMicrosecondsPerOp: median(runs.map((run) => run.cpuMicrosecondsPerOp)),
      opsPerSecond: median(runs.map((run) => run.opsPerSecond)),
      runs,
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await client.close();
  }
}

main().catch((error) => {
  process.stderr.write(`ping_bench.js: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
