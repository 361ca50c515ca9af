#!/usr/bin/env node
// House figures (issue 14): what ships, what the installed CLI pulls in, core's exports, large files,
// folder cycles, duplicated code and the README's first command, measured the same way before and
// after a restructure. It reads the layout (packages/*, their package.json) instead of assuming it.
//
//   node scripts/house-figures.mjs [checkout] [--rev REV] [--json out.json] [--md out.md] [--in-place]
//                                  [--no-time-start] [--time-test] [--keep]
//
// By default it clones the checkout's HEAD (or --rev) into /tmp (no stale dist, no untracked files), times
// `pnpm install && pnpm start` there (until the stack says it is running), then measures that clone.
// A step that fails is recorded as `{ error }` in its place; the other figures are still taken.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const PNPM = ['npx', '-y', 'pnpm@10.34.9'];
const LARGE_FILE_LINES = 300;
const SUITE_LOCK = '/tmp/suite.lock';
const SHARED = { link: '/tmp/shared', target: '/work/shared' };
/** A line the timed shell prints at each step, so waiting for the lock is not counted. */
const MARK = 'HOUSE_FIGURES_MARK';
const MARK_LINE = /^HOUSE_FIGURES_MARK (\w+)$/;
/** The line `start` prints once the stack serves (stackBanner.ts). */
const READY_LINE = /Cognito Rewind is running|is running locally/;
const TEST_TOOLS = [
  'vitest',
  'cognito-local',
  'dynalite',
  's3rver',
  'fast-check',
  '@types/node',
  'typescript',
];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.rewind', 'coverage']);
const TEST_SUPPORT_DIRS = new Set(['testing', 'test', 'tests', '__tests__', 'bench', 'benches', 'fixtures']);
const TEST_PACKAGE = /(^|[-/])(testkit|testing|test-utils)$/;

// ---------- small helpers ----------

const log = (message) => process.stderr.write(`[house-figures] ${message}\n`);

function run(cmd, args, options = {}) {
  const started = performance.now();
  const result = spawnSync(cmd, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: options.timeoutMs,
  });
  return {
    code: result.status,
    signal: result.signal,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    error: result.error?.message,
    seconds: round((performance.now() - started) / 1000),
  };
}

const round = (n, digits = 1) => Number(n.toFixed(digits));
const tail = (text, lines = 8) => text.trim().split('\n').slice(-lines).join('\n');

function countLines(text) {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

const fileLines = (path) => countLines(readFileSync(path, 'utf8'));
const toPosix = (path) => path.split(sep).join('/');

/** Every file below `dir`, skipping build output, dependencies and local state. */
function* walk(dir, skip = SKIP_DIRS) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.has(entry.name)) yield* walk(path, skip);
    } else if (entry.isFile()) yield path;
  }
}

const isSpec = (path) => /\.(spec|test)\.[cm]?[jt]sx?$/.test(path);
const isTsSource = (path) => /\.[cm]?tsx?$/.test(path) && !/\.d\.[cm]?ts$/.test(path);

/** Test helpers and benches: `*.testing.ts` files and anything under testing/, bench/, … folders. */
function isTestSupport(relPath) {
  if (/\.testing\.[cm]?[jt]sx?$/.test(relPath)) return true;
  return toPosix(relPath)
    .split('/')
    .slice(0, -1)
    .some((segment) => TEST_SUPPORT_DIRS.has(segment));
}

/** Runs `measure`, keeping its failure as the figure instead of stopping the run. */
async function attempt(name, measure) {
  log(`${name}…`);
  try {
    return await measure();
  } catch (error) {
    log(`${name} failed: ${error.message}`);
    return { error: String(error.stack ?? error) };
  }
}

function listPackages(root) {
  const dir = join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')))
    .map((entry) => {
      const manifest = JSON.parse(readFileSync(join(dir, entry.name, 'package.json'), 'utf8'));
      return {
        dir: join(dir, entry.name),
        rel: `packages/${entry.name}`,
        name: manifest.name ?? entry.name,
        private: manifest.private === true,
        testOnly: TEST_PACKAGE.test(manifest.name ?? entry.name),
        manifest,
      };
    });
}

/** The TypeScript compiler of the checkout (a root devDependency), used as the import parser. */
function loadTypeScript(root) {
  return createRequire(join(root, 'package.json'))('typescript');
}

/** `packages/*\/src/**\/*.ts` with the package each file belongs to (specs included; callers filter). */
function sourceFiles(root, packages) {
  const files = [];
  for (const pkg of packages)
    for (const path of walk(join(pkg.dir, 'src')))
      if (isTsSource(path)) files.push({ path, rel: toPosix(relative(root, path)), pkg });
  return files;
}

const isShipped = (file) => !file.pkg.testOnly && !isSpec(file.rel) && !isTestSupport(file.rel);

// ---------- 1. lines shipped in dist ----------

