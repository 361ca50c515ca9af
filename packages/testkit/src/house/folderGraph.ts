import { readdir, readFile } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import ts from 'typescript';

/** One module of a package's source: its path below `src/` (`/`-separated) and its text. */
export interface SourceModule {
  path: string;
  text: string;
}

/** One import that makes an edge of a folder cycle, as `from → to` (paths below `src/`). */
export interface CycleImport {
  from: string;
  to: string;
}

/**
 * Parts of one folder that import each other in a circle. `folder` is the folder whose parts they are
 * (`''` for `src/` itself); `parts` are named as in `partOf`, and `edges` give every import between
 * two parts of the cycle, the first few of each pair.
 */
export interface FolderCycle {
  folder: string;
  parts: string[];
  edges: { from: string; to: string; imports: CycleImport[] }[];
}

/**
 * The module specifiers a source imports or re-exports, type-only ones included, and dynamic
 * `import()`s: TypeScript's own pre-processing scanner, so specifiers in comments and strings are not
 * taken for imports.
 */
export function importSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

/**
 * The module a relative specifier names, below `src/` (`.js` written for a `.ts` source, as NodeNext
 * wants); undefined for a package import or a path that leaves `src/`.
 */
export function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  if (target.startsWith('../')) return undefined;
  return target.replace(/\.js$/, '.ts');
}

const folderOf = (path: string): string => {
  const dir = posix.dirname(path);
  return dir === '.' ? '' : dir;
};

const inside = (folder: string, path: string): boolean => folder === '' || path.startsWith(`${folder}/`);

/**
 * What a module counts as among the parts of `folder` (which holds it): a sub-folder taken whole
 * (`restore/plan`), or the folder's own files taken together (`restore/*`). Files directly in `src/`
 * stand alone (`ports.ts`): they are the package's entry and the kernel every folder reads.
 */
export function partOf(folder: string, path: string): string {
  const rest = folder === '' ? path : path.slice(folder.length + 1);
  const slash = rest.indexOf('/');
  if (slash >= 0) return folder === '' ? rest.slice(0, slash) : `${folder}/${rest.slice(0, slash)}`;
  return folder === '' ? path : `${folder}/*`;
}

/** Every folder that holds a module, `''` (`src/`) and each folder's parents included, sorted. */
function foldersOf(paths: Iterable<string>): string[] {
  const folders = new Set<string>(['']);
  for (const path of paths) {
    for (let folder = folderOf(path); folder !== ''; folder = folderOf(folder)) folders.add(folder);
  }
  return [...folders].sort();
}

/** Tarjan's strongly connected components, kept when they hold more than one node. */
class Circles {
  private readonly index = new Map<string, number>();
  private readonly low = new Map<string, number>();
  private readonly stack: string[] = [];
  private readonly onStack = new Set<string>();
  readonly found: string[][] = [];

  constructor(private readonly next: (node: string) => Iterable<string>) {}

  visit(node: string): void {
    if (this.index.has(node)) return;
    const order = this.index.size;
    this.index.set(node, order);
    this.low.set(node, order);
    this.stack.push(node);
    this.onStack.add(node);
    for (const target of this.next(node)) {
      const seen = this.index.has(target);
      if (!seen) this.visit(target);
      if (!seen || this.onStack.has(target)) {
        const reach = seen ? (this.index.get(target) as number) : (this.low.get(target) as number);
        this.low.set(node, Math.min(this.low.get(node) as number, reach));
      }
    }
    if (this.low.get(node) === order) this.close(node);
  }

  private close(root: string): void {
    const component: string[] = [];
    for (let top = this.stack.pop(); top !== undefined; top = this.stack.pop()) {
      this.onStack.delete(top);
      component.push(top);
      if (top === root) break;
    }
    if (component.length > 1) this.found.push(component.sort());
  }
}

/** Every relative import between two shipped modules (a module importing itself left out). */
function relativeImports(modules: readonly SourceModule[]): CycleImport[] {
  return modules.flatMap((module) =>
    importSpecifiers(module.text)
      .map((specifier) => resolveSpecifier(module.path, specifier))
      .filter((to): to is string => to !== undefined && to !== module.path)
      .map((to) => ({ from: module.path, to })),
  );
}

type PartEdges = Map<string, Map<string, CycleImport[]>>;

/**
 * The imports between the parts of one folder, grouped by (part, part). Two files of `src/` stand
 * alone against folders, not against each other: a cycle of theirs is one of modules, not of folders.
 */
function partEdges(folder: string, imports: readonly CycleImport[]): PartEdges {
  const edges: PartEdges = new Map();
  for (const link of imports) {
    if (!inside(folder, link.from) || !inside(folder, link.to)) continue;
    const from = partOf(folder, link.from);
    const to = partOf(folder, link.to);
    if (from === to || (folderOf(link.from) === '' && folderOf(link.to) === '')) continue;
    const targets = edges.get(from) ?? new Map<string, CycleImport[]>();
    edges.set(from, targets);
    targets.set(to, [...(targets.get(to) ?? []), link]);
  }
  return edges;
}

/**
 * The folder cycles of one package's source: in every folder, its parts (each sub-folder taken whole,
 * the folder's own files together; in `src/`, each file alone) must import each other without a
 * circle. So no two folders lean on each other, directly or through others, at any depth: not two
 * rooms of a package, not two sub-folders of one room, not a folder and its own sub-folder.
 */
export function folderCycles(modules: readonly SourceModule[], examplesPerEdge = 3): FolderCycle[] {
  const imports = relativeImports(modules);
  const cycles: FolderCycle[] = [];
  for (const folder of foldersOf(modules.map((module) => module.path))) {
    const edges = partEdges(folder, imports);
    const circles = new Circles((node) => edges.get(node)?.keys() ?? []);
    for (const node of [...edges.keys()].sort()) circles.visit(node);
    const found = circles.found.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
    for (const parts of found) {
      const members = new Set(parts);
      const between = parts.flatMap((from) =>
        [...(edges.get(from) ?? [])]
          .filter(([to]) => members.has(to))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([to, links]) => ({ from, to, imports: links.slice(0, examplesPerEdge) })),
      );
      cycles.push({ folder, parts, edges: between });
    }
  }
  return cycles;
}

/** One line per cycle and one per edge of it, naming the imports that make it. */
export function describeCycle(pkg: string, cycle: FolderCycle): string {
  const where = cycle.folder === '' ? `${pkg}/src` : `${pkg}/src/${cycle.folder}`;
  const lines = cycle.edges.map(
    (edge) =>
      `  ${edge.from} → ${edge.to}: ${edge.imports.map((link) => `${link.from} → ${link.to}`).join('; ')}`,
  );
  return [`in ${where}: ${cycle.parts.join(' ↔ ')}`, ...lines].join('\n');
}

/** What a package ships from `src/`: its TypeScript modules, without specs and test helpers (`*.testing.ts`). */
export const isShipped = (path: string): boolean =>
  path.endsWith('.ts') && !/\.(d|spec|testing)\.ts$/.test(path);

/** The shipped modules below one `src/` folder. */
export async function shippedModules(srcDir: string): Promise<SourceModule[]> {
  const paths = (await readdir(srcDir, { recursive: true })).map((path) => path.split(sep).join('/'));
  const shipped = paths.filter(isShipped).sort();
  return Promise.all(
    shipped.map(async (path) => ({ path, text: await readFile(join(srcDir, path), 'utf8') })),
  );
}
