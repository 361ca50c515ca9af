// What only tests (and benches) reach: the Cognito fake and helpers around it. The contract suites
// import vitest, so they live behind their own subpath: `@cognito-rewind/testkit/contracts`. The
// emulator launchers are `@cognito-rewind/emulators`; the in-memory adapters are core's.

export * from './applyPoolOp.js';
export * from './breakEverything.js';
export * from './capturedPool.js';
export * from './cognitoFake/index.js';
export { countingReader } from './countingReader.js';
export * from './poolScenario.js';
export * from './recordingProxy.js';
export * from './restoreOnFake.js';
export * from './samplePoolOnFake.js';
export * from './trueHistory.js';