function distFigures(pkg) {
  const dist = join(pkg.dir, 'dist');
  if (!existsSync(dist)) return { package: pkg.name, private: pkg.private, dist: false };
  const f = { files: 0, jsFiles: 0, jsLines: 0, dtsFiles: 0, dtsLines: 0, specFiles: 0, testHelperFiles: 0 };
  f.benchFiles = 0;
  for (const path of walk(dist, new Set(['node_modules']))) {
    const rel = toPosix(relative(dist, path));
    f.files++;
    if (/\.d\.[cm]?ts$/.test(rel)) {
      f.dtsFiles++;
      f.dtsLines += fileLines(path);
    } else if (/\.[cm]?js$/.test(rel)) {
      f.jsFiles++;
      f.jsLines += fileLines(path);
      if (isSpec(rel)) f.specFiles++;
      else if (/(^|\/)(bench|benches)\//.test(rel)) f.benchFiles++;
      else if (isTestSupport(rel)) f.testHelperFiles++;
    }
  }
  return { package: pkg.name, private: pkg.private, ...f };
}

function measureDist(packages) {
  const perPackage = packages.map(distFigures);
  const total = {};
  for (const row of perPackage.filter((p) => !p.private))
    for (const [key, value] of Object.entries(row))
      if (typeof value === 'number') total[key] = (total[key] ?? 0) + value;
  return {
    note: 'total: the packages that are not private; lines: a last line without a newline counts (wc -l would not count it); specFiles: *.spec.js/*.test.js; benchFiles: under bench/; testHelperFiles: *.testing.js or under testing/, test/, fixtures/ (specs and benches not counted again)',
    perPackage,
    total,
  };
}

// ---------- 2. the installed CLI ----------

/** Every package directory in a node_modules tree, nested ones included. */
function installedPackages(nodeModules, found = []) {
  if (!existsSync(nodeModules)) return found;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || !(entry.isDirectory() || entry.isSymbolicLink())) continue;
    const dirs = entry.name.startsWith('@')
      ? readdirSync(join(nodeModules, entry.name)).map((child) => join(nodeModules, entry.name, child))
      : [join(nodeModules, entry.name)];
    for (const dir of dirs) {
      if (!existsSync(join(dir, 'package.json'))) continue;
      found.push(toPosix(relative(nodeModules, dir)).replace(/^(.*\/)?node_modules\//, ''));
      installedPackages(join(dir, 'node_modules'), found);
    }
  }
  return found;
}

/** Starts `restore-cli start …` and waits for its "running" line, an exit, or the timeout; then stops it. */
async function startProbe(cwd, args, timeoutMs) {
  const bin = join(cwd, 'node_modules', '.bin', 'restore-cli');
  const outcome = await runUntilReady('node', [bin, ...args], { cwd, timeoutMs });
  return { args: args.join(' '), ...outcome };
}

async function packTarballs(packages, into) {
  const packed = [];
  for (const pkg of packages.filter((p) => !p.private)) {
    const result = run(PNPM[0], [...PNPM.slice(1), 'pack', '--pack-destination', into], { cwd: pkg.dir });
    packed.push({
      package: pkg.name,
      ok: result.code === 0,
      ...(result.code === 0 ? {} : { output: tail(result.stderr || result.stdout) }),
    });
  }
  return packed;
}

async function measureInstalledCli(packages, keep) {
  const tmp = mkdtempSync(join(tmpdir(), 'house-figures-cli-'));
  const tarballDir = join(tmp, 'tarballs');
  const probe = join(tmp, 'probe');
  mkdirSync(tarballDir);
  mkdirSync(probe);
  try {
    const packed = await packTarballs(packages, tarballDir);
    const tarballs = readdirSync(tarballDir).filter((name) => name.endsWith('.tgz'));
    writeFileSync(
      join(probe, 'package.json'),
      `${JSON.stringify({ name: 'house-figures-probe', version: '0.0.0', private: true })}\n`,
    );
    const install = run(
      'npm',
      ['install', '--omit=dev', '--no-audit', '--no-fund', ...tarballs.map((t) => join(tarballDir, t))],
      { cwd: probe },
    );
    const figures = { packed, tarballs, npmInstall: { ok: install.code === 0, seconds: install.seconds } };
    if (install.code !== 0)
      return { ...figures, npmInstall: { ...figures.npmInstall, output: tail(install.stderr, 20) } };
    return { ...figures, ...(await installedFigures(probe, tmp)) };
  } finally {
    if (keep) log(`installed CLI kept in ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

async function installedFigures(probe, tmp) {
  const nodeModules = join(probe, 'node_modules');
  const names = installedPackages(nodeModules);
  const npmLs = run('npm', ['ls', '--all', '--omit=dev', '--parseable'], { cwd: probe });
  const lsPaths = new Set(npmLs.stdout.split('\n').filter((line) => line.trim() !== ''));
  lsPaths.delete(probe);
  const du = run('du', ['-sb', nodeModules]);
  const ours = join(nodeModules, '@cognito-rewind');
  const oursFiles = [...walk(ours, new Set())].map((path) => toPosix(relative(ours, path)));
  const help = run('node', [join(nodeModules, '.bin', 'restore-cli'), '--help'], {
    cwd: probe,
    timeoutMs: 60_000,
  });
  const stackDir = (name) => join(tmp, name);
  return {
    packages: names.length,
    npmLsPackages: lsPaths.size,
    npmLsExitCode: npmLs.code,
    bytes: Number.parseInt(du.stdout, 10),
    megabytes: round(Number.parseInt(du.stdout, 10) / 1e6),
    testToolsInstalled: TEST_TOOLS.filter((tool) => names.includes(tool)),
    ourSpecFiles: oursFiles.filter((rel) => isSpec(rel) && rel.endsWith('.js')).length,
    allSpecFiles: [...walk(nodeModules, new Set())].filter((p) => /\.(spec|test)\.[cm]?js$/.test(p)).length,
    help: { exitCode: help.code, ...(help.code === 0 ? {} : { output: tail(help.stderr || help.stdout) }) },
    startDirectory: await startProbe(
      probe,
      ['start', '--port', '0', '--dir', stackDir('stack-dir')],
      120_000,
    ),
    startAws: await startProbe(
      probe,
      ['start', '--port', '0', '--store', 'aws', '--dir', stackDir('stack-aws')],
      120_000,
    ),
  };
}

// ---------- imports, parsed by the TypeScript compiler ----------

const allTypeOnly = (elements) => elements.length > 0 && elements.every((element) => element.isTypeOnly);

const importedName = (element) => (element.propertyName ?? element.name).text;

function importDeclaration(ts, node) {
  const clause = node.importClause;
  const bindings = clause?.namedBindings;
  const named = bindings && ts.isNamedImports(bindings) ? bindings.elements : [];
  const names = named.map(importedName);
  if (clause?.name) names.push('default');
  return {
    specifier: node.moduleSpecifier.text,
    typeOnly: clause !== undefined && (clause.isTypeOnly || (!clause.name && allTypeOnly(named))),
    names,
    namespace: bindings !== undefined && ts.isNamespaceImport(bindings),
  };
}

function exportDeclaration(ts, node) {
  const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : [];
  return {
    specifier: node.moduleSpecifier.text,
    typeOnly: node.isTypeOnly || allTypeOnly(named),
    names: named.map(importedName),
    namespace: !node.exportClause,
  };
}

function declarationImport(ts, node) {
  if (ts.isImportDeclaration(node)) return importDeclaration(ts, node);
  if (ts.isExportDeclaration(node) && node.moduleSpecifier) return exportDeclaration(ts, node);
  return undefined;
}

function isDynamicImport(ts, node) {
  return (
    ts.isCallExpression(node) &&
    node.expression.kind === ts.SyntaxKind.ImportKeyword &&
    node.arguments.length === 1 &&
    ts.isStringLiteralLike(node.arguments[0])
  );
}

/** The import and re-export specifiers of a file: static, `export … from` and `import('…')`. */
function importsOf(ts, path) {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    const declared = declarationImport(ts, node);
    if (declared && ts.isStringLiteralLike(node.moduleSpecifier)) found.push(declared);
    else if (isDynamicImport(ts, node))
      found.push({
        specifier: node.arguments[0].text,
        typeOnly: false,
        names: [],
        namespace: true,
        dynamic: true,
      });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveRelative(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    base.replace(/\.mjs$/, '.mts'),
    base.replace(/\.cjs$/, '.cts'),
    base,
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

// ---------- 3. names exported from core ----------

function runtimeExportNames(entry) {
  const script =
    'const m = await import(process.argv[1]); process.stdout.write(JSON.stringify(Object.keys(m))); process.exit(0);';
  const result = run('node', ['--input-type=module', '-e', script, pathToFileURL(entry).href], {
    timeoutMs: 120_000,
  });
  if (result.code !== 0) throw new Error(`importing ${entry} failed: ${tail(result.stderr)}`);
  return JSON.parse(result.stdout);
}

/** Every name of a declaration entry, types included, as the type checker sees it. */
function declaredExportNames(ts, dts) {
  const program = ts.createProgram([dts], {
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(dts));
  return symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : [];
}

/** Every TypeScript file outside core, with the imports of core it makes. */
function* coreImports(ts, root, core) {
  for (const path of walk(root)) {
    if (!isTsSource(path) || path.startsWith(core.dir + sep)) continue;
    const rel = toPosix(relative(root, path));
    for (const found of importsOf(ts, path))
      if (found.specifier === core.name || found.specifier.startsWith(`${core.name}/`)) yield { rel, found };
  }
}

function importersOfCore(ts, root, core) {
  const used = new Map();
  const byEntry = {};
  const whole = [];
  for (const { rel, found } of coreImports(ts, root, core)) {
    byEntry[found.specifier] = (byEntry[found.specifier] ?? 0) + 1;
    if (found.specifier !== core.name) continue;
    if (found.namespace) whole.push(rel);
    const where = rel.split('/').slice(0, 2).join('/');
    for (const name of found.names) used.set(name, (used.get(name) ?? new Set()).add(where));
  }
  return { used, byEntry, whole };
}

function measureCoreExports(root, packages) {
  const ts = loadTypeScript(root);
  const core =
    packages.find((pkg) => pkg.name === '@cognito-rewind/core') ??
    packages.find((pkg) => pkg.rel === 'packages/core');
  if (!core) throw new Error('no core package');
  const entry = join(core.dir, 'dist', 'index.js');
  const runtime = runtimeExportNames(entry);
  const all = declaredExportNames(ts, join(core.dir, 'dist', 'index.d.ts'));
  const indexSource = readFileSync(join(core.dir, 'src', 'index.ts'), 'utf8');
  const { used, byEntry, whole } = importersOfCore(ts, root, core);
  const usedNames = [...used.keys()].sort();
  const runtimeSet = new Set(runtime);
  return {
    runtimeNames: runtime.length,
    allNames: all.length,
    typeOnlyNames: all.length - runtime.length,
    exportStarLines: (indexSource.match(/^\s*export\s+\*/gm) ?? []).length,
    namedExportLines: (indexSource.match(/^\s*export\s+(type\s+)?\{/gm) ?? []).length,
    namesImportedByOthers: usedNames.length,
    runtimeNamesImportedByOthers: usedNames.filter((name) => runtimeSet.has(name)).length,
    namespaceImports: whole,
    importStatementsByEntry: byEntry,
    namesImported: Object.fromEntries(usedNames.map((name) => [name, [...used.get(name)].sort()])),
  };
}

// ---------- 4. files over 300 lines ----------

function measureLargeFiles(root, packages) {
  const files = sourceFiles(root, packages).filter(
    (file) => !isSpec(file.rel) && !/\.testing\.[cm]?tsx?$/.test(file.rel),
  );
  const large = files
    .map((file) => ({
      file: file.rel,
      lines: fileLines(file.path),
      testSupport: isTestSupport(file.rel) || file.pkg.testOnly,
    }))
    .filter((file) => file.lines > LARGE_FILE_LINES)
    .sort((a, b) => b.lines - a.lines);
  const shippedFiles = files.filter(isShipped);
  return {
    note: `packages/*/src/**/*.ts without *.spec.ts and *.testing.ts; testSupport: under testing/ or bench/ folders`,
    filesConsidered: files.length,
    over: large.length,
    overOutsideTestSupport: large.filter((file) => !file.testSupport).length,
    medianLinesShipped: median(shippedFiles.map((file) => fileLines(file.path))),
    files: large,
  };
}

function median(values) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// ---------- 5. folder cycles ----------

/** The source files a package names as its doors (exports, bin), mapped from dist back to src. */
function entryFiles(pkg) {
  const targets = [];
  const collect = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') for (const inner of Object.values(value)) collect(inner);
  };
  collect(pkg.manifest.exports);
  collect(pkg.manifest.bin);
  collect(pkg.manifest.main);
  return targets
    .filter((target) => /\.[cm]?js$/.test(target))
    .map((target) => join(pkg.dir, target.replace(/^\.?\/?dist\//, 'src/').replace(/\.(c|m)?js$/, '.$1ts')))
    .filter((path) => existsSync(path));
}

/** Tarjan's strongly connected components; returns those with more than one node. */
function cycles(edges) {
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((targets) => [...targets])]);
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let counter = 0;
  const connect = (node) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of [...nodes].sort()) if (!index.has(node)) connect(node);
  return found.sort((a, b) => b.length - a.length || a[0].localeCompare(b[0]));
}

function addEdge(edges, from, to) {
  if (from === to) return;
  if (!edges.has(from)) edges.set(from, new Set());
  edges.get(from).add(to);
}

/** The imports of source files (specs left out); a relative one resolved to the source file it names. */
function fileImports(ts, root, packages) {
  const files = sourceFiles(root, packages);
  const byPath = new Map(files.map((file) => [file.path, file]));
  const links = [];
  let unresolved = 0;
  for (const file of files.filter((f) => !isSpec(f.rel))) {
    for (const found of importsOf(ts, file.path)) {
      const link = { from: file, specifier: found.specifier, typeOnly: found.typeOnly };
      if (found.specifier.startsWith('.')) {
        const target = resolveRelative(file.path, found.specifier);
        if (!target) unresolved++;
        link.to = byPath.get(target);
      }
      links.push(link);
    }
  }
  return { links, unresolved };
}

/** Shipped files that reach test code: a testing/bench file, a `/testing` entry, or a test runner. */
function shippedImportsOfTestCode(links, packages) {
  const testPackages = packages.filter((pkg) => pkg.testOnly).map((pkg) => pkg.name);
  const testEntry = (specifier) =>
    /^@cognito-rewind\/[^/]+\/testing(\/|$)|^(vitest|fast-check)(\/|$)/.test(specifier) ||
    testPackages.some((name) => specifier === name || specifier.startsWith(`${name}/`));
  const found = new Set();
  for (const link of links) {
    if (!isShipped(link.from)) continue;
    if (link.to ? !isShipped(link.to) : testEntry(link.specifier))
      found.add(`${link.from.rel} → ${link.to?.rel ?? link.specifier}`);
  }
  return [...found].sort();
}

/** The cycles of the graph whose nodes are `nodeOf(file)`, each with the imports that make it. */
function folderGraph(links, nodeOf) {
  const all = new Map();
  const runtime = new Map();
  for (const link of links) {
    addEdge(all, nodeOf(link.from.rel), nodeOf(link.to.rel));
    if (!link.typeOnly) addEdge(runtime, nodeOf(link.from.rel), nodeOf(link.to.rel));
  }
  const edges = (component) => {
    const byEdge = new Map();
    for (const link of links) {
      const [from, to] = [nodeOf(link.from.rel), nodeOf(link.to.rel)];
      if (from === to || !component.includes(from) || !component.includes(to)) continue;
      const key = `${from} → ${to}`;
      if (!byEdge.has(key)) byEdge.set(key, { from, to, imports: [] });
      byEdge.get(key).imports.push(`${link.from.rel} → ${link.to.rel}${link.typeOnly ? ' (type only)' : ''}`);
    }
    return [...byEdge.values()];
  };
  return {
    all: cycles(all).map((folders) => ({ folders, edges: edges(folders) })),
    runtime: cycles(runtime),
  };
}

/** A room: the first folder below a package's src (a file directly in src is a room of its own). */
function roomOf(rel) {
  const match = rel.match(/^(packages\/[^/]+\/src\/)([^/]+)(\/.*)?$/);
  if (!match) return dirname(rel);
  return match[3] ? `${match[1]}${match[2]}` : rel;
}

function measureFolderCycles(root, packages) {
  const ts = loadTypeScript(root);
  const { links, unresolved } = fileImports(ts, root, packages);
  const entries = new Set(packages.flatMap(entryFiles).map((path) => toPosix(relative(root, path))));
  const between = links.filter((link) => link.to !== undefined);
  const shipped = between.filter((link) => isShipped(link.from) && isShipped(link.to));
  const doorless = shipped.filter((link) => !entries.has(link.from.rel));
  const folders = folderGraph(doorless, dirname);
  const rooms = folderGraph(doorless, roomOf);
  const withTestHelpers = folderGraph(
    between.filter((link) => !entries.has(link.from.rel)),
    dirname,
  );
  return {
    note: 'nodes: each directory of packages/*/src; edges: relative imports between shipped files (no specs, *.testing.ts, testing/ or bench/ folders). The packages\' entry files (exports, bin) are left out as importers: a barrel at src/ importing every folder is the door, not a dependency. "runtime": type-only imports ignored. Rooms: the first folder below src, a file directly in src its own room.',
    entryFilesLeftOut: [...entries].sort(),
    unresolvedRelativeImports: unresolved,
    cycles: folders.all.length,
    runtimeCycles: folders.runtime.length,
    folderCycles: folders.all,
    runtimeFolderCycles: folders.runtime,
    roomCycles: rooms.all,
    runtimeRoomCycles: rooms.runtime,
    cyclesWithTestHelpers: withTestHelpers.all.map((cycle) => cycle.folders),
    cyclesWithEntryFiles: folderGraph(shipped, dirname).all.length,
    shippedFilesImportingTestCode: shippedImportsOfTestCode(links, packages),
  };
}

// ---------- 6. duplicates in shipped code ----------

function measureDuplicates(root, packages, keep) {
  const tmp = mkdtempSync(join(tmpdir(), 'house-figures-dup-'));
  try {
    const shipped = sourceFiles(root, packages).filter(isShipped);
    for (const file of shipped) {
      mkdirSync(dirname(join(tmp, file.rel)), { recursive: true });
      cpSync(file.path, join(tmp, file.rel));
    }
    const result = run('duplicates', ['--repo', tmp, '--most', '200', '--seconds', '300']);
    if (result.error || result.code !== 0)
      throw new Error(`duplicates: ${result.error ?? tail(result.stderr)}`);
    const lines = result.stdout.trim().split('\n');
    const head = lines[0] ?? '';
    const number = (pattern) => Number.parseInt(head.match(pattern)?.[1] ?? '0', 10);
    return {
      note: 'shipped source: packages/*/src without specs, *.testing.ts, testing/ and bench/ folders',
      filesCopied: shipped.length,
      summary: head,
      pairs: /^no duplicates/.test(head) ? 0 : number(/^(\d+) pairs?/),
      filesRead: number(/\((\d+) files? read/),
      byShapeAlone: number(/(\d+) by shape alone/),
      boilerplate: number(/(\d+) of those marked boilerplate/),
      rows: lines.filter((line) => /^D\d+ /.test(line)),
      leftOut: lines.filter((line) => line.startsWith('left out:')),
      incomplete: lines.filter((line) => line.startsWith('incomplete:')),
    };
  } finally {
    if (keep) log(`shipped source copy kept in ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------- 7. the README's two commands on a fresh clone ----------

function freshClone(repo, commit) {
  const dir = mkdtempSync(join('/tmp', 'house-figures-clone-'));
  const clone = run('git', ['clone', '--quiet', '--no-checkout', repo, dir]);
  if (clone.code !== 0) throw new Error(`git clone: ${tail(clone.stderr)}`);
  const checkout = run('git', ['checkout', '--quiet', '--detach', commit], { cwd: dir });
  if (checkout.code !== 0) throw new Error(`git checkout: ${tail(checkout.stderr)}`);
  return dir;
}

/** The clone sits in /tmp, so /tmp/shared plays ../shared for it, as /work/shared does for /work/main. */
function ensureSharedLink() {
  if (existsSync(SHARED.link)) return `${SHARED.link} present`;
  if (!existsSync(SHARED.target)) return `${SHARED.target} absent: no link made`;
  symlinkSync(SHARED.target, SHARED.link);
  return `${SHARED.link} → ${SHARED.target} made`;
}

function portFree(port) {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/**
 * Runs a command in its own process group until a line says it is ready, it exits, or time runs out;
 * then stops the group (SIGINT as Ctrl-C would, SIGKILL if it has not exited 60 s later).
 */
function runUntilReady(cmd, args, { cwd, timeoutMs, waitMs = 0, ready = READY_LINE }) {
  const started = performance.now();
  const elapsed = () => round((performance.now() - started) / 1000);
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const outcome = { ready: false, marks: {} };
  const lines = [];
  const partial = { stdout: '', stderr: '' };
  let timer;
  return new Promise((done) => {
    const arm = (ms) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        outcome.timedOut = true;
        stop();
      }, ms);
    };
    const stop = () => {
      clearTimeout(timer);
      signalGroup(child.pid, 'SIGINT');
      const kill = setTimeout(() => {
        outcome.killed = true;
        signalGroup(child.pid, 'SIGKILL');
      }, 60_000);
      child.once('close', () => clearTimeout(kill));
    };
    const onLine = (line) => {
      lines.push(line);
      const mark = line.match(MARK_LINE);
      if (mark) {
        outcome.marks[mark[1]] = { seconds: elapsed(), loadAverage: loadavg().map((n) => round(n, 2)) };
        if (mark[1] === 'begin') arm(timeoutMs);
      } else if (!outcome.ready && ready.test(line)) {
        Object.assign(outcome, { ready: true, seconds: elapsed(), line: line.trim() });
        stop();
      }
    };
    const reader = (stream) => (chunk) => {
      const text = partial[stream] + chunk;
      const complete = text.split('\n');
      partial[stream] = complete.pop();
      for (const line of complete) onLine(line);
    };
    child.stdout.on('data', reader('stdout'));
    child.stderr.on('data', reader('stderr'));
    arm(timeoutMs + waitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!outcome.ready) outcome.output = tail([...lines, partial.stdout, partial.stderr].join('\n'), 12);
      done({ ...outcome, exitCode: code, exitSignal: signal });
    });
  });
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group has already exited
  }
}

