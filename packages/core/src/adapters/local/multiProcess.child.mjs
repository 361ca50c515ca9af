/**
 * A writer run as its own OS process by multiProcess.int.spec.ts. It imports the BUILT package (the
 * `dist` root comes in its options), so the test kills real processes running the code users run.
 *
 *   node multiProcess.child.mjs <mode> '<options JSON>'
 *
 * It talks in lines on stdout, each written with `writeSync` only after the awaited call resolved, so
 * a line the parent has read is a promise the child's store made: `ack …` means "this append resolved".
 * Every mode says `ready` once it has loaded the package, then waits for a `go` line on stdin before it
 * touches the store: racing children start writing at the same moment, and a child's start-up cost is
 * paid while an earlier one still runs.
 */
import { readFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [mode = '', json = '{}'] = process.argv.slice(2);
const options = JSON.parse(json);
const importDist = (file) => import(pathToFileURL(`${options.dist}/${file}`).href);
const core = await importDist('index.js');
const local = await importDist('adapters/local/index.js');

const POOL = 'us-east-1_Procs';
const say = (line) => writeSync(1, `${line}\n`);
/** validFrom is a fixed clock, seconds after 2024-01-01, so the timeline order is known in advance. */
const at = (seconds) => new Date(Date.UTC(2024, 0, 1) + seconds * 1000).toISOString();
const NO_HEAD = { version: 0, hash: null, doc: null };

/** Opened on first use only: a pending read of stdin would keep a finished child alive. */
let stdin;
let stdinLines;
async function awaitGo() {
  stdin ??= createInterface({ input: process.stdin });
  stdinLines ??= stdin[Symbol.asyncIterator]();
  const { value, done } = await stdinLines.next();
  if (done || value !== 'go') throw new Error(`expected "go" on stdin, got ${done ? 'EOF' : value}`);
}

/** Stays alive, doing nothing more, until the parent kills it: a writer that stopped mid-run. */
const hang = () => setInterval(() => {}, 1_000);

const record = (entity, head, after, seconds) =>
  core.makeRecord({
    poolId: POOL,
    entity,
    head,
    after,
    validFrom: at(seconds),
    observedAt: new Date().toISOString(),
    source: 'reconcile',
  });

/**
 * Appends one new entity after another until killed (or until the file size limit the parent set
 * makes an append fail part-way: then it says so and hangs).
 */
async function changesLoop() {
  const log = new local.DirectoryChangeLog(options.root, {
    durable: true,
    onWarning: (message) => say(`warn ${message}`),
    markEveryBytes: options.markEveryBytes,
  });
  const pad = 'x'.repeat(options.pad);
  say('ready');
  await awaitGo();
  for (let i = 0; i < 100_000; i++) {
    const next = record(`user:${options.prefix}-${i}`, NO_HEAD, { i, pad }, options.base + i);
    try {
      await log.append(next);
    } catch (error) {
      say(`failed ${error.code ?? error.name}`);
      return hang();
    }
    say(`ack ${next.id} ${next.hash}`);
  }
}

/**
 * Appends `own` records to ten entities only this process writes, and every `sharedEvery`-th time
 * also one version of the entity all children write, read-head-then-append, retrying on a conflict.
 */
async function changesRace() {
  const log = new local.DirectoryChangeLog(options.root, { durable: true });
  const heads = new Map();
  let conflicts = 0;
  const bumpShared = async () => {
    for (;;) {
      const head = await log.head(POOL, options.shared);
      const base = head ? { version: head.version, hash: head.hash, doc: head.after } : NO_HEAD;
      const after = { counter: base.version + 1, by: options.name };
      const next = record(options.shared, base, after, base.version + 1);
      try {
        await log.append(next);
        return say(`shared ${next.id} ${next.version}`);
      } catch (error) {
        if (!(error instanceof core.VersionConflictError)) throw error;
        conflicts++;
      }
    }
  };
  say('ready');
  await awaitGo();
  for (let i = 0; i < options.own; i++) {
    const entity = `user:${options.name}-${i % 10}`;
    const head = heads.get(entity) ?? NO_HEAD;
    const next = record(entity, head, { owner: options.name, n: head.version + 1 }, i);
    // No one else writes this entity: a conflict here would be a lost or doubled record, so it throws.
    await log.append(next);
    heads.set(entity, { version: next.version, hash: next.hash, doc: next.after });
    say(`own ${next.id}`);
    if (i % options.sharedEvery === 0) await bumpShared();
  }
  say(`done ${conflicts}`);
}

/** Appends restore journal entries until killed, or until an append fails (then hangs). */
async function restoreLoop() {
  const journal = new local.FileRestoreJournal(options.file);
  const pad = 'y'.repeat(options.pad);
  say('ready');
  await awaitGo();
  for (let i = 0; i < 100_000; i++) {
    const entity = `user:${options.prefix}-${i}`;
    const entry = {
      type: 'done',
      at: new Date().toISOString(),
      action: 'createUser',
      entity,
      result: { i, pad },
    };
    try {
      await journal.append(entry);
    } catch (error) {
      say(`failed ${error.code ?? error.name}`);
      return hang();
    }
    say(`ack ${i}`);
  }
}

/** `size` bytes of `fill`, in 64 KiB chunks: a streamed body takes long enough for puts to overlap. */
async function* body(size, fill) {
  const chunk = Buffer.alloc(64 * 1024, fill);
  for (let left = size; left > 0; left -= chunk.length) yield chunk.subarray(0, Math.min(left, chunk.length));
}

/** On each `go`, puts the next key; says whether it stored it or found it taken. */
async function blobRace() {
  const store = new local.DirectoryBlobStore(options.root, { durable: true });
  say('ready');
  for (let n = 0; n < options.keys; n++) {
    await awaitGo();
    const key = `race/k${n}`;
    try {
      const { bytes } = await store.put(key, body(options.size, options.fill));
      say(`put ${key} stored ${bytes}`);
    } catch (error) {
      if (!(error instanceof core.BlobExistsError)) throw error;
      say(`put ${key} exists`);
    }
  }
}

/** The file size limit this process runs under (the parent sets it with `ulimit -f`), in bytes. */
function fileSizeLimit() {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max file size'));
  return line?.split(/\s+/)[3] ?? 'unknown';
}

const modes = { changesLoop, changesRace, restoreLoop, blobRace };
if (options.reportLimit) say(`limit ${fileSizeLimit()}`);
const run = modes[mode];
if (run === undefined) throw new Error(`unknown mode ${mode}`);
await run();
stdin?.close();
