import { describe, expect, it } from 'vitest';
import {
  describeCycle,
  folderCycles,
  importSpecifiers,
  isShipped,
  partOf,
  resolveSpecifier,
  type SourceModule,
} from './folderGraph.js';

const modules = (files: Record<string, string[]>): SourceModule[] =>
  Object.entries(files).map(([path, imports]) => ({
    path,
    text: imports.map((specifier, i) => `import { x${i} } from '${specifier}';`).join('\n'),
  }));

describe('importSpecifiers', () => {
  it('reads imports, type-only imports, re-exports, side-effect and dynamic imports', () => {
    const text = [
      "import type { A } from './a.js';",
      "import { type B, c } from '../b/c.js';",
      "export * from './d.js';",
      'export { e } from "./e.js";',
      "export type { F } from './f.js';",
      "import './side.js';",
      "const g = await import('./g.js');",
      "import fs from 'node:fs';",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual([
      './a.js',
      '../b/c.js',
      './d.js',
      './e.js',
      './f.js',
      './side.js',
      './g.js',
      'node:fs',
    ]);
  });

  it('takes nothing from comments or strings', () => {
    const text = [
      "// import { a } from './commented.js';",
      "/* export * from './block.js'; */",
      'const s = "import b from \'./quoted.js\'";',
    ].join('\n');
    expect(importSpecifiers(text)).toEqual([]);
  });
});

describe('resolveSpecifier', () => {
  it('resolves a relative .js specifier to its .ts source below src/', () => {
    expect(resolveSpecifier('restore/plan/planUsers.ts', '../../model/json.js')).toBe('model/json.ts');
    expect(resolveSpecifier('ports.ts', './changes/changeRecord.js')).toBe('changes/changeRecord.ts');
  });

  it('leaves package imports and paths outside src/ alone', () => {
    expect(resolveSpecifier('a/b.ts', '@cognito-rewind/core')).toBeUndefined();
    expect(resolveSpecifier('a/b.ts', 'node:fs')).toBeUndefined();
    expect(resolveSpecifier('a/b.ts', '../../vitest.shared.js')).toBeUndefined();
  });
});

describe('partOf', () => {
  it('names a sub-folder whole, the folder’s own files together, and each file of src/ alone', () => {
    expect(partOf('', 'restore/plan/planUsers.ts')).toBe('restore');
    expect(partOf('restore', 'restore/plan/planUsers.ts')).toBe('restore/plan');
    expect(partOf('restore', 'restore/prepareRestore.ts')).toBe('restore/*');
    expect(partOf('', 'ports.ts')).toBe('ports.ts');
  });
});

describe('isShipped', () => {
  it('keeps modules and leaves out specs, test helpers and declarations', () => {
    expect(
      ['a.ts', 'a.unit.spec.ts', 'b/c.int.spec.ts', 'd.testing.ts', 'e.d.ts', 'f.json'].filter(isShipped),
    ).toEqual(['a.ts']);
  });
});

describe('folderCycles', () => {
  it('finds none where folders lean one way', () => {
    const source = modules({
      'index.ts': ['./replay/stateAt.js', './snapshots/store.js'],
      'ports.ts': ['./model/json.js'],
      'model/json.ts': [],
      'snapshots/store.ts': ['../model/json.js', '../ports.js'],
      'replay/stateAt.ts': ['../snapshots/store.js', './fold.js'],
      'replay/fold.ts': ['../model/json.js'],
    });
    expect(folderCycles(source)).toEqual([]);
  });

  it('names two rooms that import each other, with the imports on each side', () => {
    const source = modules({
      'replay/stateAt.ts': ['../snapshots/codec.js', '../snapshots/store.js'],
      'snapshots/codec.ts': [],
      'snapshots/store.ts': ['../replay/replayEntities.js'],
      'replay/replayEntities.ts': [],
    });
    expect(folderCycles(source)).toEqual([
      {
        folder: '',
        parts: ['replay', 'snapshots'],
        edges: [
          {
            from: 'replay',
            to: 'snapshots',
            imports: [
              { from: 'replay/stateAt.ts', to: 'snapshots/codec.ts' },
              { from: 'replay/stateAt.ts', to: 'snapshots/store.ts' },
            ],
          },
          {
            from: 'snapshots',
            to: 'replay',
            imports: [{ from: 'snapshots/store.ts', to: 'replay/replayEntities.ts' }],
          },
        ],
      },
    ]);
  });

  it('finds a circle through a third folder and through a file of src/', () => {
    const source = modules({
      'a/a.ts': ['../b/b.js'],
      'b/b.ts': ['../c/c.js'],
      'c/c.ts': ['../a/a.js'],
      'ports.ts': ['./changes/record.js'],
      'changes/record.ts': [],
      'changes/timeline.ts': ['../ports.js'],
    });
    expect(folderCycles(source).map((cycle) => cycle.parts)).toEqual([
      ['a', 'b', 'c'],
      ['changes', 'ports.ts'],
    ]);
  });

  it('lets files of one folder import each other, and files of src/ too', () => {
    const source = modules({
      'capture/a.ts': ['./b.js'],
      'capture/b.ts': ['./a.js'],
      'errors.ts': ['./ports.js'],
      'ports.ts': ['./errors.js'],
    });
    expect(folderCycles(source)).toEqual([]);
  });

  it('finds sub-folders of one folder that import each other, and only inside it', () => {
    const source = modules({
      'restore/plan/planUsers.ts': ['../apply/pacer.js'],
      'restore/apply/pacer.ts': ['../plan/restorePlan.js'],
      'restore/plan/restorePlan.ts': [],
    });
    expect(folderCycles(source)).toEqual([
      {
        folder: 'restore',
        parts: ['restore/apply', 'restore/plan'],
        edges: [
          {
            from: 'restore/apply',
            to: 'restore/plan',
            imports: [{ from: 'restore/apply/pacer.ts', to: 'restore/plan/restorePlan.ts' }],
          },
          {
            from: 'restore/plan',
            to: 'restore/apply',
            imports: [{ from: 'restore/plan/planUsers.ts', to: 'restore/apply/pacer.ts' }],
          },
        ],
      },
    ]);
  });

  it('finds a folder and its own sub-folder that import each other', () => {
    const source = modules({
      'fake/dispatch.ts': ['./ops/users.js'],
      'fake/ops/users.ts': ['../state.js'],
      'fake/state.ts': [],
    });
    expect(folderCycles(source).map((cycle) => [cycle.folder, cycle.parts])).toEqual([
      ['fake', ['fake/*', 'fake/ops']],
    ]);
  });

  it('finds rooms that lean on each other through different sub-folders', () => {
    const source = modules({
      'a/x.ts': ['../b/b.js'],
      'b/b.ts': ['../a/y/z.js'],
      'a/y/z.ts': [],
    });
    expect(folderCycles(source).map((cycle) => [cycle.folder, cycle.parts])).toEqual([['', ['a', 'b']]]);
  });

  it('counts type-only imports and re-exports', () => {
    const source: SourceModule[] = [
      { path: 'a/a.ts', text: "import type { B } from '../b/b.js';" },
      { path: 'b/b.ts', text: "export * from '../a/a.js';" },
    ];
    expect(folderCycles(source).map((cycle) => cycle.parts)).toEqual([['a', 'b']]);
  });

  it('describes a cycle on one line per edge, naming the imports', () => {
    const source = modules({ 'a/x.ts': ['../b/y.js'], 'b/y.ts': ['../a/x.js'] });
    const [cycle] = folderCycles(source);
    expect(cycle && describeCycle('packages/core', cycle)).toBe(
      ['in packages/core/src: a ↔ b', '  a → b: a/x.ts → b/y.ts', '  b → a: b/y.ts → a/x.ts'].join('\n'),
    );
  });
});