/** Times the README's first command in `clone` (fresh: no node_modules, no dist). */
async function timeStartCommand(clone, timeoutMs, lock) {
  const figures = { shared: ensureSharedLink() };
  const portArgs = (await portFree(9229)) ? [] : ['--port', '0'];
  figures.startArgs = portArgs.join(' ') || '(none: port 9229 was free)';
  const pnpm = PNPM.join(' ');
  const script = `echo ${MARK} begin; ${pnpm} install && echo ${MARK} installed && exec ${pnpm} start ${portArgs.join(' ')}`;
  const [cmd, args] = lock ? ['flock', [SUITE_LOCK, 'sh', '-c', script]] : ['sh', ['-c', script]];
  if (lock) figures.lock = `${SUITE_LOCK} (waiting for it not counted)`;
  // The timeout counts from the shell's first line; the lock may first be held by a suite (~8 min).
  const outcome = await runUntilReady(cmd, args, { cwd: clone, timeoutMs, waitMs: lock ? 3_600_000 : 0 });
  const { begin, installed } = outcome.marks;
  figures.loadAverageBefore = begin?.loadAverage;
  figures.install = { ok: installed !== undefined };
  if (begin && installed) figures.install.seconds = round(installed.seconds - begin.seconds);
  figures.start = { ...outcome, marks: undefined };
  if (outcome.ready && begin && installed) {
    figures.start.seconds = round(outcome.seconds - installed.seconds);
    figures.totalSeconds = round(outcome.seconds - begin.seconds);
  }
  return figures;
}

