import ts from 'typescript';

/**
 * A TypeScript program over `files` with the compiler options a consumer of the package on Node
 * 20 would use (ESM, NodeNext resolution, strict): what the surface tests read exports and members
 * from, and type-check a consumer with.
 */
export function typeProgram(files: readonly string[]): ts.Program {
  return ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
}