async function timeTestCommand(repo, commit, keep) {
  const clone = freshClone(repo, commit);
  const pnpm = PNPM.join(' ');
  const script = `s=$(date +%s%N); ${pnpm} install >&2 || exit 90; i=$(date +%s%N); ${pnpm} test >&2; rc=$?; e=$(date +%s%N); echo "FIGURES $s $i $e $rc"`;
  try {
    const result = run('flock', [SUITE_LOCK, 'sh', '-c', script], { cwd: clone });
    const match = result.stdout.match(/FIGURES (\d+) (\d+) (\d+) (\d+)/);
    if (!match) return { ok: false, exitCode: result.code, output: tail(result.stderr, 20) };
    const [s, i, e, rc] = match.slice(1).map(Number);
    return {
      ok: rc === 0,
      lock: SUITE_LOCK,
      installSeconds: round((i - s) / 1e9),
      testSeconds: round((e - i) / 1e9),
      totalSeconds: round((e - s) / 1e9),
      ...(rc === 0 ? {} : { output: tail(result.stderr, 20) }),
    };
  } finally {
    if (keep) log(`test clone kept in ${clone}`);
    else rmSync(clone, { recursive: true, force: true });
  }
}

// ---------- the report ----------

const cell = (value) => (value === undefined ? '—' : String(value));
const failed = (figure) => figure?.error !== undefined;
const firstLine = (text) => String(text).split('\n')[0];

function distRows(dist) {
  if (failed(dist)) return [`| dist | failed: ${firstLine(dist.error)} |`];
  const rows = dist.perPackage.map(
    (p) =>
      `| dist ${p.package}${p.private ? ' (private)' : ''} | ${p.dist === false ? 'no dist' : `${p.jsLines} js lines in ${p.jsFiles} files, ${p.dtsLines} .d.ts lines, ${p.files} files in all; ${p.specFiles} spec, ${p.testHelperFiles} test-helper, ${p.benchFiles} bench .js files`} |`,
  );
  const t = dist.total;
  rows.push(
    `| dist, published packages (not private) | ${t.jsLines} js lines in ${t.jsFiles} files, ${t.dtsLines} .d.ts lines, ${t.files} files; ${t.specFiles} spec, ${t.testHelperFiles} test-helper, ${t.benchFiles} bench .js files |`,
  );
  return rows;
}

function probeText(probe) {
  if (!probe) return '—';
  if (probe.ready) return `running after ${probe.seconds} s`;
  const reason =
    (probe.output ?? '').split('\n').find((line) => /error|cannot|fail/i.test(line)) ?? probe.output;
  return `${probe.timedOut ? 'timed out' : `exited ${probe.exitCode}`}: ${cell(reason).replaceAll('|', '\\|').slice(0, 160)}`;
}

function cliRows(cli) {
  if (failed(cli)) return [`| installed CLI | failed: ${firstLine(cli.error)} |`];
  const packFailures = cli.packed.filter((p) => !p.ok).map((p) => p.package);
  const rows = [
    `| packed tarballs | ${cli.tarballs.join(', ')}${packFailures.length ? `; pack failed: ${packFailures.join(', ')}` : ''} |`,
  ];
  if (!cli.npmInstall.ok)
    return [...rows, `| npm install --omit=dev | failed: ${firstLine(cli.npmInstall.output)} |`];
  return [
    ...rows,
    `| installed CLI: packages in node_modules | ${cli.packages} (npm ls: ${cli.npmLsPackages}) |`,
    `| installed CLI: size of node_modules | ${cli.megabytes} MB (${cli.bytes} bytes) |`,
    `| installed CLI: test tools installed | ${cli.testToolsInstalled.join(', ') || 'none'} |`,
    `| installed CLI: spec files (ours / all) | ${cli.ourSpecFiles} / ${cli.allSpecFiles} |`,
    `| \`restore-cli --help\` | exit ${cli.help.exitCode} |`,
    `| \`restore-cli start --port 0\` | ${probeText(cli.startDirectory)} |`,
    `| \`restore-cli start --store aws --port 0\` | ${probeText(cli.startAws)} |`,
  ];
}

function coreRows(core) {
  if (failed(core)) return [`| core exports | failed: ${firstLine(core.error)} |`];
  return [
    `| core index: runtime export names | ${core.runtimeNames} (with types: ${core.allNames}) |`,
    `| core index: \`export *\` lines in src/index.ts | ${core.exportStarLines} (named \`export {\` lines: ${core.namedExportLines}) |`,
    `| core index: names other packages import | ${core.namesImportedByOthers} (runtime: ${core.runtimeNamesImportedByOthers}${core.namespaceImports.length ? `; namespace imports: ${core.namespaceImports.length}` : ''}) |`,
  ];
}

function largeRows(large) {
  if (failed(large)) return [`| files over ${LARGE_FILE_LINES} lines | failed: ${firstLine(large.error)} |`];
  return [
    `| files over ${LARGE_FILE_LINES} lines (src, no specs) | ${large.over} of ${large.filesConsidered} (${large.overOutsideTestSupport} outside testing/bench); median shipped file ${large.medianLinesShipped} lines |`,
  ];
}

function cycleRows(c) {
  if (failed(c)) return [`| folder cycles | failed: ${firstLine(c.error)} |`];
  return [
    `| folder cycles, shipped code (directories) | ${c.cycles} (runtime imports only: ${c.runtimeCycles}; with test helpers: ${c.cyclesWithTestHelpers.length}; with entry barrels: ${c.cyclesWithEntryFiles}) |`,
    `| room cycles, shipped code (first folder below src) | ${c.roomCycles.length} (runtime: ${c.runtimeRoomCycles.length}) |`,
    `| shipped imports of test code | ${c.shippedFilesImportingTestCode.length} |`,
  ];
}

/** A cycle's folder edges, the thin ones (the likely ones to cut) with their imports. */
function cycleList(title, list) {
  const out = [`\n### ${title}\n`];
  if (list.length === 0) out.push('- none');
  for (const cycle of list) {
    out.push(`- ${cycle.folders.join(' ↔ ')}`);
    for (const edge of cycle.edges) {
      const count = `${edge.imports.length} import${edge.imports.length === 1 ? '' : 's'}`;
      const shown =
        edge.imports.length <= 3
          ? `: ${edge.imports.map((line) => line.replace(/\S*\//g, '')).join('; ')}`
          : '';
      out.push(`  - ${edge.from} → ${edge.to}: ${count}${shown}`);
    }
  }
  return out;
}

function timingRows(start, test) {
  const rows = [];
  if (failed(start))
    rows.push(`| \`pnpm install && pnpm start\` (fresh clone) | failed: ${firstLine(start.error)} |`);
  else if (start && !start.install.ok)
    rows.push(
      `| \`pnpm install && pnpm start\` (fresh clone) | ${start.loadAverageBefore ? 'install failed' : 'never began'}: ${probeText(start.start)} |`,
    );
  else if (start)
    rows.push(
      `| \`pnpm install && pnpm start\` (fresh clone) | ${start.start.ready ? `${start.totalSeconds} s to "running" (install ${start.install.seconds} s, start ${start.start.seconds} s)` : `start: ${probeText(start.start)}`}; load average before ${cell(start.loadAverageBefore?.join(' '))} on ${cpus().length} cores |`,
    );
  if (failed(test))
    rows.push(`| \`pnpm install && pnpm test\` (fresh clone) | failed: ${firstLine(test.error)} |`);
  else if (test)
    rows.push(
      `| \`pnpm install && pnpm test\` (fresh clone, under ${SUITE_LOCK}) | ${test.ok ? '' : 'FAILED, '}${cell(test.totalSeconds)} s (install ${cell(test.installSeconds)} s, test ${cell(test.testSeconds)} s) |`,
    );
  return rows;
}

function listSections(f) {
  const out = [];
  if (f.largeFiles?.files?.length)
    out.push(
      `\n### Files over ${LARGE_FILE_LINES} lines\n`,
      ...f.largeFiles.files.map((x) => `- ${x.file}: ${x.lines}${x.testSupport ? ' (test support)' : ''}`),
    );
  const cyc = f.folderCycles;
  if (cyc?.folderCycles) {
    out.push(...cycleList('Folder cycles in shipped code (directories)', cyc.folderCycles));
    out.push(...cycleList('Room cycles in shipped code (first folder below src)', cyc.roomCycles));
    out.push(
      '\n### Shipped code importing test code\n',
      ...cyc.shippedFilesImportingTestCode.map((l) => `- ${l}`),
    );
    if (cyc.shippedFilesImportingTestCode.length === 0) out.push('- none');
  }
  if (f.duplicates?.rows)
    out.push(
      '\n### `duplicates` in shipped code\n',
      `${f.duplicates.summary}\n`,
      ...f.duplicates.rows.map((r) => `- ${r}`),
    );
  return out;
}

function markdown(f) {
  const dup = f.duplicates;
  return [
    `## House figures at ${f.commit.slice(0, 7)}`,
    '',
    `Measured ${f.measuredAt} in ${f.measuredIn} (node ${f.node}, ${f.cores} cores) by scripts/house-figures.mjs.${f.dirty ? ' The checkout had uncommitted changes.' : ''}`,
    '',
    '| figure | value |',
    '| --- | --- |',
    ...distRows(f.dist),
    ...cliRows(f.installedCli),
    ...coreRows(f.coreExports),
    ...largeRows(f.largeFiles),
    ...cycleRows(f.folderCycles),
    failed(dup)
      ? `| duplicates pairs (shipped code) | failed: ${firstLine(dup.error)} |`
      : `| duplicates pairs (shipped code) | ${dup.pairs} in ${dup.filesRead} files (${dup.byShapeAlone} by shape alone, ${dup.boilerplate} of those boilerplate)${[...dup.incomplete, ...dup.leftOut].map((line) => `; ${line}`).join('')} |`,
    ...timingRows(f.readmeStart, f.readmeTest),
    ...listSections(f),
    '',
  ].join('\n');
}

// ---------- main ----------

function options() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'string' },
      rev: { type: 'string', default: 'HEAD' },
      md: { type: 'string' },
      'in-place': { type: 'boolean', default: false },
      'no-time-start': { type: 'boolean', default: false },
      'time-test': { type: 'boolean', default: false },
      'start-timeout': { type: 'string', default: '900' },
      keep: { type: 'boolean', default: false },
      lock: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return { ...values, repo: resolve(positionals[0] ?? process.cwd()) };
}

const USAGE = `usage: node scripts/house-figures.mjs [checkout] [--rev REV] [--json FILE] [--md FILE] [--in-place]
       [--no-time-start] [--lock] [--time-test] [--start-timeout SECONDS] [--keep]
  checkout         the repository to measure (default: the current directory)
  --rev REV        the commit to measure (default: HEAD), cloned fresh
  --in-place       measure the checkout as it is instead of a fresh clone of HEAD (the timing still clones)
  --no-time-start  skip timing \`pnpm install && pnpm start\` on a fresh clone
  --lock           time the first command under flock ${SUITE_LOCK} too (no whole suite beside it)
  --time-test      also time \`pnpm install && pnpm test\` on a fresh clone, under flock ${SUITE_LOCK}
  --keep           keep the temporary clones and directories`;

/** Dependencies for a clone whose timed install did not run or did not finish. */
function ensureInstalled(clone, start) {
  if (start?.install?.ok) return;
  const install = run(PNPM[0], [...PNPM.slice(1), 'install', '--prefer-offline'], { cwd: clone });
  if (install.code !== 0)
    throw new Error(`pnpm install in ${clone}: ${tail(install.stderr || install.stdout)}`);
}

/** Figures 1–6, taken in `root` (built first: a clone is built by its timed start already). */
async function measureCheckout(root, figures, keep) {
  const build = run('npx', ['tsc', '-b'], { cwd: root });
  figures.build = { ok: build.code === 0, seconds: build.seconds };
  if (build.code !== 0) figures.build.output = tail(build.stdout || build.stderr);
  const packages = listPackages(root);
  figures.packages = packages.map((pkg) => ({
    name: pkg.name,
    dir: pkg.rel,
    private: pkg.private,
    testOnly: pkg.testOnly,
  }));
  figures.dist = await attempt('dist', () => measureDist(packages));
  figures.installedCli = await attempt('installed CLI', () => measureInstalledCli(packages, keep));
  figures.coreExports = await attempt('core exports', () => measureCoreExports(root, packages));
  figures.largeFiles = await attempt('large files', () => measureLargeFiles(root, packages));
  figures.folderCycles = await attempt('folder cycles', () => measureFolderCycles(root, packages));
  figures.duplicates = await attempt('duplicates', () => measureDuplicates(root, packages, keep));
}

/** Times the first command on a fresh clone, then takes figures 1–6 in that clone (or in place). */
async function measureAll(opts, commit, figures) {
  const timeStart = !opts['no-time-start'];
  const clone = timeStart || !opts['in-place'] ? freshClone(opts.repo, commit) : undefined;
  try {
    if (timeStart)
      figures.readmeStart = await attempt('timing install && start on a fresh clone', () =>
        timeStartCommand(clone, Number(opts['start-timeout']) * 1000, opts.lock),
      );
    const root = opts['in-place'] ? opts.repo : clone;
    if (root === clone) ensureInstalled(clone, figures.readmeStart);
    figures.measuredIn = opts['in-place']
      ? `${opts.repo} as it is`
      : `a fresh clone of ${commit.slice(0, 7)}`;
    await measureCheckout(root, figures, opts.keep);
  } finally {
    if (clone && opts.keep) log(`clone kept in ${clone}`);
    else if (clone) rmSync(clone, { recursive: true, force: true });
  }
}

async function main() {
  const opts = options();
  if (opts.help) return console.log(USAGE);
  const commit = run('git', ['rev-parse', '--verify', `${opts.rev}^{commit}`], {
    cwd: opts.repo,
  }).stdout.trim();
  if (!commit) throw new Error(`${opts.repo} is not a git checkout with a commit ${opts.rev}`);
  if (opts['in-place'] && opts.rev !== 'HEAD')
    throw new Error('--in-place measures the checkout as it is: no --rev');
  const figures = {
    commit,
    dirty: opts['in-place'] && run('git', ['status', '--porcelain'], { cwd: opts.repo }).stdout.trim() !== '',
    measuredAt: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
  };
  await measureAll(opts, commit, figures);
  if (opts['time-test'])
    figures.readmeTest = await attempt('timing install && test on a fresh clone (under the suite lock)', () =>
      timeTestCommand(opts.repo, commit, opts.keep),
    );
  const json = `${JSON.stringify(figures, null, 2)}\n`;
  const md = markdown(figures);
  if (opts.json) writeFileSync(opts.json, json);
  if (opts.md) writeFileSync(opts.md, md);
  process.stdout.write(`${json}\n${md}`);
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exit(1);
});
